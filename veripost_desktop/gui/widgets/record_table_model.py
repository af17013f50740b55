"""What the package and file tables share: records shown one per row, under
fixed column headers that carry a tooltip each. Each model keeps its records
in ``self._records`` and names its columns in ``headers`` / ``header_tips``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

ModelIndex = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()


class RecordTableModel(QAbstractTableModel):
    headers: tuple[str, ...] = ()
    header_tips: tuple[str, ...] = ()
    _records: Sequence[Any]

    def rowCount(self, parent: ModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: ModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is not Qt.Orientation.Horizontal or not 0 <= section < len(self.headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.header_tips[section]
        return None
