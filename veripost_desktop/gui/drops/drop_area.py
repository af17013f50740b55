"""The drop target people see. Only a visual: the main window handles drops
anywhere on it and tells this widget what the drag holds.

Its look follows two dynamic properties, styled with palette roles only (no
colours of ours, so light and dark themes both work): ``dragActive`` (ZIP
files are over the window: highlighted) and ``dragRefused`` (something that
cannot be dropped, such as text or a web link: a muted, dotted "no").
It takes keyboard focus; Enter or Space opens the file chooser, as a click does.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QLabel, QWidget

DROP_TEXT = "Drop post processor ZIPs here"
REFUSED_TEXT = "Only ZIP files can be dropped"
NOT_ZIP_TEXT = "Not a ZIP file: drop it to see why it cannot be added"

_STYLE = """
QLabel#dropArea {
    border: 2px dashed palette(mid);
    border-radius: 8px;
    padding: 18px;
    font-size: 14pt;
    color: palette(text);
}
QLabel#dropArea:focus {
    border-style: solid;
    border-color: palette(highlight);
}
QLabel#dropArea[dragActive="true"] {
    border-style: solid;
    border-color: palette(highlight);
    background: palette(alternate-base);
}
QLabel#dropArea[dragRefused="true"] {
    border-style: dotted;
    border-color: palette(dark);
    color: palette(dark);
    background: palette(window);
}
"""


class DropState(Enum):
    IDLE = "idle"
    ACCEPT = "accept"  # ZIPs over the window
    NOTICE = "notice"  # files that will be refused with an explanation
    REFUSE = "refuse"  # nothing that can be dropped


def accept_text(zip_count: int) -> str:
    return f"Release to add {zip_count} ZIP file" + ("" if zip_count == 1 else "s")


class DropArea(QLabel):
    #: Clicked (or Enter / Space): lets people who do not drag pick files instead.
    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(DROP_TEXT, parent)
        self.setObjectName("dropArea")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setStyleSheet(_STYLE)
        self.setToolTip("Drop ZIP files anywhere in the window, or click to choose them (Ctrl+O)")
        self.setAccessibleName("Drop area")
        self.setAccessibleDescription(
            "Drop post processor ZIP files here to add them, or press Enter to choose them."
        )
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setMinimumHeight(72)
        self._state = DropState.IDLE
        self.setProperty("dragActive", False)
        self.setProperty("dragRefused", False)

    @property
    def state(self) -> DropState:
        return self._state

    def set_drag_state(self, state: DropState, text: str | None = None) -> None:
        """Show what a drag over the window holds; IDLE when it is gone."""
        if text is None:
            text = {DropState.REFUSE: REFUSED_TEXT, DropState.NOTICE: NOT_ZIP_TEXT}.get(
                state, DROP_TEXT
            )
        self.setText(text)
        if state is self._state:
            return
        self._state = state
        self.setProperty("dragActive", state is DropState.ACCEPT)
        self.setProperty("dragRefused", state is DropState.REFUSE)
        # A dynamic property only restyles after the style is re-applied.
        self.style().unpolish(self)
        self.style().polish(self)
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() is Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.clicked.emit()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            event.accept()
            return
        super().keyPressEvent(event)
