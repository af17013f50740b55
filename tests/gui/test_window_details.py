"""What the parser read, in the package table's columns and the Details tab."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabWidget, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from tests.gui.conftest import drop_files, package_ids, select_package, wait_for_status
from veripost_desktop.core.catalog import PackageStatus
from veripost_desktop.core.config import Settings
from veripost_desktop.gui.packages import package_table_model as packages
from veripost_desktop.gui.packages.package_details_pane import PackageDetailsPane
from veripost_desktop.gui.window.main_window import MainWindow

OpenWindow = Callable[[Settings | None], MainWindow]


def zip_without_own_library(corpus_dir: Path, path: Path) -> Path:
    """GRBL-Post without GRBL-Post.LIB: its .SRC names a library the package lacks."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for member in sorted((corpus_dir / "GRBL-Post").iterdir()):
            if member.suffix.upper() != ".LIB":
                zf.write(member, f"GRBL-Post/{member.name}")
    return path


def children(group: QTreeWidgetItem | None) -> list[QTreeWidgetItem]:
    assert group is not None
    items = [group.child(i) for i in range(group.childCount())]
    return [item for item in items if item is not None]


def cell(window: MainWindow, package_id: str, column: int, role: int = 0) -> object:
    model = window.package_model
    return model.index(model.rowForId(package_id), column).data(role)


def test_columns_show_what_the_parser_read(
    qtbot: QtBot, open_window: OpenWindow, local_settings: Settings, grbl_zip: Path
) -> None:
    window = open_window(local_settings)
    drop_files(window, [grbl_zip])
    (package_id,) = package_ids(window)
    # Not parsed yet: no machine, and no "not parsed" while it is in flight.
    assert cell(window, package_id, packages.COL_MACHINE) == ""
    assert cell(window, package_id, packages.COL_WARNINGS) == ""
    assert wait_for_status(qtbot, window, package_id).status is PackageStatus.READY

    # The values `veripost-cli show ID --json` prints for GRBL-Post.
    assert cell(window, package_id, packages.COL_MACHINE) == "RSCNC32"
    assert cell(window, package_id, packages.COL_CONTROLLER) == "GRBL"
    assert cell(window, package_id, packages.COL_SYSTEM) == "MILL"
    assert cell(window, package_id, packages.COL_SECTIONS) == "82"
    assert cell(window, package_id, packages.COL_WARNINGS) == ""  # no warnings: empty
    assert cell(window, package_id, packages.COL_WARNINGS, Qt.ItemDataRole.DecorationRole) is None
    # The view shows them under their headers.
    proxy = window.package_view.model()
    headers = [proxy.headerData(c, Qt.Orientation.Horizontal) for c in range(proxy.columnCount())]
    assert headers[packages.COL_MACHINE : packages.COL_SYSTEM + 1] == [
        "Machine",
        "Controller",
        "System",
    ]


def test_missing_library_shows_as_warnings_in_the_table_and_details(
    qtbot: QtBot,
    open_window: OpenWindow,
    local_settings: Settings,
    corpus_dir: Path,
    tmp_path: Path,
) -> None:
    window = open_window(local_settings)
    drop_files(window, [zip_without_own_library(corpus_dir, tmp_path / "no-lib.zip")])
    (package_id,) = package_ids(window)
    record = wait_for_status(qtbot, window, package_id)
    assert record.status is PackageStatus.READY, record.error_detail
    warnings = window.services.catalog.list_warnings(package_id)
    assert any(w.code == "missing_library" for w in warnings)

    # The table: a count with the warning icon; the tooltip names them.
    count = len(warnings)
    assert cell(window, package_id, packages.COL_WARNINGS) == str(count)
    assert cell(window, package_id, packages.COL_WARNINGS, Qt.ItemDataRole.DecorationRole)
    tip = str(cell(window, package_id, packages.COL_WARNINGS, Qt.ItemDataRole.ToolTipRole))
    assert "missing_library: " in tip and "GRBL-Post.SRC:126" in tip

    # The Details tab: the package, the file's sections, the references, the warnings.
    select_package(qtbot, window, package_id)
    tabs = window.findChild(QTabWidget, "packageTabs")
    assert tabs is not None
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["Files", "Details"]
    pane = window.findChild(PackageDetailsPane, "packageDetails")
    assert pane is window.details_pane
    assert pane.field_text("Name") == "GRBL-Post"
    assert pane.field_text("Status") == "ready"
    assert pane.field_text("Machine") == "RSCNC32"
    assert pane.field_text("Controller") == "GRBL"
    assert pane.field_text("System") == "MILL"
    assert pane.field_text("Sections") == "81"

    by_name = {item.text(0): item.text(1) for item in children(pane.group("Files"))}
    assert by_name["GRBL-Post.SRC"] == (
        "81 active sections (7 calc, 74 template), 44 commented out"
    )
    assert "GRBL-Post.LIB" not in by_name

    refs = pane.group("Library references")
    assert refs is not None and refs.text(0) == "Library references (2, 1 missing)"
    rows = {item.text(0): item for item in children(refs)}
    assert rows["GRBL-Post.LIB"].text(1) == "MISSING from the package"
    assert rows["GRBL-Post.LIB"].text(2) == "GRBL-Post.SRC:126"
    assert rows["MILL.LIB"].text(1).startswith("master library")

    group = pane.group("Warnings")
    assert group is not None and group.text(0) == f"Warnings ({count})"
    items = children(group)
    assert len(items) == count
    assert ("missing_library", "GRBL-Post.SRC:126") in [(i.text(0), i.text(2)) for i in items]
    missing = next(w for w in warnings if w.code == "missing_library")
    assert missing.text in [item.text(1) for item in items]


def test_details_follow_the_selection(
    qtbot: QtBot, open_window: OpenWindow, local_settings: Settings, grbl_zip: Path
) -> None:
    window = open_window(local_settings)
    assert window.details_pane.field_text("Name").startswith("Select a package")
    drop_files(window, [grbl_zip])
    (package_id,) = package_ids(window)
    select_package(qtbot, window, package_id)  # while it is still in flight
    wait_for_status(qtbot, window, package_id)
    # The pane caught up with the end of the ingestion without a new selection.
    qtbot.waitUntil(lambda: window.details_pane.field_text("Machine") == "RSCNC32")
    assert window.details_pane.field_text("Status") == "ready"
    window.package_view.clearSelection()
    assert window.details_pane.field_text("Name").startswith("Select a package")


def test_activating_a_warning_opens_the_source_at_its_line(
    qtbot: QtBot,
    open_window: OpenWindow,
    local_settings: Settings,
    corpus_dir: Path,
    tmp_path: Path,
) -> None:
    window = open_window(local_settings)
    drop_files(window, [zip_without_own_library(corpus_dir, tmp_path / "no-lib.zip")])
    (package_id,) = package_ids(window)
    wait_for_status(qtbot, window, package_id)
    select_package(qtbot, window, package_id)
    window.details_tabs.setCurrentWidget(window.details_pane)
    tree = window.details_pane.tree
    item = next(i for i in children(window.details_pane.group("Warnings")) if i.text(2))
    filename, line = item.text(2).rsplit(":", 1)
    tree.setFocus()
    tree.setCurrentItem(item)
    qtbot.keyClick(tree, Qt.Key.Key_Return)

    (viewer,) = window.source_viewers.windows()
    qtbot.waitUntil(lambda: viewer.loaded is not None)
    assert viewer.filename == filename
    assert viewer.editor.current_line() == int(line)
