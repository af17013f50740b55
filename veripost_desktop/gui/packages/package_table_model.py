"""The package table: one row per catalog package, updated in place.

Rows are found by package id (``rowForId``). A fresh record from the catalog
replaces that one record and emits ``dataChanged`` for that one row; a
worker's status change for the cells it changes (Status, Warnings, Size); a
progress tick (the same status, more bytes) for the Status cell only. The view keeps
its selection and scroll position while packages ingest. A removed package
goes with ``beginRemoveRows``. A model reset happens only when the whole list
is (re)loaded.

Sorting happens here, not in a QSortFilterProxyModel: ``sort`` orders the
records with ``list.sort`` by a key (about 1 ms for 10,000 rows, where the
proxy called ``data()`` in Python n log n times) and moves the persistent
indexes, so the selection follows its rows. The filter proxy forwards the
header's sort here (``package_filter.py``). Rows stay where they are when
their status changes (nothing jumps under the pointer while packages ingest);
new rows go to their sorted place: appended when they sort last (the usual
case: sorted by Added), else the list is sorted again once per batch.

The columns are one table, ``COLUMNS``: a ``Column`` each (header, header
tooltip, default width, and the functions that give a record's text, sort
key, tooltip, colour and icon), indexed by the ``COL_*`` numbers. A new
column is one entry there (with the next number: saved layouts keep columns
by number) and nothing else.

The display strings of a row are made once per record and kept until the
record (or its progress) changes, so painting reads a tuple.

The warnings column shows the count the parser stored on the package; its
tooltip names the first few, read through ``warning_lookup`` only when a
person hovers the cell (one indexed query), and cached per job.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any, TypeVar

from PySide6.QtCore import (
    QModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QIcon
from PySide6.QtWidgets import QApplication, QStyle

from veripost_desktop.core.catalog import PackageRecord, PackageStatus
from veripost_desktop.core.catalog.records import WarningRecord
from veripost_desktop.core.formatting import human_size
from veripost_desktop.core.ingestion import IngestEvent
from veripost_desktop.gui.versions.post_versions import PostVersions
from veripost_desktop.gui.widgets.formatting import local_time, status_text
from veripost_desktop.gui.widgets.record_table_model import ModelIndex, RecordTableModel

PackageRecordRole = Qt.ItemDataRole.UserRole + 1
# Raw values (numbers, timestamps) so the proxy sorts sizes as sizes, not text.
SortRole = Qt.ItemDataRole.UserRole + 2
# (bytes_done, bytes_total) of the Status cell while storing, else None: the
# contract of progress_delegate.py's ProgressRole.
ProgressRole = Qt.ItemDataRole.UserRole + 10

_RIGHT_ALIGNED = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
# Plain ints: data() runs for every painted cell and role, in Python.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_STATUS_ORDER = {status: i for i, status in enumerate(PackageStatus)}
_ERROR_BRUSH = QBrush(QColor(176, 0, 32))
_MUTED_BRUSH = QBrush(QColor(128, 128, 128))

NOT_PARSED = "not parsed"
#: How many warnings the tooltip names before "...and N more".
TOOLTIP_WARNINGS = 5

WarningLookup = Callable[[str], Sequence[WarningRecord]]
_T = TypeVar("_T")


@cache
def _warning_icon() -> QIcon:
    # Created on first use: the style needs the QApplication to exist.
    return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)


def warning_location(warning: WarningRecord) -> str:
    """Where a warning points: "file:line", "file", or ""."""
    if warning.filename and warning.line is not None:
        return f"{warning.filename}:{warning.line}"
    return warning.filename or ""


def warnings_tooltip(warnings: Sequence[WarningRecord], total: int) -> str:
    lines = []
    for warning in warnings[:TOOLTIP_WARNINGS]:
        where = warning_location(warning)
        lines.append(f"{warning.code}: {warning.text}" + (f" ({where})" if where else ""))
    if total > len(lines):
        lines.append(f"...and {total - len(lines)} more (see Details)")
    return "\n".join(lines)


_ASCENDING = Qt.SortOrder.AscendingOrder
#: What a changed record can change in a row (dataChanged's roles).
ROW_ROLES = [
    _DISPLAY,
    _TOOLTIP,
    _FOREGROUND,
    _DECORATION,
    int(SortRole),
    int(PackageRecordRole),
    int(ProgressRole),
]
#: What a progress tick changes: the Status cell's text and bar.
PROGRESS_ROLES = [_DISPLAY, int(ProgressRole)]


@dataclass(frozen=True)
class Progress:
    bytes_done: int
    bytes_total: int


#: What a column asks of a row: the record and the model (the Status text
#: reads its progress, Version the post's count, Warnings the lookup).
CellFunction = Callable[[PackageRecord, "PackageTableModel"], _T]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the package table: its header and everything a cell of it shows."""

    header: str
    #: The header's tooltip: what the column holds.
    tip: str
    #: Width in pixels when no saved layout says otherwise.
    width: int
    #: The cell's text; made once per record and cached (see the docstring).
    display: CellFunction[str]
    #: The raw value ``sort`` and ``SortRole`` use; None: the text, casefolded.
    sort_key: CellFunction[Any] | None = None
    tooltip: CellFunction[str | None] | None = None
    foreground: CellFunction[QBrush | None] | None = None
    decoration: CellFunction[QIcon | None] | None = None
    #: A count or a size: right-aligned.
    numeric: bool = False


