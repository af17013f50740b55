"""A progress bar in the package table's Status cell while a package is stored.

The model tells the delegate two things for the cell:

- ``ProgressRole``: ``(bytes_done, bytes_total)``, or None;
- the status, read from ``status_role`` (default: the package table's
  ``PackageRecordRole``, whose value is a ``PackageRecord``); a plain
  ``PackageStatus`` or its string value works too.

With ``bytes_total > 0`` and the status ``storing`` the cell is drawn as a
progress bar by the application's own style (so it looks native and follows
the palette) with the cell's text on it; anything else is painted as usual.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
)

from veripost_desktop.core.catalog import PackageStatus

ProgressRole = Qt.ItemDataRole.UserRole + 10
# The package table model's PackageRecordRole (a PackageRecord with .status).
DEFAULT_STATUS_ROLE = Qt.ItemDataRole.UserRole + 1

# The bar's range: bytes can pass 2**31, QProgressBar values are C ints.
_STEPS = 1000
_MARGIN = 2


def progress_fraction(index: QModelIndex | QPersistentModelIndex, status_role: int) -> float | None:
    """Done/total in [0, 1] when ``index`` should show a bar, else None."""
    progress = index.data(ProgressRole)
    if not isinstance(progress, tuple | list) or len(progress) != 2:
        return None
    done, total = progress
    if not isinstance(done, int) or not isinstance(total, int) or total <= 0:
        return None
    if _status(index.data(status_role)) is not PackageStatus.STORING:
        return None
    return min(1.0, max(0.0, done / total))


def _status(value: Any) -> PackageStatus | None:
    value = getattr(value, "status", value)
    if isinstance(value, PackageStatus):
        return value
    if isinstance(value, str):
        try:
            return PackageStatus(value)
        except ValueError:
            return None
    return None


class ProgressDelegate(QStyledItemDelegate):
    """Set it on the Status column: ``view.setItemDelegateForColumn(COL_STATUS, d)``."""

    def __init__(
        self, parent: QObject | None = None, *, status_role: int = DEFAULT_STATUS_ROLE
    ) -> None:
        super().__init__(parent)
        self._status_role = status_role

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        fraction = progress_fraction(index, self._status_role)
        if fraction is None:
            super().paint(painter, option, index)
            return

        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        widget = item.widget
        style = widget.style() if widget is not None else QApplication.style()
        # The cell's background and selection first, without its text: the
        # text goes on the bar.
        item.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, widget)

        bar = QStyleOptionProgressBar()
        if widget is not None:
            bar.initFrom(widget)
        bar.state = item.state | QStyle.StateFlag.State_Horizontal
        bar.direction = item.direction
        bar.palette = item.palette
        bar.fontMetrics = item.fontMetrics
        bar.rect = item.rect.adjusted(_MARGIN, _MARGIN, -_MARGIN, -_MARGIN)
        bar.minimum = 0
        bar.maximum = _STEPS
        bar.progress = round(fraction * _STEPS)
        text = index.data(Qt.ItemDataRole.DisplayRole)
        bar.text = str(text) if text else f"{round(fraction * 100)}%"
        bar.textVisible = True
        bar.textAlignment = Qt.AlignmentFlag.AlignCenter
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, widget)
