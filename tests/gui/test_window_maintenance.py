"""Retry, cancel, remove and verify from the window, and what start-up says
about interrupted ingestions."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox, QToolBar
from pytestqt.qtbot import QtBot

from tests.gui.conftest import (
    BoxScript,
    ShownBox,
    drop_files,
    package_ids,
    select_package,
    wait_for_status,
)
from tests.s3_process import S3ServerProcess
from veripost_desktop.core.catalog import PackageStatus
from veripost_desktop.core.config import Settings
from veripost_desktop.core.services import open_services
from veripost_desktop.core.storage.local_store import LocalFolderStore
from veripost_desktop.gui.window.main_window import MainWindow

OpenWindow = Callable[[Settings | None], MainWindow]

IN_FLIGHT = (PackageStatus.VALIDATING, PackageStatus.STORING, PackageStatus.PARSING)


def big_zip(corpus_dir: Path, path: Path, megabytes: int = 60) -> Path:
    """A package with a large incompressible member: its ingestion takes a while."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.write(corpus_dir / "GRBL-Post" / "GRBL-Post.SRC", "BIG/BIG.SRC")
        zf.writestr("BIG/BIG.CTL", os.urandom(megabytes * 1024 * 1024))
    return path


def stored_keys(window: MainWindow, package_id: str) -> list[str]:
    """The package's stored files, without its manifest."""
    keys = window.services.store.list_keys(f"packages/{package_id}/")
    return [k for k in keys if not k.endswith("/package.json")]


def status_of(window: MainWindow, package_id: str) -> PackageStatus | None:
    record = window.package_model.record(package_id)
    return None if record is None else record.status


@pytest.fixture
def s3_process() -> Iterator[S3ServerProcess]:
    server = S3ServerProcess()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_menus_toolbar_and_context_menu(
    qtbot: QtBot, open_window: OpenWindow, local_settings: Settings, grbl_zip: Path
) -> None:
    window = open_window(local_settings)
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&File", "&Edit", "&Package", "&Help"]
    toolbar = window.findChild(QToolBar, "mainToolBar")
    assert toolbar is window.toolbar
    names = [a.objectName() for a in toolbar.actions() if not a.isSeparator()]
    assert names == [
        "addPackagesAction",
        "refreshAction",
        "viewSourceAction",
        "retryAction",
        "cancelIngestionAction",
        "verifyPackageAction",
        "removePackageAction",
    ]
    in_menu = [a.objectName() for a in window.package_menu.actions() if not a.isSeparator()]
    assert in_menu == [
        "retryAction",
        "cancelIngestionAction",
        "verifyPackageAction",
        "removePackageAction",
        "retryAllFailedAction",
        "cancelAllAction",
        "viewSourceAction",
        "saveFileAction",
        "comparePackagesAction",
        "compareWithZipAction",
        "findSimilarPostsAction",
    ]
    actions = window.package_actions
    # Nothing selected: nothing to act on.
    assert not any(a.isEnabled() for a in actions.package_actions)
    assert not actions.retry_all_action.isEnabled()

    drop_files(window, [grbl_zip])
    (package_id,) = package_ids(window)
    wait_for_status(qtbot, window, package_id)
    select_package(qtbot, window, package_id)
    enabled = {a.objectName() for a in actions.package_actions if a.isEnabled()}
    assert enabled == {"verifyPackageAction", "removePackageAction"}
    menu = actions.context_menu()
    assert [a.objectName() for a in menu.actions() if not a.isSeparator()] == [
        "retryAction",
        "cancelIngestionAction",
        "verifyPackageAction",
        "removePackageAction",
        "savePackageZipAction",
        "comparePackagesAction",
        "compareWithZipAction",
        "findSimilarPostsAction",
        "retryAllFailedAction",
    ]


def test_remove_asks_first_and_declining_keeps_everything(
    qtbot: QtBot,
    open_window: OpenWindow,
    local_settings: Settings,
    grbl_zip: Path,
    answer_boxes: BoxScript,
) -> None:
    window = open_window(local_settings)
    drop_files(window, [grbl_zip])
    (package_id,) = package_ids(window)
    wait_for_status(qtbot, window, package_id)
    select_package(qtbot, window, package_id)
    assert len(stored_keys(window, package_id)) == 4

    answer_boxes.answers["confirmRemove"] = QMessageBox.StandardButton.Cancel
    window.package_actions.remove_action.trigger()
    (question,) = answer_boxes.named("confirmRemove")
    assert question.text == "Remove GRBL-Post and its 4 stored files? This cannot be undone."
    assert "Remove" in question.buttons
    qtbot.wait(50)
    assert package_ids(window) == [package_id]
    assert len(stored_keys(window, package_id)) == 4

    answer_boxes.answers["confirmRemove"] = QMessageBox.StandardButton.Yes
    model = window.package_model
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.package_view.setFocus()
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.rowsRemoved):
        qtbot.keyClick(window.package_view, Qt.Key.Key_Delete)  # the Delete key
    assert len(answer_boxes.named("confirmRemove")) == 2
    assert package_ids(window) == []
    assert window.services.catalog.find_package(package_id) is None
    assert stored_keys(window, package_id) == []
    assert window.file_model.package_id is None  # the file table let go of it
    assert window.statusBar().currentMessage() == "Removed GRBL-Post."
    assert [b.object_name for b in answer_boxes.shown] == ["confirmRemove"] * 2


