"""Edit > Settings... reopening the window's services, start-up settling on a
worker (``startupSettled``), and Help > About."""

from __future__ import annotations

import threading
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMenu
from pytestqt.qtbot import QtBot

from tests.gui.conftest import (
    ShownBox,
    closed_port,
    drop_files,
    ingest_before_start,
    package_ids,
    wait_for_status,
)
from veripost_desktop.app import create_main_window
from veripost_desktop.core.catalog import PackageRecord, PackageStatus
from veripost_desktop.core.config import Settings, load_settings
from veripost_desktop.core.services import Services, open_services
from veripost_desktop.core.settings_file import read_settings_file
from veripost_desktop.gui.settings.settings_dialog import SettingsDialog
from veripost_desktop.gui.settings.settings_persistence import app_qsettings
from veripost_desktop.gui.window import services_lifecycle
from veripost_desktop.gui.window.main_window import MainWindow
from veripost_desktop.gui.window.services_lifecycle import BUSY_TEXT

OpenWindow = Callable[..., MainWindow]


def leave_interrupted(settings: Settings, zip_path: Path) -> str:
    """A package left ``pending`` by a process that is gone."""
    earlier = open_services(settings)
    record = earlier.pipeline.register(earlier.pipeline.check(zip_path))
    earlier.close()
    return record.id


def drop_a_slow_package(window: MainWindow, tmp_path: Path, corpus_dir: Path) -> str:
    """Drop a 40 MiB package (stored, one worker: it takes a while); its id."""
    big = tmp_path / "big.zip"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_STORED) as zf:
        zf.write(corpus_dir / "GRBL-Post" / "GRBL-Post.SRC", "BIG/BIG.SRC")
        zf.writestr("BIG/BIG.CTL", bytes(range(256)) * (40 * 4096))
    drop_files(window, [big])
    (package_id,) = package_ids(window)
    return package_id


def open_settings_from_the_menu(qtbot: QtBot, window: MainWindow) -> SettingsDialog | None:
    edit = window.findChild(QMenu, "editMenu")
    assert edit is not None
    (action,) = [a for a in edit.actions() if a.objectName() == "settingsAction"]
    assert action is window.window_actions.settings
    action.trigger()
    return window.lifecycle.dialog


def test_saving_another_data_folder_reopens_the_services(
    qtbot: QtBot,
    open_window: OpenWindow,
    local_settings: Settings,
    tmp_path: Path,
    corpus_dir: Path,
    grbl_zip: Path,
    shown_boxes: list[ShownBox],
) -> None:
    ingest_before_start(local_settings, [grbl_zip])
    window = open_window(local_settings)
    assert len(package_ids(window)) == 1
    old_services = window.services
    # Whatever the window does at start (a refresh from storage) ends first.
    qtbot.waitUntil(lambda: not window.busy(), timeout=10_000)

    dialog = open_settings_from_the_menu(qtbot, window)
    assert isinstance(dialog, SettingsDialog) and dialog.isVisible()
    assert dialog.parent() is window
    # Asking again raises the same dialog.
    window.window_actions.settings.trigger()
    assert window.lifecycle.dialog is dialog

    other = tmp_path / "other-data"
    dialog.data_dir_edit.clear()
    qtbot.keyClicks(dialog.data_dir_edit, str(other))
    assert dialog.local_label.text() == str(other / "objects" / "veripost")
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    with qtbot.waitSignal(window.servicesReopened, timeout=10_000) as reopened:
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    new_services = reopened.args[0]
    assert isinstance(new_services, Services)
    assert window.services is new_services and new_services is not old_services
    assert new_services.settings.data_dir == other
    description = new_services.store.description
    assert description == f"Local folder {other / 'objects' / 'veripost'}"
    assert window.storage_label.text() == f"Storage: {description}"
    assert window.statusBar().currentMessage() == f"Now using {description}"
    assert (other / "catalog.sqlite3").exists()
    # The new catalog is empty; the old one was closed (its lease let go).
    assert package_ids(window) == []
    assert not old_services.lease._lock.is_locked
    assert window.lifecycle.dialog is None
    # What was saved is what a restart (or any veripost-cli command) would use.
    assert read_settings_file()["data_dir"] == str(other)
    assert load_settings().data_dir == other
    # QSettings keeps only the window's layout.
    assert not [k for k in app_qsettings().allKeys() if not k.startswith("window/")]

    # The window works on the new services: a drop lands in the new folder.
    drop_files(window, [grbl_zip])
    (package_id,) = package_ids(window)
    assert wait_for_status(qtbot, window, package_id).status is PackageStatus.READY
    assert (other / "objects" / "veripost" / "packages" / package_id).is_dir()
    assert not shown_boxes


