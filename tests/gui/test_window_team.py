"""The window on a store the team shares: Refresh from storage (F5, at start,
on a timer) shows what other desktops added and removed; their packages
read, verify and show their sources like local ones; a damaged catalog
comes back from storage."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tests.conftest import make_package_zip
from tests.gui.conftest import ShownBox, ingest_before_start, package_ids, select_package
from tests.gui.test_source_viewer import open_viewer_with_enter
from veripost_desktop.core.catalog import PackageStatus
from veripost_desktop.core.config import Settings
from veripost_desktop.core.package_maintenance import remove_package
from veripost_desktop.core.services import open_services
from veripost_desktop.gui.packages import package_table_model as packages
from veripost_desktop.gui.team.team_refresh import RESTORED_NOTICE
from veripost_desktop.gui.window.main_window import MainWindow

OpenWindow = Callable[..., MainWindow]


def team_settings(tmp_path: Path, s3_settings: Settings) -> tuple[Settings, Settings]:
    ann = s3_settings.model_copy(update={"data_dir": tmp_path / "ann", "user_name": "ann"})
    bob = s3_settings.model_copy(update={"data_dir": tmp_path / "bob", "user_name": "bob"})
    return ann, bob


def press_f5(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()  # F5 belongs to the main window, not a source viewer
    qtbot.waitUntil(window.isActiveWindow)
    with qtbot.waitSignal(window.team_refresh.refreshed, timeout=10_000):
        qtbot.keyClick(window.package_view, Qt.Key.Key_F5)


def test_f5_shows_what_another_desktop_added_and_removed(
    qtbot: QtBot,
    open_window: OpenWindow,
    tmp_path: Path,
    s3_settings: Settings,
    grbl_zip: Path,
    shown_boxes: list[ShownBox],
) -> None:
    ann, bob = team_settings(tmp_path, s3_settings)
    window = open_window(ann)
    qtbot.waitUntil(lambda: not window.team_refresh.busy, timeout=10_000)  # the start-up refresh
    assert package_ids(window) == []
    assert window.team_refresh.action.shortcut().toString() == "F5"
    assert window.team_refresh.action in window.menuBar().actions()[0].menu().actions()

    (added,) = ingest_before_start(bob, [grbl_zip])  # Bob, on his own desktop
    press_f5(qtbot, window)
    assert package_ids(window) == [added.id]
    row = window.package_model.rowForId(added.id)
    cell = window.package_model.index(row, packages.COL_UPLOADED_BY)
    assert cell.data() == "bob"
    assert window.statusBar().currentMessage().startswith("Refreshed from storage: 1 added")

    # Its sources are read from storage in the background; then it shows
    # like a package added here: files, details, the source with its outline.
    qtbot.waitUntil(lambda: not window.team_refresh.busy, timeout=20_000)
    assert window.services.catalog.get_package(added.id).reading_version is not None
    select_package(qtbot, window, added.id)
    assert window.file_model.rowCount() == 4
    assert window.file_model.rowForName("GRBL-Post.SRC") >= 0
    viewer = open_viewer_with_enter(qtbot, window, "GRBL-Post.SRC")
    assert viewer.loaded is not None and len(viewer.loaded.sections) == 125
    viewer.close()

    # Bob removes it; Ann's next refresh drops the row.
    services = open_services(bob)
    remove_package(services.catalog, services.store, services.lease, added.id)
    services.close()
    press_f5(qtbot, window)
    assert package_ids(window) == []
    message = window.statusBar().currentMessage()
    assert message.startswith("Refreshed from storage: 0 added, 1 removed")
    assert not shown_boxes


def test_the_timer_refreshes_on_the_settings_interval(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, s3_settings: Settings, grbl_zip: Path
) -> None:
    ann, bob = team_settings(tmp_path, s3_settings)
    window = open_window(ann.model_copy(update={"refresh_minutes": 7}))
    qtbot.waitUntil(lambda: not window.team_refresh.busy, timeout=10_000)  # the start-up refresh
    timer = window.team_refresh._timer
    assert timer.isActive() and timer.interval() == 7 * 60_000
    (added,) = ingest_before_start(bob, [grbl_zip])
    with qtbot.waitSignal(window.team_refresh.refreshed, timeout=10_000):
        timer.timeout.emit()  # as seven minutes later
    assert package_ids(window) == [added.id]

    quiet = open_window(Settings(data_dir=tmp_path / "quiet", refresh_minutes=0))
    assert not quiet.team_refresh._timer.isActive()


def test_a_damaged_catalog_comes_back_from_storage_at_start(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, s3_settings: Settings, corpus_dir: Path
) -> None:
    ann, _bob = team_settings(tmp_path, s3_settings)
    zips = [
        make_package_zip(corpus_dir, tmp_path / f"{name}.zip", package=name)
        for name in ("GRBL-Post", "SCL-SW-GRBL-1_1")
    ]
    records = ingest_before_start(ann, zips)
    services = open_services(ann)
    path = services.catalog.path
    services.close()
    path.write_bytes(path.read_bytes()[:4096])  # cut short

    window = open_window(ann)
    qtbot.waitUntil(
        lambda: window.findChild(QMessageBox, RESTORED_NOTICE) is not None, timeout=10_000
    )
    box = window.findChild(QMessageBox, RESTORED_NOTICE)
    assert "2 package(s) came back" in box.text()
    assert "damaged" in box.detailedText()
    assert sorted(package_ids(window)) == sorted(r.id for r in records)
    assert {r.status for r in window.package_model.records()} == {PackageStatus.READY}
    box.close()
