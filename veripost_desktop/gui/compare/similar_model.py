"""The rows of *Find similar posts*: every other ready package, most similar first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt

from veripost_desktop.core.compare import SimilarPost
from veripost_desktop.gui.compare.summary import percent
from veripost_desktop.gui.widgets.record_table_model import ModelIndex, RecordTableModel

COL_NAME = 0
COL_SIMILARITY = 1
COL_UNCHANGED = 2
COL_CHANGED = 3

HEADERS = ("Package", "Similarity", "Same sections", "Different sections")
HEADER_TIPS = (
    "The other package's name",
    "Active sections with equal bodies in both, out of the active sections in either",
    "Active sections whose bodies are equal in both posts",
    "Active sections that differ, or are in one post only",
)

SimilarPostRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2


class SimilarPostsModel(RecordTableModel):
    headers = HEADERS
    header_tips = HEADER_TIPS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._records: Sequence[SimilarPost] = ()

    def set_posts(self, posts: Sequence[SimilarPost]) -> None:
        self.beginResetModel()
        self._records = tuple(posts)
        self.endResetModel()

    def post(self, row: int) -> SimilarPost | None:
        return self._records[row] if 0 <= row < len(self._records) else None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._records):
            return None
        post = self._records[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_NAME:
                return post.name
            if column == COL_SIMILARITY:
                return percent(post.similarity)
            if column == COL_UNCHANGED:
                return str(post.unchanged_sections)
            if column == COL_CHANGED:
                return str(post.changed_sections)
            return None
        if role == SortRole:
            if column == COL_NAME:
                return post.name.casefold()
            if column == COL_SIMILARITY:
                return post.similarity
            if column == COL_UNCHANGED:
                return post.unchanged_sections
            if column == COL_CHANGED:
                return post.changed_sections
            return None
        if role == SimilarPostRole:
            return post
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_NAME:
            return f"Package {post.package_id}. Double-click or Compare to see what differs."
        if role == Qt.ItemDataRole.TextAlignmentRole and column != COL_NAME:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
