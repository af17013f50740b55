"""Refused files: one dialog per drop, in the one error shape, and no rows."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tests.gui.conftest import ShownBox, drop_files, package_ids, wait_for_status
from veripost_desktop.core.config import Settings
from veripost_desktop.gui.window.main_window import MainWindow

OpenWindow = Callable[[Settings | None], MainWindow]


def not_a_zip(path: Path) -> Path:
    path.write_text("These are my notes, not an archive.\n")
    return path


def zip_with_txt_member(corpus_dir: Path, path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for member in sorted((corpus_dir / "GRBL-Post").iterdir()):
            zf.write(member, f"GRBL-Post/{member.name}")
        zf.writestr("GRBL-Post/README.TXT", "read me\n")
    return path


def catalog_count(window: MainWindow) -> int:
    return window.services.catalog.count_packages()


def test_refused_zips_give_one_dialog_and_no_rows(
    qtbot: QtBot,
    open_window: OpenWindow,
    local_settings: Settings,
    corpus_dir: Path,
    tmp_path: Path,
    shown_boxes: list[ShownBox],
) -> None:
    window = open_window(local_settings)
    notes = not_a_zip(tmp_path / "notes.zip")
    extra = zip_with_txt_member(corpus_dir, tmp_path / "with-readme.zip")

    drop_files(window.drop_area, [notes, extra])

    qtbot.waitUntil(lambda: len(shown_boxes) == 1)
    qtbot.wait(50)  # nothing else queued behind it
    assert len(shown_boxes) == 1
    box = shown_boxes[0]
    assert box.object_name == "errorDialog"
    assert box.icon is QMessageBox.Icon.Warning
    lines = box.text.splitlines()
    assert lines[0] == "2 files were not added."
    assert any(line.startswith("notes.zip: ") and line.endswith("(not_a_zip)") for line in lines)
    assert any(
        line.startswith("with-readme.zip: ") and line.endswith("(unrecognized_extension)")
        for line in lines
    )
    # The technical part sits behind "Show Details...".
    assert str(notes) in box.detailed_text and str(extra) in box.detailed_text
    assert "Error code: not_a_zip" in box.detailed_text
    assert "Error code: unrecognized_extension" in box.detailed_text
    assert "README.TXT" in box.detailed_text

    assert window.package_model.rowCount() == 0
    assert catalog_count(window) == 0


def test_one_refusal_shows_message_and_code(
    qtbot: QtBot,
    open_window: OpenWindow,
    local_settings: Settings,
    tmp_path: Path,
    shown_boxes: list[ShownBox],
) -> None:
    window = open_window(local_settings)
    notes = not_a_zip(tmp_path / "notes.zip")
    drop_files(window, [notes])
    qtbot.waitUntil(lambda: len(shown_boxes) == 1)
    box = shown_boxes[0]
    assert box.text.endswith("\n\nError code: not_a_zip")
    assert box.text.split("\n\n")[0]  # the friendly message comes first
    assert "notes.zip" in box.informative_text
    assert str(notes) in box.detailed_text


def test_twenty_refusals_in_one_drop_give_one_summary(
    qtbot: QtBot,
    open_window: OpenWindow,
    local_settings: Settings,
    tmp_path: Path,
    shown_boxes: list[ShownBox],
) -> None:
    window = open_window(local_settings)
    paths = [not_a_zip(tmp_path / f"bad-{i:02d}.zip") for i in range(20)]
    drop_files(window, paths)
    qtbot.waitUntil(lambda: len(shown_boxes) == 1)
    qtbot.wait(50)
    assert len(shown_boxes) == 1
    lines = shown_boxes[0].text.splitlines()
    assert lines[0] == "20 files were not added."
    assert sum(line.endswith("(not_a_zip)") for line in lines) == 20
    assert window.package_model.rowCount() == 0
    assert catalog_count(window) == 0


def test_mixed_drop_adds_the_good_and_reports_the_bad(
    qtbot: QtBot,
    open_window: OpenWindow,
    local_settings: Settings,
    grbl_zip: Path,
    tmp_path: Path,
    shown_boxes: list[ShownBox],
) -> None:
    window = open_window(local_settings)
    drop_files(window, [grbl_zip, not_a_zip(tmp_path / "notes.zip")])
    (package_id,) = package_ids(window)
    qtbot.waitUntil(lambda: len(shown_boxes) == 1)
    assert "not_a_zip" in shown_boxes[0].text
    wait_for_status(qtbot, window, package_id)
    assert catalog_count(window) == 1


def test_a_drop_larger_than_a_slice_still_gives_one_dialog(
    qtbot: QtBot,
    open_window: OpenWindow,
    local_settings: Settings,
    grbl_zip: Path,
    tmp_path: Path,
    shown_boxes: list[ShownBox],
) -> None:
    # The drop is added a slice at a time; its refusals still come together.
    from veripost_desktop.gui.drops.drop_intake import DROP_SLICE

    window = open_window(local_settings)
    bad = [not_a_zip(tmp_path / f"bad-{i:02d}.zip") for i in range(DROP_SLICE + 5)]
    paths = [bad[0], grbl_zip, *bad[1:]]  # refusals in the first slice and in the last
    drop_files(window, paths)
    qtbot.waitUntil(lambda: len(shown_boxes) == 1)
    qtbot.waitUntil(lambda: not window.ingestion.busy, timeout=20_000)
    assert len(shown_boxes) == 1
    assert shown_boxes[0].text.splitlines()[0] == f"{len(bad)} files were not added."
    assert window.package_model.rowCount() == 1
    assert catalog_count(window) == 1