def _status_text(record: PackageRecord, model: PackageTableModel) -> str:
    progress = model.progress(record.id)
    if progress is None:
        return status_text(record.status)
    return status_text(record.status, progress.bytes_done, progress.bytes_total)


def _status_tip(record: PackageRecord, _model: PackageTableModel) -> str | None:
    if record.status is PackageStatus.ERROR:
        return record.error_message or "This package could not be added."
    return None


def _status_brush(record: PackageRecord, _model: PackageTableModel) -> QBrush | None:
    return _ERROR_BRUSH if record.status is PackageStatus.ERROR else None


def _warnings_text(record: PackageRecord, _model: PackageTableModel) -> str:
    if record.warning_count is None:
        return NOT_PARSED if record.status is PackageStatus.READY else ""
    return str(record.warning_count) if record.warning_count else ""


def _warnings_tip(record: PackageRecord, model: PackageTableModel) -> str | None:
    if record.warning_count is None:
        return "Not parsed yet" if record.status is PackageStatus.READY else None
    return model.warnings_tip(record) if record.warning_count else None


def _warnings_brush(record: PackageRecord, _model: PackageTableModel) -> QBrush | None:
    return _MUTED_BRUSH if record.warning_count is None else None


def _warnings_icon(record: PackageRecord, _model: PackageTableModel) -> QIcon | None:
    return _warning_icon() if record.warning_count else None


def _uploader_tip(record: PackageRecord, _model: PackageTableModel) -> str | None:
    if record.uploaded_host:
        return f"{record.uploaded_by or 'unknown'} on {record.uploaded_host}"
    return None


def _or_minus_one(value: int | None) -> int:
    return -1 if value is None else value


COL_NAME = 0
COL_STATUS = 1
COL_WARNINGS = 2
COL_MACHINE = 3
COL_CONTROLLER = 4
COL_SYSTEM = 5
COL_FILES = 6
COL_SIZE = 7
COL_SECTIONS = 8
COL_PACKAGE_ID = 9
COL_JOB_ID = 10
COL_ADDED = 11
COL_UPLOADED_BY = 12
COL_VERSION = 13