def test_verify_reports_intact_then_altered(
    qtbot: QtBot,
    open_window: OpenWindow,
    local_settings: Settings,
    grbl_zip: Path,
    answer_boxes: BoxScript,
) -> None:
    window = open_window(local_settings)
    drop_files(window, [grbl_zip])
    (package_id,) = package_ids(window)
    wait_for_status(qtbot, window, package_id)
    select_package(qtbot, window, package_id)

    window.package_actions.verify_action.trigger()
    qtbot.waitUntil(lambda: len(answer_boxes.named("verifyReport")) == 1)
    report = answer_boxes.named("verifyReport")[0]
    assert report.icon is QMessageBox.Icon.Information
    assert report.text == "GRBL-Post: All 4 stored files are intact."
    assert "GRBL-Post.SRC: ok" in report.detailed_text

    store = window.services.store
    assert isinstance(store, LocalFolderStore)
    stored = store.bucket_dir / "packages" / package_id / "GRBL-Post.SRC"
    stored.write_bytes(stored.read_bytes().replace(b"GRBL", b"GRBX", 1))

    window.package_actions.verify_action.trigger()
    qtbot.waitUntil(lambda: len(answer_boxes.named("verifyReport")) == 2)
    report = answer_boxes.named("verifyReport")[1]
    assert report.icon is QMessageBox.Icon.Warning
    assert report.text == (
        "GRBL-Post: 1 of 4 stored files are not as they were stored: GRBL-Post.SRC (altered)"
    )
    assert "GRBL-Post.SRC: altered - " in report.detailed_text
    assert "catalog sha256" in report.detailed_text
    assert "GRBL-Post.LIB: ok" in report.detailed_text


def test_cancel_ends_running_and_queued_ingestions_as_cancelled_then_retry(
    qtbot: QtBot,
    tmp_path: Path,
    open_window: OpenWindow,
    corpus_dir: Path,
    grbl_zip: Path,
    answer_boxes: BoxScript,
) -> None:
    # One worker: the second package waits in the queue behind the big one.
    window = open_window(Settings(data_dir=tmp_path / "data", ingest_workers=1))
    big = big_zip(corpus_dir, tmp_path / "big.zip")
    drop_files(window, [big, grbl_zip])
    big_id, queued_id = package_ids(window)
    qtbot.waitUntil(lambda: status_of(window, big_id) in IN_FLIGHT, timeout=10_000)

    # The queued one: taken off the queue, marked at once; nothing was stored.
    select_package(qtbot, window, queued_id)
    assert window.package_actions.cancel_action.isEnabled()
    window.package_actions.cancel_action.trigger()
    record = window.package_model.record(queued_id)
    assert record is not None and record.status is PackageStatus.ERROR
    assert record.error_code == "cancelled"
    assert status_of(window, big_id) in IN_FLIGHT

    # The running one: the core sees the flag, records "cancelled", cleans up.
    select_package(qtbot, window, big_id)
    window.package_actions.cancel_action.trigger()
    assert not window.package_actions.cancel_action.isEnabled()  # asked once is enough
    record = wait_for_status(qtbot, window, big_id)
    assert record.status is PackageStatus.ERROR
    assert record.error_code == "cancelled"
    assert stored_keys(window, big_id) == []
    catalog = window.services.catalog
    assert catalog.get_package(big_id).error_code == "cancelled"
    assert catalog.get_package(queued_id).error_code == "cancelled"
    assert not window.package_actions.cancel_action.isEnabled()
    assert window.package_actions.retry_action.isEnabled()

    # Both come back with "Retry all failed".
    window.package_actions.retry_all_action.trigger()

    def both_ready() -> bool:
        return all(status_of(window, i) is PackageStatus.READY for i in (big_id, queued_id))

    qtbot.waitUntil(both_ready, timeout=30_000)
    qtbot.waitUntil(lambda: window.ingestion.active_count == 0)
    assert package_ids(window) == [big_id, queued_id]
    assert not answer_boxes.shown