def test_settings_do_not_open_while_ingestions_run(
    qtbot: QtBot,
    open_window: OpenWindow,
    tmp_path: Path,
    corpus_dir: Path,
    shown_boxes: list[ShownBox],
) -> None:
    window = open_window(Settings(data_dir=tmp_path / "data", ingest_workers=1))
    drop_a_slow_package(window, tmp_path, corpus_dir)
    assert window.ingestion.active_count == 1
    assert open_settings_from_the_menu(qtbot, window) is None
    (box,) = shown_boxes
    assert box.object_name == "settingsBusy"
    assert box.text == BUSY_TEXT
    (package_id,) = package_ids(window)
    wait_for_status(qtbot, window, package_id)
    qtbot.waitUntil(lambda: not window.busy(), timeout=10_000)
    dialog = open_settings_from_the_menu(qtbot, window)
    assert dialog is not None
    dialog.reject()


def test_settings_saved_while_work_runs_apply_when_the_window_goes_idle(
    qtbot: QtBot,
    open_window: OpenWindow,
    tmp_path: Path,
    corpus_dir: Path,
    shown_boxes: list[ShownBox],
) -> None:
    window = open_window(Settings(data_dir=tmp_path / "data", ingest_workers=1))
    old_services = window.services
    package_id = drop_a_slow_package(window, tmp_path, corpus_dir)
    assert window.busy()
    idle: list[bool] = []
    reopened: list[Services] = []
    # Each records whether the ingestion had ended when it was told.
    window.idle.connect(lambda: idle.append(window.ingestion.active_count == 0))
    window.servicesReopened.connect(reopened.append)

    # Saved while the ingestion runs (Settings was open before it started).
    other = Settings(data_dir=tmp_path / "other-data")
    window.lifecycle.apply(other)
    assert window.services is old_services and reopened == []
    assert window.statusBar().currentMessage() == (
        "Settings saved; they apply when running ingestions end."
    )

    qtbot.waitUntil(lambda: bool(reopened), timeout=30_000)
    assert idle and idle[0] is True
    assert window.services is reopened[0] is not old_services
    assert window.services.settings.data_dir == tmp_path / "other-data"
    # The package finished on the old services before they closed.
    before = open_services(Settings(data_dir=tmp_path / "data"), settle=False)
    try:
        assert before.catalog.get_package(package_id).status is PackageStatus.READY
    finally:
        before.close()
    assert not shown_boxes