# Keyed by the COL_* index, which is also where saved window layouts keep a
# column: a new column takes the next number, whatever place it is shown at.
_COLUMNS_BY_INDEX = {
    COL_NAME: Column(
        "Name",
        "The package's name: its .SRC file's name (hover a row for the ZIP it came from)",
        220,
        lambda r, _m: r.name,
        tooltip=lambda r, _m: r.source_path,
    ),
    COL_STATUS: Column(
        "Status",
        "Where the package is: pending, validating, storing, parsing, ready or error",
        105,
        _status_text,
        sort_key=lambda r, _m: _STATUS_ORDER[r.status],
        tooltip=_status_tip,
        foreground=_status_brush,
    ),
    COL_WARNINGS: Column(
        "Warnings",
        "How many things the parser found worth a look (hover for the first few)",
        80,
        _warnings_text,
        sort_key=lambda r, _m: _or_minus_one(r.warning_count),
        tooltip=_warnings_tip,
        foreground=_warnings_brush,
        decoration=_warnings_icon,
    ),
    COL_MACHINE: Column(
        "Machine",
        "The machine the post is for (DESCRIPTOR MACHINE NAME)",
        120,
        lambda r, _m: r.machine or "",
    ),
    COL_CONTROLLER: Column(
        "Controller",
        "The controller the post is for (DESCRIPTOR CONTROLLER TYPE)",
        100,
        lambda r, _m: r.controller or "",
    ),
    COL_SYSTEM: Column(
        "System",
        "The kind of machine the post drives (:SYSTEM: MILL, LATHE, ...)",
        60,
        lambda r, _m: r.system or "",
    ),
    COL_FILES: Column(
        "Files",
        "How many files the package holds",
        50,
        lambda r, _m: str(r.file_count),
        sort_key=lambda r, _m: r.file_count,
        numeric=True,
    ),
    COL_SIZE: Column(
        "Size",
        "The files' total size",
        70,
        lambda r, _m: human_size(r.total_bytes),
        sort_key=lambda r, _m: r.total_bytes,
        numeric=True,
    ),
    COL_SECTIONS: Column(
        "Sections",
        "Active sections across the .SRC and .LIB files",
        70,
        lambda r, _m: "" if r.section_count is None else str(r.section_count),
        sort_key=lambda r, _m: _or_minus_one(r.section_count),
        tooltip=lambda r, _m: "Not read yet" if r.section_count is None else None,
        numeric=True,
    ),
    COL_PACKAGE_ID: Column(
        "Package ID",
        "The package's id in the catalog (its folder in storage)",
        110,
        lambda r, _m: r.id,
    ),
    COL_JOB_ID: Column(
        "Job ID",
        "The id of the package's last ingestion run",
        110,
        lambda r, _m: r.job_id,
    ),
    COL_ADDED: Column(
        "Added",
        "When the package was added",
        125,
        lambda r, _m: local_time(r.created_at),
        sort_key=lambda r, _m: r.created_at.timestamp(),
    ),
    COL_UPLOADED_BY: Column(
        "Uploaded by",
        "Who added the package to the team's store, and on which computer (hover)",
        100,
        lambda r, _m: r.uploaded_by or "",
        tooltip=_uploader_tip,
    ),
    COL_VERSION: Column(
        "Version",
        "Which version of its post the package is (v2 of 3); empty for a post with one version",
        75,
        lambda r, m: m.versions.text(r),
        sort_key=lambda r, m: m.versions.sort_key(r),
    ),
}
#: The columns in the model's order: ``COLUMNS[COL_SIZE]`` is the Size column.
COLUMNS = tuple(_COLUMNS_BY_INDEX[i] for i in range(len(_COLUMNS_BY_INDEX)))
HEADERS = tuple(column.header for column in COLUMNS)
#: What each column holds, for the header's tooltip.
HEADER_TIPS = tuple(column.tip for column in COLUMNS)


