"""Storage that cannot be reached: the row ends in ``error`` and says why."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.gui.conftest import (
    ShownBox,
    closed_port,
    double_click,
    drop_files,
    package_ids,
    package_row,
    wait_for_status,
)
from veripost_desktop.core.catalog import PackageStatus
from veripost_desktop.core.config import Settings
from veripost_desktop.gui.packages import package_table_model as packages
from veripost_desktop.gui.window.main_window import MainWindow

OpenWindow = Callable[[Settings | None], MainWindow]

UNAVAILABLE = "File storage is temporarily unavailable. Your package could not be saved."


def test_unreachable_storage_ends_in_error_with_dialog(
    qtbot: QtBot,
    open_window: OpenWindow,
    tmp_path: Path,
    grbl_zip: Path,
    shown_boxes: list[ShownBox],
) -> None:
    endpoint = f"http://127.0.0.1:{closed_port()}"
    settings = Settings(
        data_dir=tmp_path / "data",
        s3_endpoint=endpoint,
        s3_access_key="testing",
        s3_secret_key="testing",  # type: ignore[arg-type]
        s3_bucket="unreachable",
    )
    window = open_window(settings)
    assert endpoint in window.storage_label.text()

    drop_files(window, [grbl_zip])
    (package_id,) = package_ids(window)
    record = wait_for_status(qtbot, window, package_id)
    assert record.status is PackageStatus.ERROR
    assert record.error_code == "storage_unavailable"
    assert record.error_message == UNAVAILABLE
    assert not shown_boxes  # a background failure shows in its row, not as a pop-up

    row = window.package_model.rowForId(package_id)
    status_cell = window.package_model.index(row, packages.COL_STATUS)
    assert status_cell.data() == "error"
    assert status_cell.data(Qt.ItemDataRole.ToolTipRole) == UNAVAILABLE

    double_click(qtbot, window.package_view, package_row(window, package_id))
    qtbot.waitUntil(lambda: len(shown_boxes) == 1)
    box = shown_boxes[0]
    assert box.object_name == "errorDialog"
    assert UNAVAILABLE in box.text
    assert "Error code: storage_unavailable" in box.text
    assert endpoint in box.detailed_text
    assert record.name in box.informative_text


def test_double_click_on_a_ready_package_shows_no_dialog(
    qtbot: QtBot,
    open_window: OpenWindow,
    local_settings: Settings,
    grbl_zip: Path,
    shown_boxes: list[ShownBox],
) -> None:
    window = open_window(local_settings)
    drop_files(window, [grbl_zip])
    (package_id,) = package_ids(window)
    wait_for_status(qtbot, window, package_id)
    double_click(qtbot, window.package_view, package_row(window, package_id))
    qtbot.wait(50)
    assert not shown_boxes