def test_a_refused_retry_says_why(
    qtbot: QtBot,
    open_window: OpenWindow,
    tmp_path: Path,
    corpus_dir: Path,
    shown_boxes: list[ShownBox],
) -> None:
    window = open_window(Settings(data_dir=tmp_path / "data", ingest_workers=1))
    big = big_zip(corpus_dir, tmp_path / "big.zip", megabytes=40)
    drop_files(window, [big])
    (package_id,) = package_ids(window)
    qtbot.waitUntil(lambda: status_of(window, package_id) in IN_FLIGHT, timeout=10_000)
    assert window.ingestion.cancel(package_id)
    wait_for_status(qtbot, window, package_id)
    big.unlink()  # the original ZIP is gone

    select_package(qtbot, window, package_id)
    window.package_actions.retry_action.trigger()
    qtbot.waitUntil(lambda: len(shown_boxes) == 1)
    (box,) = shown_boxes
    assert box.object_name == "errorDialog"
    assert box.title == "Package not retried"
    assert box.text.startswith("The original ZIP is no longer where it was added")
    assert box.text.endswith("Error code: source_missing")
    assert box.informative_text == "Package: BIG"
    assert str(big) in box.detailed_text
    assert status_of(window, package_id) is PackageStatus.ERROR


def test_retry_after_a_storage_outage(
    qtbot: QtBot,
    open_window: OpenWindow,
    tmp_path: Path,
    grbl_zip: Path,
    s3_process: S3ServerProcess,
    shown_boxes: list[ShownBox],
) -> None:
    settings = Settings(
        data_dir=tmp_path / "data",
        s3_endpoint=s3_process.endpoint,
        s3_access_key="testing",
        s3_secret_key="testing",  # type: ignore[arg-type]
        s3_bucket="outage",
    )
    window = open_window(settings)
    s3_process.stop()
    drop_files(window, [grbl_zip])
    (package_id,) = package_ids(window)
    record = wait_for_status(qtbot, window, package_id, timeout=60_000)
    assert record.status is PackageStatus.ERROR
    assert record.error_code == "storage_unavailable"

    s3_process.start()
    select_package(qtbot, window, package_id)
    assert window.package_actions.retry_action.isEnabled()
    job_before = record.job_id
    window.package_actions.retry_action.trigger()
    assert not window.package_actions.retry_action.isEnabled()  # no double retry
    qtbot.waitUntil(lambda: status_of(window, package_id) is PackageStatus.READY, timeout=30_000)
    record = wait_for_status(qtbot, window, package_id)
    assert record.job_id != job_before
    assert package_ids(window) == [package_id]  # the same row, not a new one
    assert len(stored_keys(window, package_id)) == 4
    qtbot.waitUntil(lambda: window.file_model.rowCount() == 4)
    assert not shown_boxes


def test_start_mentions_interrupted_ingestions_without_a_dialog(
    qtbot: QtBot,
    open_window: OpenWindow,
    local_settings: Settings,
    grbl_zip: Path,
    shown_boxes: list[ShownBox],
) -> None:
    earlier = open_services(local_settings)
    earlier.pipeline.register(earlier.pipeline.check(grbl_zip))  # pending, never run
    earlier.close()  # as if that process had died

    window = open_window(local_settings)  # returns once the start-up settle has ended
    (package_id,) = package_ids(window)
    assert status_of(window, package_id) is PackageStatus.ERROR
    assert window.settled_at_start is not None
    assert [r.id for r in window.settled_at_start] == [package_id]
    assert window.statusBar().currentMessage() == (
        "1 interrupted ingestion(s) were marked as failed; use Retry."
    )
    assert not shown_boxes
    select_package(qtbot, window, package_id)
    window.package_actions.retry_action.trigger()
    qtbot.waitUntil(lambda: status_of(window, package_id) is PackageStatus.READY)


def test_open_log_folder_creates_and_opens_it(
    open_window: OpenWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    logs = tmp_path / "no-logs-yet"
    window = open_window(Settings(data_dir=tmp_path / "data", log_dir=logs))
    opened: list[QUrl] = []

    def fake_open(url: QUrl) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", fake_open)
    assert window.help_menu.objectName() == "helpMenu"
    assert window.open_log_folder_action in window.help_menu.actions()
    window.open_log_folder_action.trigger()
    assert logs.is_dir()
    assert [u.toLocalFile() for u in opened] == [str(logs)]
