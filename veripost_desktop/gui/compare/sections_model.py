"""The compare window's list of changed sections, in B's file order.

Sections whose every edit is one of the comparison's patterns are greyed
and say which ("pattern 1"): a person reads the pattern once in the summary
and the rest of the list is what is left to look at. ``OtherEditsFilter``
hides them on request.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from veripost_desktop.core.compare.model import (
    ChangeKind,
    EditPattern,
    PackageComparison,
    SectionChange,
)
from veripost_desktop.gui.compare import summary
from veripost_desktop.gui.widgets.filter_change import rows_filter_change
from veripost_desktop.gui.widgets.record_table_model import ModelIndex, RecordTableModel

COL_FILE = 0
COL_SECTION = 1
COL_CHANGE = 2
COL_LINES = 3
COL_EXPLAINED = 4

HEADERS = ("File", "Section", "Change", "Lines", "Explained by")
HEADER_TIPS = (
    "SRC: the post's .SRC; LIB: its own library",
    "The section's key: its header up to the first blank or (",
    "How the section differs between A and B",
    "Lines added (+) and removed (\u2212) going from A to B",
    "The pattern(s) of the summary that explain every edit of this section",
)

SectionChangeRole = Qt.ItemDataRole.UserRole + 1

_EXPLAINED_BRUSH = QBrush(QColor(128, 128, 128))
#: A dot of colour per kind, as the side-by-side view marks lines.
KIND_COLOURS: dict[ChangeKind, str] = {
    ChangeKind.CHANGED: "#9a6700",
    ChangeKind.ADDED: "#1a7f37",
    ChangeKind.UNCOMMENTED: "#1a7f37",
    ChangeKind.REMOVED: "#cf222e",
    ChangeKind.COMMENTED_OUT: "#cf222e",
}


class CompareSectionsModel(RecordTableModel):
    headers = HEADERS
    header_tips = HEADER_TIPS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._records: Sequence[SectionChange] = ()
        self._patterns: Sequence[EditPattern] = ()

    def set_comparison(self, comparison: PackageComparison | None) -> None:
        self.beginResetModel()
        self._records = comparison.sections if comparison is not None else ()
        self._patterns = comparison.patterns if comparison is not None else ()
        self.endResetModel()

    def section(self, row: int) -> SectionChange | None:
        return self._records[row] if 0 <= row < len(self._records) else None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._records):
            return None
        change = self._records[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(change, column)
        if role == SectionChangeRole:
            return change
        if role == Qt.ItemDataRole.ToolTipRole:
            if change.explained_by:
                return summary.explained_tip(change, self._patterns)
            if column == COL_CHANGE:
                return summary.KIND_TIPS[change.change]
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if change.explained_by:
                return _EXPLAINED_BRUSH
            if column == COL_CHANGE:
                return QBrush(QColor(KIND_COLOURS[change.change]))
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_LINES:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _display(change: SectionChange, column: int) -> str:
        if column == COL_FILE:
            return change.file.value.upper()
        if column == COL_SECTION:
            return change.name
        if column == COL_CHANGE:
            return summary.KIND_LABELS[change.change]
        if column == COL_LINES:
            return summary.lines_label(change)
        if column == COL_EXPLAINED:
            return summary.explained_note(change)
        return ""


class OtherEditsFilter(QSortFilterProxyModel):
    """Keeps every row, or (``only_other_edits``) the sections the patterns
    do not fully explain."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._only_other_edits = False

    @property
    def only_other_edits(self) -> bool:
        return self._only_other_edits

    def set_only_other_edits(self, on: bool) -> None:
        if on == self._only_other_edits:
            return
        with rows_filter_change(self):
            self._only_other_edits = on

    def filterAcceptsRow(  # noqa: N802 - Qt's name
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if not self._only_other_edits:
            return True
        change = self.sourceModel().index(source_row, 0, source_parent).data(SectionChangeRole)
        return isinstance(change, SectionChange) and not change.explained_by
