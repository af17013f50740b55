"""One way to make a QAction: object name (tests and accessibility find it),
text with mnemonic, tooltip doubling as status tip, shortcut and icon."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

from veripost_desktop.gui.widgets import icons


def make_action(
    parent: QObject,
    name: str,
    text: str,
    tip: str,
    shortcut: str | QKeySequence.StandardKey | None = None,
    icon: str | None = None,
) -> QAction:
    action = QAction(text, parent)
    action.setObjectName(name)
    action.setToolTip(tip)
    action.setStatusTip(tip)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if icon is not None:
        action.setIcon(icons.icon(icon))
    return action
