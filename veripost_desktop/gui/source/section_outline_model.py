"""The source viewer's outline: one row per section of the file, in line order.

Commented-out sections (``*:SECTION=...``) are listed too, greyed and in
italics: switched-off code is often exactly what an engineer is looking for.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from veripost_desktop.core.catalog.records import SectionRecord

SectionRecordRole = Qt.ItemDataRole.UserRole + 1

ModelIndex = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
_INACTIVE_BRUSH = QBrush(QColor(140, 140, 140))


def section_label(section: SectionRecord) -> str:
    return f"{section.name}({section.params})" if section.params else section.name


def section_tooltip(section: SectionRecord) -> str:
    lines = (
        f"line {section.first_line}"
        if section.first_line == section.last_line
        else f"lines {section.first_line}-{section.last_line}"
    )
    state = "" if section.active else ", commented out"
    return f"{section.kind.lower()} section, {lines}{state}"


class SectionOutlineModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._sections: list[SectionRecord] = []

    def rowCount(self, parent: ModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._sections)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._sections):
            return None
        section = self._sections[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return section_label(section)
        if role == SectionRecordRole:
            return section
        if role == Qt.ItemDataRole.ToolTipRole:
            return section_tooltip(section)
        if not section.active:
            if role == Qt.ItemDataRole.ForegroundRole:
                return _INACTIVE_BRUSH
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setItalic(True)
                return font
        return None

    def set_sections(self, sections: Iterable[SectionRecord]) -> None:
        self.beginResetModel()
        self._sections = sorted(sections, key=lambda s: (s.first_line, s.last_line))
        self.endResetModel()

    def sections(self) -> list[SectionRecord]:
        return list(self._sections)
