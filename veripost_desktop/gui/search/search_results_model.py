"""The hits of a search in posts as a tree: package, then file, then lines.

Every package and file of the listed hits is shown with its count (all its
hits, also when only the first are listed under it); the lines under a file
are the hits the search returned. Replaced as a whole
when a new search ends (``set_result``); never changed in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from veripost_desktop.core.search.search_query import SearchHit, SearchResult

COL_WHAT = 0  # package name / file name / line number
COL_SECTION = 1
COL_TEXT = 2
HEADERS = ("Package / file / line", "Section", "Text")

#: The ``SearchHit`` of a line row (None for package and file rows).
SearchHitRole = Qt.ItemDataRole.UserRole + 1
#: ``(start, end)`` offsets of the matches in the Text column of a line row.
MatchSpansRole = Qt.ItemDataRole.UserRole + 2

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()

PACKAGE, FILE, HIT = 0, 1, 2


@dataclass
class _Node:
    kind: int
    row: int  # among its parent's children
    parent: int  # node id; -1 for a package
    label: str
    hits: int = 0
    hit: SearchHit | None = None
    children: list[int] = field(default_factory=list)


class SearchResultsModel(QAbstractItemModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._nodes: list[_Node] = []
        self._top: list[int] = []
        self.result: SearchResult | None = None

    # ---- filling ----------------------------------------------------------

    def clear(self) -> None:
        self.beginResetModel()
        self._nodes, self._top, self.result = [], [], None
        self.endResetModel()

    def set_result(self, result: SearchResult) -> None:
        nodes: list[_Node] = []
        top: list[int] = []
        packages: dict[str, int] = {}
        files: dict[tuple[str, str], int] = {}

        def add(kind: int, parent: int, siblings: list[int], label: str) -> int:
            node_id = len(nodes)
            nodes.append(_Node(kind, len(siblings), parent, label))
            siblings.append(node_id)
            return node_id

        for f in result.files:
            package = packages.get(f.package_id)
            if package is None:
                package = packages[f.package_id] = add(PACKAGE, -1, top, f.package_name)
            file_node = add(FILE, package, nodes[package].children, f.file)
            files[(f.package_id, f.file)] = file_node
            nodes[file_node].hits = f.hits
            nodes[package].hits += f.hits
        for hit in result.hits:
            parent = files.get((hit.package_id, hit.file))
            if parent is None:  # not in the counts: cannot happen, but never lose a hit
                continue
            node = add(HIT, parent, nodes[parent].children, str(hit.line))
            nodes[node].hit = hit
        self.beginResetModel()
        self._nodes, self._top, self.result = nodes, top, result
        self.endResetModel()

    # ---- reading ------------------------------------------------------------

    def hit(self, index: _Index) -> SearchHit | None:
        node = self._node(index)
        return node.hit if node is not None else None

    def package_count(self) -> int:
        return len(self._top)

    def first_hit_index(self) -> QModelIndex:
        for package_row, package_id in enumerate(self._top):
            for file_row, file_id in enumerate(self._nodes[package_id].children):
                if self._nodes[file_id].children:
                    parent = self.index(file_row, 0, self.index(package_row, 0))
                    return self.index(0, 0, parent)
        return QModelIndex()

    def _node(self, index: _Index) -> _Node | None:
        if not index.isValid():
            return None
        node_id = index.internalId()
        return self._nodes[node_id] if 0 <= node_id < len(self._nodes) else None

    # ---- QAbstractItemModel ----------------------------------------------------

    def index(self, row: int, column: int, parent: _Index = _ROOT) -> QModelIndex:
        if column < 0 or column >= len(HEADERS) or row < 0:
            return QModelIndex()
        if not parent.isValid():
            children = self._top
        else:
            node = self._node(parent)
            if node is None or parent.column() != 0:
                return QModelIndex()
            children = node.children
        if row >= len(children):
            return QModelIndex()
        return self.createIndex(row, column, children[row])

    def parent(self, child: _Index = _ROOT) -> QModelIndex:  # type: ignore[override]
        node = self._node(child)
        if node is None or node.parent < 0:
            return QModelIndex()
        parent = self._nodes[node.parent]
        return self.createIndex(parent.row, 0, node.parent)

    def rowCount(self, parent: _Index = _ROOT) -> int:
        if not parent.isValid():
            return len(self._top)
        if parent.column() != 0:
            return 0
        node = self._node(parent)
        return len(node.children) if node is not None else 0

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        node = self._node(index)
        if node is None:
            return None
        column = index.column()
        if role == SearchHitRole:
            return node.hit
        if node.kind == HIT:
            return self._hit_data(node, column, role)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_WHAT:
                return node.label
            if column == COL_TEXT:
                shown = len(node.children) if node.kind == FILE else None
                return _count_text(node.hits, shown)
        if role == Qt.ItemDataRole.ToolTipRole and node.kind == FILE:
            shown = len(node.children)
            if shown < node.hits:
                return (
                    f"{node.hits:,} matching lines; {shown:,} shown. "
                    "Narrow the search or raise the limit to see the others."
                )
        return None

    def _hit_data(self, node: _Node, column: int, role: int) -> Any:
        hit = node.hit
        assert hit is not None
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_WHAT:
                return node.label
            if column == COL_SECTION:
                if hit.section is None:
                    return ""
                return f"{hit.section} (commented out)" if hit.commented_out else hit.section
            if column == COL_TEXT:
                return hit.text
        if role == MatchSpansRole and column == COL_TEXT:
            return hit.spans
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_WHAT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{hit.file} line {hit.line}: {hit.text}"
        return None


def _count_text(hits: int, shown: int | None) -> str:
    text = f"{hits:,} hit" + ("" if hits == 1 else "s")
    if shown is not None and shown < hits:
        text += f" ({shown:,} shown)"
    return text
