"""The one error shape in a QMessageBox: message, code, and detail behind
"Show Details..."."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tests.gui.conftest import ShownBox
from veripost_desktop.core.errors import UserError
from veripost_desktop.gui.widgets.error_dialog import Refusal, error_box, refusal_box, show_error

NOT_A_ZIP = UserError("not_a_zip", "This file is not a ZIP archive.", "bad magic 'hell'")
BAD_EXT = UserError(
    "unrecognized_extension", "The ZIP holds a file type VeriPost does not know.", "README.TXT"
)


def test_one_error(qtbot: QtBot) -> None:
    box = error_box(None, NOT_A_ZIP, subject="File: a.zip")
    qtbot.addWidget(box)
    assert box.objectName() == "errorDialog"
    assert box.icon() is QMessageBox.Icon.Warning
    assert NOT_A_ZIP.message in box.text()
    assert "Error code: not_a_zip" in box.text()
    assert box.informativeText() == "File: a.zip"
    assert "bad magic 'hell'" in box.detailedText()


def test_one_refusal_is_the_single_error_shape(qtbot: QtBot) -> None:
    box = refusal_box(None, [Refusal(Path("/x/a.zip"), NOT_A_ZIP)])
    qtbot.addWidget(box)
    assert box.text() == f"{NOT_A_ZIP.message}\n\nError code: not_a_zip"
    assert "a.zip" in box.informativeText()


def test_several_refusals_in_one_summary(qtbot: QtBot) -> None:
    box = refusal_box(
        None, [Refusal(Path("/x/a.zip"), NOT_A_ZIP), Refusal(Path("/y/b.zip"), BAD_EXT)]
    )
    qtbot.addWidget(box)
    lines = box.text().splitlines()
    assert lines[0] == "2 files were not added."
    assert f"a.zip: {NOT_A_ZIP.message} (not_a_zip)" in lines
    assert f"b.zip: {BAD_EXT.message} (unrecognized_extension)" in lines
    detail = box.detailedText()
    assert "/x/a.zip" in detail and "/y/b.zip" in detail
    assert "bad magic 'hell'" in detail and "README.TXT" in detail


def test_show_error_runs_exec(shown_boxes: list[ShownBox]) -> None:
    show_error(None, BAD_EXT, title="Oops")
    assert len(shown_boxes) == 1
    assert shown_boxes[0].title == "Oops"
    assert "unrecognized_extension" in shown_boxes[0].text
