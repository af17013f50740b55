"""The drop target people see. Only a visual: the main window handles drops
anywhere on it and tells this widget when to light up."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QLabel, QWidget

DROP_TEXT = "Drop post processor ZIPs here"

_STYLE = """
QLabel#dropArea {
    border: 2px dashed palette(mid);
    border-radius: 8px;
    padding: 18px;
    font-size: 14pt;
    color: palette(text);
}
QLabel#dropArea[dragActive="true"] {
    border-color: palette(highlight);
    background: palette(alternate-base);
}
"""


class DropArea(QLabel):
    #: Clicked: lets people who do not drag pick files instead.
    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(DROP_TEXT, parent)
        self.setObjectName("dropArea")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setStyleSheet(_STYLE)
        self.setToolTip("Drop ZIP files anywhere in the window, or click to choose them")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setMinimumHeight(72)
        self.setProperty("dragActive", False)

    def set_drag_active(self, active: bool) -> None:
        if self.property("dragActive") == active:
            return
        self.setProperty("dragActive", active)
        # A dynamic property only restyles after the style is re-applied.
        self.style().unpolish(self)
        self.style().polish(self)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() is Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.clicked.emit()
        super().mouseReleaseEvent(event)
