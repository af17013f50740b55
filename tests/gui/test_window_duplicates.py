"""Dropping a ZIP whose content is already in the catalog: one question per drop."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tests.conftest import make_package_zip
from tests.gui.conftest import BoxScript, drop_files, package_ids, wait_for_status
from veripost_desktop.core.catalog import PackageStatus
from veripost_desktop.core.config import Settings
from veripost_desktop.gui.window.main_window import MainWindow

OpenWindow = Callable[[Settings | None], MainWindow]

_Button = QMessageBox.StandardButton


def ingested(qtbot: QtBot, window: MainWindow, paths: list[Path]) -> list[str]:
    before = set(package_ids(window))
    drop_files(window, paths)
    new = [i for i in package_ids(window) if i not in before]
    assert len(new) == len(paths)
    for package_id in new:
        assert wait_for_status(qtbot, window, package_id).status is PackageStatus.READY
    return new


def selected_id(window: MainWindow) -> str | None:
    record = window.selected_package()
    return None if record is None else record.id


def test_go_to_existing_adds_no_row_and_selects_the_existing_one(
    qtbot: QtBot,
    open_window: OpenWindow,
    local_settings: Settings,
    grbl_zip: Path,
    corpus_dir: Path,
    tmp_path: Path,
    answer_boxes: BoxScript,
) -> None:
    window = open_window(local_settings)
    other = make_package_zip(corpus_dir, tmp_path / "scl.zip", "SCL-SW-GRBL-1_1")
    first_id, other_id = ingested(qtbot, window, [grbl_zip, other])
    window.select_package(other_id)
    rows = window.package_model.rowCount()

    answer_boxes.answers["duplicatePrompt"] = _Button.Open
    copy = shutil.copy(grbl_zip, tmp_path / "copy-of-grbl.zip")  # same bytes, other name
    drop_files(window, [Path(copy)])
    qtbot.waitUntil(lambda: len(answer_boxes.named("duplicatePrompt")) == 1)
    (box,) = answer_boxes.named("duplicatePrompt")
    assert box.icon is QMessageBox.Icon.Question
    assert box.title == "Package already added"
    assert box.text.startswith("This ZIP is already in the catalog.")
    assert 'copy-of-grbl.zip: same content as "GRBL-Post"' in box.text
    assert set(box.buttons) >= {"Add again", "Go to existing", "Cancel"}
    assert first_id in box.detailed_text

    assert window.package_model.rowCount() == rows
    assert window.services.catalog.count_packages() == rows
    assert selected_id(window) == first_id
    assert window.ingestion.active_count == 0


def test_add_again_adds_a_new_package_and_cancel_adds_nothing(
    qtbot: QtBot,
    open_window: OpenWindow,
    local_settings: Settings,
    grbl_zip: Path,
    answer_boxes: BoxScript,
) -> None:
    window = open_window(local_settings)
    (first_id,) = ingested(qtbot, window, [grbl_zip])

    answer_boxes.answers["duplicatePrompt"] = _Button.Cancel
    drop_files(window, [grbl_zip])
    qtbot.waitUntil(lambda: len(answer_boxes.named("duplicatePrompt")) == 1)
    assert package_ids(window) == [first_id]
    assert "already in the catalog" in window.statusBar().currentMessage()

    answer_boxes.answers["duplicatePrompt"] = _Button.Yes
    drop_files(window, [grbl_zip])
    qtbot.waitUntil(lambda: len(package_ids(window)) == 2)
    second_id = package_ids(window)[1]
    assert second_id != first_id
    record = wait_for_status(qtbot, window, second_id)
    assert record.status is PackageStatus.READY
    assert len(answer_boxes.named("duplicatePrompt")) == 2
    assert {b.object_name for b in answer_boxes.shown} == {"duplicatePrompt"}


def test_many_duplicates_in_one_drop_get_one_question(
    qtbot: QtBot,
    open_window: OpenWindow,
    local_settings: Settings,
    grbl_zip: Path,
    corpus_dir: Path,
    tmp_path: Path,
    answer_boxes: BoxScript,
) -> None:
    window = open_window(local_settings)
    scl = make_package_zip(corpus_dir, tmp_path / "scl.zip", "SCL-SW-GRBL-1_1")
    ingested(qtbot, window, [grbl_zip, scl])

    copies = [Path(shutil.copy(grbl_zip, tmp_path / f"grbl-{i}.zip")) for i in range(3)]
    copies.append(Path(shutil.copy(scl, tmp_path / "scl-again.zip")))
    # Same files, zipped without the folder: other bytes, so not a duplicate.
    fresh = make_package_zip(corpus_dir, tmp_path / "flat.zip", "GRBL-Post", folder="")
    answer_boxes.answers["duplicatePrompt"] = _Button.Cancel
    drop_files(window, [*copies, fresh])

    qtbot.waitUntil(lambda: len(answer_boxes.named("duplicatePrompt")) == 1)
    qtbot.wait(100)
    (box,) = answer_boxes.named("duplicatePrompt")
    assert box.title == "Packages already added"
    assert box.text.splitlines()[0] == "4 of the dropped ZIPs are already in the catalog."
    for copy in copies:
        assert f"{copy.name}: same content as" in box.text
    assert "flat.zip" not in box.text
    # The one new ZIP was added, the duplicates were not.
    assert len(package_ids(window)) == 3
    new_id = package_ids(window)[2]
    assert wait_for_status(qtbot, window, new_id).status is PackageStatus.READY