def test_start_up_settles_interrupted_ingestions_on_a_worker(
    qtbot: QtBot,
    local_settings: Settings,
    grbl_zip: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    package_id = leave_interrupted(local_settings, grbl_zip)
    threads: list[threading.Thread] = []
    real_settle = services_lifecycle.settle_interrupted

    def spy(*args: object) -> list[PackageRecord]:
        threads.append(threading.current_thread())
        return real_settle(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(services_lifecycle, "settle_interrupted", spy)

    window = create_main_window(local_settings)
    qtbot.addWidget(window)
    try:
        settled: list[list[PackageRecord]] = []
        window.startupSettled.connect(settled.append)
        # Nothing settled while the window was made: the row is as the dead
        # process left it.
        assert window.package_model.record(package_id).status is PackageStatus.PENDING  # type: ignore[union-attr]
        assert window.settled_at_start is None
        with qtbot.waitSignal(window.startupSettled, timeout=10_000):
            window.show()
        (records,) = settled
        assert [r.id for r in records] == [package_id]
        assert threads and threads[0] is not threading.main_thread()
        record = window.package_model.record(package_id)
        assert record is not None and record.status is PackageStatus.ERROR
        assert record.error_code == "interrupted"
        assert window.statusBar().currentMessage() == (
            "1 interrupted ingestion(s) were marked as failed; use Retry."
        )
    finally:
        window.close()


def test_unreachable_storage_does_not_delay_the_start(
    qtbot: QtBot, tmp_path: Path, grbl_zip: Path
) -> None:
    settings = Settings(
        data_dir=tmp_path / "data",
        s3_endpoint=f"http://127.0.0.1:{closed_port()}",
        s3_access_key="testing",
        s3_secret_key="testing",  # type: ignore[arg-type]
        s3_bucket="unreachable",
    )
    package_id = leave_interrupted(settings, grbl_zip)
    window = create_main_window(settings)
    qtbot.addWidget(window)
    try:
        # The window was made without asking storage anything: the row is as
        # the dead process left it until the worker has settled it.
        record = window.package_model.record(package_id)
        assert record is not None and record.status is PackageStatus.PENDING
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.settled_at_start is not None, timeout=30_000)
        record = window.package_model.record(package_id)
        assert record is not None and record.status is PackageStatus.ERROR
        assert "could not be removed now" in (record.error_detail or "")
    finally:
        window.close()


def test_help_about_shows_the_store_in_use(
    qtbot: QtBot,
    open_window: OpenWindow,
    local_settings: Settings,
    shown_boxes: list[ShownBox],
) -> None:
    window = open_window(local_settings)
    help_menu = window.findChild(QMenu, "helpMenu")
    assert help_menu is not None and window.window_actions.about in help_menu.actions()
    window.window_actions.about.trigger()
    (box,) = shown_boxes
    assert box.object_name == "aboutDialog"
    assert f"Storage: {window.services.store.description}" in box.informative_text


def test_settings_an_older_version_saved_in_qsettings_are_carried_over_once(
    qtbot: QtBot, tmp_path: Path, _own_settings_file: Path
) -> None:
    old = app_qsettings()
    old.setValue("storage/backend", "local")
    old.setValue("storage/s3_endpoint", "http://remembered:9000")  # unused while local
    old.setValue("storage/data_dir", str(tmp_path / "old-data"))
    old.setValue("storage/s3_bucket", "team")
    old.setValue("ingest/workers", 2)
    old.setValue("ingest/extra_extensions", ".RTF,.CNF")
    old.setValue("limits/max_members", 123)
    old.setValue("limits/max_ratio", "not a number")  # unreadable: left out
    old.setValue("window/geometry", b"layout")  # not a setting: stays
    old.sync()
    assert not _own_settings_file.exists()

    window = create_main_window()  # as the app starts
    qtbot.addWidget(window)
    try:
        settings = window.services.settings
        assert settings.data_dir == tmp_path / "old-data"
        assert not settings.uses_s3
        assert settings.s3_bucket == "team"
        assert settings.ingest_workers == 2
        assert settings.extra_extensions == (".RTF", ".CNF")
        assert settings.limits.max_members == 123
        assert settings.limits.max_ratio == 200.0
    finally:
        window.close()
    assert read_settings_file() == {
        "data_dir": str(tmp_path / "old-data"),
        "s3_bucket": "team",
        "ingest_workers": 2,
        "extra_extensions": [".RTF", ".CNF"],
        "limits": {"max_members": 123},
    }
    after = app_qsettings()
    assert [k for k in after.allKeys() if not k.startswith("window/")] == []

    # Once: values put back in QSettings are not carried over again, and what
    # the file says (changed since, by the dialog or by hand) stays.
    after.setValue("ingest/workers", 9)
    after.sync()
    _own_settings_file.write_text(
        _own_settings_file.read_text(encoding="utf-8").replace(
            "ingest_workers = 2", "ingest_workers = 3"
        ),
        encoding="utf-8",
    )
    again = create_main_window()
    qtbot.addWidget(again)
    try:
        assert again.services.settings.ingest_workers == 3
    finally:
        again.close()
    assert app_qsettings().value("ingest/workers") is not None
