"""The question asked when dropped ZIPs are already in the catalog: one per drop."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

from PySide6.QtWidgets import QMessageBox, QWidget

from veripost_desktop.gui.drops.duplicate_check import DuplicateMatch
from veripost_desktop.gui.widgets.formatting import local_time

OBJECT_NAME = "duplicatePrompt"

_Button = QMessageBox.StandardButton


class DuplicateChoice(Enum):
    ADD_AGAIN = "add again"
    GO_TO_EXISTING = "go to existing"
    CANCEL = "cancel"


# Standard buttons renamed, so the answer is exec()'s return value.
_CHOICES = {
    _Button.Yes: DuplicateChoice.ADD_AGAIN,
    _Button.Open: DuplicateChoice.GO_TO_EXISTING,
    _Button.Cancel: DuplicateChoice.CANCEL,
}


def _described(match: DuplicateMatch) -> str:
    existing = match.existing[0]
    more = f" and {len(match.existing) - 1} more" if len(match.existing) > 1 else ""
    return (
        f'{match.path.name}: same content as "{existing.name}" '
        f"(added {local_time(existing.created_at)}, {existing.status.value}){more}"
    )


def duplicate_box(parent: QWidget | None, matches: Sequence[DuplicateMatch]) -> QMessageBox:
    if not matches:
        raise ValueError("duplicate_box needs at least one match")
    box = QMessageBox(parent)
    box.setObjectName(OBJECT_NAME)
    box.setIcon(QMessageBox.Icon.Question)
    if len(matches) == 1:
        box.setWindowTitle("Package already added")
        box.setText(f"This ZIP is already in the catalog.\n\n{_described(matches[0])}")
        box.setInformativeText("Add it again as a new package, or go to the existing one?")
    else:
        box.setWindowTitle("Packages already added")
        lines = [f"{len(matches)} of the dropped ZIPs are already in the catalog.", ""]
        lines += [_described(m) for m in matches]
        box.setText("\n".join(lines))
        box.setInformativeText("Add them all again as new packages, or go to the existing ones?")
    box.setDetailedText(
        "\n\n".join(
            f"File: {m.path}\n" + "\n".join(f"Existing package: {p.id}" for p in m.existing)
            for m in matches
        )
    )
    box.setStandardButtons(_Button.Yes | _Button.Open | _Button.Cancel)
    _rename(box, _Button.Yes, "Add again")
    _rename(box, _Button.Open, "Go to existing")
    box.setDefaultButton(_Button.Open)
    box.setEscapeButton(_Button.Cancel)
    return box


def ask_about_duplicates(
    parent: QWidget | None, matches: Sequence[DuplicateMatch]
) -> DuplicateChoice:
    box = duplicate_box(parent, matches)
    try:
        answer = box.exec()
    finally:
        box.deleteLater()
    for button, choice in _CHOICES.items():
        if answer == button:
            return choice
    return DuplicateChoice.CANCEL


def _rename(box: QMessageBox, which: QMessageBox.StandardButton, text: str) -> None:
    button = box.button(which)
    if button is not None:
        button.setText(text)