class PackageTableModel(RecordTableModel):
    headers = HEADERS
    header_tips = HEADER_TIPS

    def __init__(self, parent: Any = None, *, warning_lookup: WarningLookup | None = None) -> None:
        super().__init__(parent)
        self._records: list[PackageRecord] = []
        self._rows: dict[str, int] = {}
        self._progress: dict[str, Progress] = {}
        # package id -> the row's display strings, made on first paint.
        self._cells: dict[str, tuple[str, ...]] = {}
        self._warning_lookup = warning_lookup
        # package id -> (job id, tooltip): a new job (retry) reads them again.
        self._warning_tips: dict[str, tuple[str, str]] = {}
        # Which post each row belongs to, for the Version column's "of N".
        self._versions = PostVersions()
        # The order ``sort`` was last asked for; -1: the catalog's order.
        self._sort_column = -1
        self._sort_order = _ASCENDING

    # ---- Qt model interface ----------------------------------------------

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = index.row()
        if not 0 <= row < len(self._records) or not index.isValid():
            return None
        record = self._records[row]
        column = index.column()
        if role == _DISPLAY:
            cells = self._cells.get(record.id)
            if cells is None:
                cells = self._cells[record.id] = self._make_cells(record)
            return cells[column]
        if role == _FOREGROUND:
            foreground = COLUMNS[column].foreground
            return None if foreground is None else foreground(record, self)
        if role == _DECORATION:
            decoration = COLUMNS[column].decoration
            return None if decoration is None else decoration(record, self)
        if role == _ALIGNMENT:
            return _RIGHT_ALIGNED if COLUMNS[column].numeric else None
        if role == ProgressRole:
            progress = self._progress.get(record.id) if column == COL_STATUS else None
            return None if progress is None else (progress.bytes_done, progress.bytes_total)
        if role == PackageRecordRole:
            return record
        if role == SortRole:
            return self._sort_key(column)(record)
        if role == _TOOLTIP:
            tooltip = COLUMNS[column].tooltip
            return None if tooltip is None else tooltip(record, self)
        return None

    def sort(self, column: int, order: Qt.SortOrder = _ASCENDING) -> None:
        """Order the rows by ``column``'s raw value (sizes as sizes); the
        selection and every other persistent index follow their rows."""
        self._sort_column, self._sort_order = column, Qt.SortOrder(order)
        if not 0 <= column < len(COLUMNS) or len(self._records) < 2:
            return
        self.layoutAboutToBeChanged.emit()
        old = self._records
        self._records = self._sorted(old)
        self._rows = {r.id: i for i, r in enumerate(self._records)}
        persistent = self.persistentIndexList()
        if persistent:
            moved = []
            for index in persistent:
                row = index.row()
                moved.append(
                    self.index(self._rows[old[row].id], index.column())
                    if 0 <= row < len(old)
                    else QModelIndex()
                )
            self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    @property
    def sort_column(self) -> int:
        return self._sort_column

    @property
    def sort_order(self) -> Qt.SortOrder:
        return self._sort_order

    def _sorted(self, records: list[PackageRecord]) -> list[PackageRecord]:
        column = self._sort_column
        if not 0 <= column < len(COLUMNS):
            return list(records)
        return sorted(
            records, key=self._sort_key(column), reverse=self._sort_order is not _ASCENDING
        )

    # ---- lookups ---------------------------------------------------------

    def rowForId(self, package_id: str) -> int:
        """The row holding ``package_id``, or -1."""
        return self._rows.get(package_id, -1)

    def record(self, package_id: str) -> PackageRecord | None:
        row = self.rowForId(package_id)
        return self._records[row] if row >= 0 else None

    def records(self) -> list[PackageRecord]:
        return list(self._records)

    def record_at(self, row: int) -> PackageRecord:
        """The record in ``row`` (for the filter proxy: no QModelIndex per cell)."""
        return self._records[row]

    def progress(self, package_id: str) -> Progress | None:
        return self._progress.get(package_id)

    @property
    def versions(self) -> PostVersions:
        """Which post each listed package belongs to (the Version column)."""
        return self._versions

    def is_latest_version(self, record: PackageRecord) -> bool:
        """Whether no listed package is a later version of ``record``'s post."""
        return self._versions.is_latest(record)

    def version_count(self, post_id: str) -> int:
        """The highest version number of a post among the listed packages."""
        return self._versions.count(post_id)

    # ---- changes ---------------------------------------------------------

    def set_warning_lookup(self, lookup: WarningLookup | None) -> None:
        """Read warnings from another catalog (the window reopened its services)."""
        self._warning_lookup = lookup
        self._warning_tips.clear()

    def set_packages(self, records: Iterable[PackageRecord]) -> None:
        """Replace everything (start-up load): the one place the model resets.
        The rows come in the order last given to ``sort``."""
        self.beginResetModel()
        self._records = self._sorted(list(records))
        self._rows = {r.id: i for i, r in enumerate(self._records)}
        self._versions.reset(self._records)
        self._progress.clear()
        self._cells.clear()
        self._warning_tips.clear()
        self.endResetModel()

    def remove_package(self, package_id: str) -> bool:
        """Take a removed package's row out; returns whether it was listed."""
        row = self.rowForId(package_id)
        if row < 0:
            return False
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._records[row]
        del self._rows[package_id]
        for moved in self._records[row:]:
            self._rows[moved.id] -= 1
        self._progress.pop(package_id, None)
        self._cells.pop(package_id, None)
        self._warning_tips.pop(package_id, None)
        touched = self._versions.remove(package_id)
        self.endRemoveRows()
        self._versions_changed(touched)
        return True

    def add_package(self, record: PackageRecord) -> None:
        self.add_packages([record])

    def add_packages(self, records: Iterable[PackageRecord]) -> None:
        """New rows (one drop's packages) in one insert; known ids are updated.

        They are appended; if they do not sort last under the current sort,
        the rows are sorted again once (a layout change, not a reset)."""
        new: list[PackageRecord] = []
        seen: set[str] = set()
        for record in records:
            if record.id in self._rows:
                self.update_package(record)
            elif record.id not in seen:
                seen.add(record.id)
                new.append(record)
        if not new:
            return
        first = len(self._records)
        self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
        self._records.extend(new)
        for row in range(first, len(self._records)):
            self._rows[self._records[row].id] = row
        touched: set[str] = set()
        for record in new:
            touched |= self._versions.put(record)
        self.endInsertRows()
        self._versions_changed(touched - seen)
        if not self._sorts_last(first):
            self.sort(self._sort_column, self._sort_order)

    def _sorts_last(self, first: int) -> bool:
        """Whether the rows from ``first`` on are already where ``sort`` puts them."""
        column = self._sort_column
        if not 0 <= column < len(COLUMNS):
            return True
        key = self._sort_key(column)
        keys = [key(r) for r in self._records[max(first - 1, 0) :]]
        if self._sort_order is _ASCENDING:
            return all(a <= b for a, b in zip(keys, keys[1:], strict=False))
        # reverse=True keeps equal keys in their old order too: ties may stay.
        return all(a >= b for a, b in zip(keys, keys[1:], strict=False))

    def update_package(self, record: PackageRecord) -> None:
        """Put a fresh record from the catalog in its row (added if unknown)."""
        row = self.rowForId(record.id)
        if row < 0:
            self.add_packages([record])
            return
        self._records[row] = record
        if record.status is not PackageStatus.STORING:
            self._progress.pop(record.id, None)
        self._cells.pop(record.id, None)
        touched = self._versions.put(record)
        self._row_changed(row)
        self._versions_changed(touched)

    def apply_event(self, event: IngestEvent) -> bool:
        """Apply a worker's status change or progress tick to its row.

        Events from an older job of the package (a superseded attempt) are
        ignored. Returns whether the row changed. A progress tick (same
        status, no error, same total) repaints the Status cell only.
        """
        row = self.rowForId(event.package_id)
        if row < 0:
            return False
        current = self._records[row]
        if event.job_id != current.job_id:
            return False
        fields: dict[str, Any] = {}
        if event.status is not current.status:
            fields["status"] = event.status
        if event.error is not None:
            fields.update(
                error_code=event.error.code,
                error_message=event.error.message,
                error_detail=event.error.detail,
            )
        if event.bytes_total > 0 and event.bytes_total != current.total_bytes:
            fields["total_bytes"] = event.bytes_total
        if event.status is PackageStatus.STORING:
            self._progress[event.package_id] = Progress(event.bytes_done, event.bytes_total)
        else:
            self._progress.pop(event.package_id, None)
        self._cells.pop(event.package_id, None)
        if not fields:
            status = self.index(row, COL_STATUS)
            self.dataChanged.emit(status, status, PROGRESS_ROLES)
            return True
        self._records[row] = replace(current, **fields)
        # An event changes the status (and error, total size) only: repaint
        # the Status and Warnings cells ("not parsed" follows the status), and
        # Size if the total changed. Every repainted cell costs the GUI thread
        # about eight data() calls, each a fight for the GIL with the workers.
        self.dataChanged.emit(self.index(row, COL_STATUS), self.index(row, COL_WARNINGS), ROW_ROLES)
        if "total_bytes" in fields:
            size = self.index(row, COL_SIZE)
            self.dataChanged.emit(size, size, ROW_ROLES)
        return True

    def _row_changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1), ROW_ROLES)

    def _versions_changed(self, package_ids: set[str]) -> None:
        """Other rows of a post whose count changed: their Version cell only."""
        for package_id in package_ids:
            row = self.rowForId(package_id)
            if row >= 0:
                self._cells.pop(package_id, None)
                version = self.index(row, COL_VERSION)
                self.dataChanged.emit(version, version, ROW_ROLES)

    # ---- cell contents ---------------------------------------------------

    def _make_cells(self, record: PackageRecord) -> tuple[str, ...]:
        return tuple([column.display(record, self) for column in COLUMNS])

    def _sort_key(self, column: int) -> Callable[[PackageRecord], Any]:
        """The key ``column`` sorts records by: its raw value, else its text casefolded."""
        spec = COLUMNS[column]
        sort_key = spec.sort_key
        if sort_key is not None:
            return lambda record: sort_key(record, self)
        display = spec.display
        return lambda record: display(record, self).casefold()

    def warnings_tip(self, record: PackageRecord) -> str:
        """The Warnings cell's tooltip: the first few warnings, read when hovered."""
        count = record.warning_count or 0
        fallback = f"{count} warning(s); see Details"
        if self._warning_lookup is None:
            return fallback
        cached = self._warning_tips.get(record.id)
        if cached is not None and cached[0] == record.job_id:
            return cached[1]
        try:
            warnings = self._warning_lookup(record.id)
        except Exception:  # noqa: BLE001 - a tooltip must never break painting
            return fallback
        tip = warnings_tooltip(warnings, count) or fallback
        self._warning_tips[record.id] = (record.job_id, tip)
        return tip
