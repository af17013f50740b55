"""Find in the real window (typed into the search box, the status filter
chosen with the keyboard), the layout remembered between windows, and
keyboard reach: menus, shortcuts, tab order, accessible names, tooltips."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import cast

import pytest
from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QFileDialog, QLineEdit, QMenu, QWidget
from pytestqt.qtbot import QtBot

from tests.conftest import make_package_zip
from tests.gui.conftest import crc_broken_zip, file_row, ingest_before_start, select_package
from veripost_desktop.app import create_main_window
from veripost_desktop.core.config import Settings
from veripost_desktop.gui.files import file_table_model as files
from veripost_desktop.gui.packages import package_search_bar
from veripost_desktop.gui.packages import package_table_model as packages
from veripost_desktop.gui.packages.package_filter import StatusFilter
from veripost_desktop.gui.window.main_window import MainWindow

OpenWindow = Callable[..., MainWindow]


@pytest.fixture
def three_packages(corpus_dir: Path, tmp_path: Path, local_settings: Settings) -> Settings:
    """GRBL-Post and SCL-SW-GRBL-1_1 ready, a damaged SCL ZIP in error."""
    zips = [
        make_package_zip(corpus_dir, tmp_path / "GRBL-Post.zip"),
        make_package_zip(corpus_dir, tmp_path / "SCL.zip", "SCL-SW-GRBL-1_1"),
        crc_broken_zip(corpus_dir, tmp_path / "damaged.zip"),
    ]
    ingest_before_start(local_settings, zips)
    return local_settings


def shown(window: MainWindow) -> list[tuple[str, str]]:
    """(name, status) of the rows the table shows, in its order."""
    proxy = window.package_view.model()
    return [
        (
            proxy.index(row, packages.COL_NAME).data(),
            proxy.index(row, packages.COL_STATUS).data(),
        )
        for row in range(proxy.rowCount())
    ]


def activate(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def type_search(qtbot: QtBot, box: QLineEdit, text: str) -> None:
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # Escape clears what was there
    assert box.text() == ""
    qtbot.keyClicks(box, text)


def test_search_box_filters_by_name_machine_controller_and_status(
    qtbot: QtBot, open_window: OpenWindow, three_packages: Settings
) -> None:
    window = open_window(three_packages)
    activate(qtbot, window)
    box = window.findChild(QLineEdit, "searchBox")
    assert box is window.search_bar.search_box
    assert box.isClearButtonEnabled()
    assert len(shown(window)) == 3

    # Ctrl+F and Ctrl+K reach the box from the table.
    for key in (Qt.Key.Key_F, Qt.Key.Key_K):
        window.package_view.setFocus()
        qtbot.keyClick(window.package_view, key, Qt.KeyboardModifier.ControlModifier)
        assert QApplication.focusWidget() is box

    type_search(qtbot, box, "rscnc")  # GRBL-Post's machine, any case
    assert shown(window) == [("GRBL-Post", "ready")]
    type_search(qtbot, box, "generic cnc")  # SCL's machine: "Generic CNC Mill"
    assert shown(window) == [("SCL-SW-GRBL-1_1", "ready")]
    type_search(qtbot, box, "V1.1")  # SCL's controller: "GRBL v1.1"
    assert shown(window) == [("SCL-SW-GRBL-1_1", "ready")]
    type_search(qtbot, box, "grbl")  # both names (and controllers)
    assert len(shown(window)) == 3
    type_search(qtbot, box, "error")  # the status
    assert shown(window) == [("SCL-SW-GRBL-1_1", "error")]
    assert window.search_bar.count_label.text() == "Showing 1 of 3"
    type_search(qtbot, box, "no such post")
    assert shown(window) == []

    type_search(qtbot, box, "scl")
    # Down moves to the results and selects the first: its files show.
    qtbot.keyClick(box, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is window.package_view
    selected = window.selected_package()
    assert selected is not None and selected.name == "SCL-SW-GRBL-1_1"

    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert len(shown(window)) == 3
    assert window.search_bar.count_label.text() == ""


def test_status_filter_chosen_with_the_keyboard(
    qtbot: QtBot, open_window: OpenWindow, three_packages: Settings
) -> None:
    window = open_window(three_packages)
    combo = window.findChild(QComboBox, "statusFilter")
    assert combo is window.search_bar.status_filter
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "All",
        "Ready",
        "In progress",
        "Error",
    ]
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == "Ready"
    assert sorted(shown(window)) == [("GRBL-Post", "ready"), ("SCL-SW-GRBL-1_1", "ready")]
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == "In progress"
    assert shown(window) == []
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert shown(window) == [("SCL-SW-GRBL-1_1", "error")]
    # With a search on top: both must hold.
    qtbot.keyClicks(window.search_bar.search_box, "rscnc")
    assert shown(window) == []
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    assert shown(window) == [("GRBL-Post", "ready")]


def test_every_column_sorts(
    qtbot: QtBot, open_window: OpenWindow, three_packages: Settings
) -> None:
    window = open_window(three_packages)
    view = window.package_view
    header = view.horizontalHeader()
    assert view.isSortingEnabled() and header.sectionsClickable()
    for column in range(len(packages.HEADERS)):
        view.scrollTo(view.model().index(0, column))
        x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
        qtbot.mouseClick(
            header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
        )
        assert header.sortIndicatorSection() == column


def test_layout_is_remembered_in_a_new_window(
    qtbot: QtBot, three_packages: Settings, own_qsettings: Path
) -> None:
    first = create_main_window(three_packages)
    qtbot.addWidget(first)
    first.resize(720, 520)
    first.show()
    qtbot.waitExposed(first)
    package_header = first.package_view.horizontalHeader()
    package_header.resizeSection(packages.COL_NAME, 333)
    package_header.moveSection(package_header.visualIndex(packages.COL_MACHINE), 1)
    first.package_view.sortByColumn(packages.COL_SIZE, Qt.SortOrder.DescendingOrder)
    first.file_view.horizontalHeader().resizeSection(files.COL_TYPE, 91)
    first.splitter.setSizes([220, 260])
    sizes = first.splitter.sizes()
    size = first.size()
    assert size != QSize(1100, 700)  # not the built-in size
    first.close()
    assert (own_qsettings / "VeriPost" / "VeriPost Desktop.ini").exists()

    second = create_main_window(three_packages)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    try:
        assert second.size() == size
        header = second.package_view.horizontalHeader()
        assert header.sectionSize(packages.COL_NAME) == 333
        assert header.visualIndex(packages.COL_MACHINE) == 1
        assert header.sortIndicatorSection() == packages.COL_SIZE
        assert header.sortIndicatorOrder() is Qt.SortOrder.DescendingOrder
        proxy = second.package_view.model()
        shown_sizes = [
            proxy.index(r, packages.COL_SIZE).data(packages.SortRole)
            for r in range(proxy.rowCount())
        ]
        assert shown_sizes == sorted(shown_sizes, reverse=True)
        assert second.file_view.horizontalHeader().sectionSize(files.COL_TYPE) == 91
        assert second.splitter.sizes() == sizes
    finally:
        second.close()


def test_a_fresh_start_uses_the_built_in_layout(
    qtbot: QtBot, open_window: OpenWindow, local_settings: Settings
) -> None:
    window = open_window(local_settings)
    header = window.package_view.horizontalHeader()
    assert header.sortIndicatorSection() == packages.COL_ADDED
    assert header.sectionSize(packages.COL_NAME) == 220


def test_menus_shortcuts_and_accessible_names(
    qtbot: QtBot, open_window: OpenWindow, local_settings: Settings
) -> None:
    window = open_window(local_settings)
    menus = {a.text(): a.menu() for a in window.menuBar().actions()}
    assert all(isinstance(m, QMenu) for m in menus.values())
    assert list(menus) == ["&File", "&Edit", "&Package", "&Help"]
    for title, menu in menus.items():
        keys = []
        for action in cast(QMenu, menu).actions():
            if action.isSeparator():
                continue
            text = action.text()
            assert "&" in text, f"{title} > {text} has no mnemonic"
            keys.append(text[text.index("&") + 1].casefold())
            assert action.toolTip(), f"{title} > {text} has no tooltip"
        assert len(keys) == len(set(keys)), f"{title} repeats a mnemonic: {keys}"

    shortcuts = {
        a.objectName(): [s.toString() for s in a.shortcuts()]
        for menu in menus.values()
        for a in cast(QMenu, menu).actions()
        if a.objectName()
    }
    assert shortcuts["addPackagesAction"] == ["Ctrl+O"]
    assert shortcuts["quitAction"] == ["Ctrl+Q"]
    assert shortcuts["settingsAction"] == ["Ctrl+,"]
    assert shortcuts["findAction"] == ["Ctrl+F", "Ctrl+K"]
    assert shortcuts["saveSelectedFilesAction"] == ["Ctrl+S"]
    assert shortcuts["savePackageZipAction"] == ["Ctrl+Shift+S"]
    assert shortcuts["removePackageAction"] == ["Del"]

    for action in window.toolbar.actions():
        if not action.isSeparator():
            assert action.toolTip() and action.toolTip() != action.text().replace("&", "")

    for name in ("packageTable", "fileTable", "dropArea", "searchBox", "statusFilter"):
        widget = window.findChild(QWidget, name)
        assert widget is not None, name
        assert widget.accessibleName(), name
        assert widget.accessibleDescription(), name

    for view in (window.package_view, window.file_view):
        proxy = view.model()
        for column in range(proxy.columnCount()):
            tip = proxy.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
            assert tip, f"{view.objectName()} column {column} has no tooltip"


def test_tab_order_runs_from_the_drop_area_to_the_files(
    qtbot: QtBot,
    open_window: OpenWindow,
    local_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = open_window(local_settings)
    activate(qtbot, window)
    window.drop_area.setFocus(Qt.FocusReason.TabFocusReason)
    assert QApplication.focusWidget() is window.drop_area
    seen = []
    for _ in range(6):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    assert seen[:4] == [
        window.search_bar.search_box,
        window.search_bar.status_filter,
        window.search_bar.latest_only,
        window.package_view,
    ]
    assert window.file_view in seen[4:]

    # Enter on the focused drop area opens the file chooser, as a click does.
    asked: list[str] = []

    def fake_open(*args: object, **kwargs: object) -> tuple[list[str], str]:
        asked.append(str(args[1]))
        return [], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", fake_open)
    window.drop_area.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(window.drop_area, Qt.Key.Key_Return)
    assert asked == ["Add packages"]


def test_ctrl_f_in_a_source_viewer_finds_in_the_viewer(
    qtbot: QtBot, open_window: OpenWindow, three_packages: Settings
) -> None:
    window = open_window(three_packages)
    grbl = next(r for r in window.package_model.records() if r.name == "GRBL-Post")
    select_package(qtbot, window, grbl.id)
    window.file_view.selectRow(file_row(window, "GRBL-Post.SRC").row())
    window.file_actions.view_source_action.trigger()
    (viewer,) = window.source_viewers.windows()
    qtbot.waitUntil(lambda: viewer.loaded is not None, timeout=10_000)
    viewer.activateWindow()
    qtbot.waitUntil(viewer.isActiveWindow)
    qtbot.keyClick(viewer, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert viewer.find_bar.isVisible()
    assert QApplication.focusWidget() is viewer.find_bar.field
    assert not window.search_bar.search_box.hasFocus()


def test_going_to_a_package_the_filter_hides_shows_everything_again(
    qtbot: QtBot, open_window: OpenWindow, three_packages: Settings
) -> None:
    window = open_window(three_packages)
    grbl = next(r for r in window.package_model.records() if r.name == "GRBL-Post")
    qtbot.keyClicks(window.search_bar.search_box, "generic")
    window.search_bar.set_status_filter(StatusFilter.READY)
    assert shown(window) == [("SCL-SW-GRBL-1_1", "ready")]
    assert window.select_package(grbl.id)  # e.g. "Go to existing" for a duplicate
    assert window.search_bar.search_box.text() == ""
    assert window.search_bar.status_filter.currentText() == "All"
    assert len(shown(window)) == 3
    assert window.selected_package() == grbl


def test_in_a_large_catalog_the_search_waits_for_a_pause_in_typing(
    qtbot: QtBot,
    open_window: OpenWindow,
    three_packages: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(package_search_bar, "LARGE_CATALOG", 3)
    window = open_window(three_packages)
    qtbot.keyClicks(window.search_bar.search_box, "rscnc")
    assert len(shown(window)) == 3  # not yet: one refilter for the word, not five
    qtbot.waitUntil(lambda: shown(window) == [("GRBL-Post", "ready")], timeout=2_000)
