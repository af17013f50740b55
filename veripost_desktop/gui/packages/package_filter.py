"""Find in the package table: the proxy that filters (the source model sorts).

A row stays when every word typed in the search box appears (ignoring case)
in its name, machine, controller, status or uploader, and its status belongs to the
chosen status filter (and, with *Latest versions only*, no later version of
its post is listed). The proxy reads the record of a row straight from the
source model (no QModelIndex per cell), so filtering a large catalog stays
quick; a row whose status changes is re-checked by the proxy's dynamic filter
on the model's ``dataChanged``.

It does not sort: a QSortFilterProxyModel sorts by calling the model's
``data()`` in Python n log n times (0.5-0.7 s for 10,000 rows) and sorts again
after every reset. ``sort`` (what the view calls when the header's sort
indicator changes, and ``sortByColumn``) is handed to
``PackageTableModel.sort``, which sorts the records by key; the proxy's own
sort column stays -1, so its dynamic filtering never re-sorts.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from veripost_desktop.core.catalog import PackageRecord, PackageStatus
from veripost_desktop.core.catalog.records import IN_FLIGHT_STATUSES
from veripost_desktop.gui.packages.package_table_model import PackageTableModel, SortRole
from veripost_desktop.gui.widgets.filter_change import rows_filter_change


class StatusFilter(StrEnum):
    """The choices of the status filter, as the combo box shows them."""

    ALL = "All"
    READY = "Ready"
    IN_PROGRESS = "In progress"
    ERROR = "Error"


_STATUSES: dict[StatusFilter, frozenset[PackageStatus] | None] = {
    StatusFilter.ALL: None,
    StatusFilter.READY: frozenset({PackageStatus.READY}),
    StatusFilter.IN_PROGRESS: frozenset(IN_FLIGHT_STATUSES),
    StatusFilter.ERROR: frozenset({PackageStatus.ERROR}),
}


def search_terms(text: str) -> tuple[str, ...]:
    """The words of a search, folded for a case-insensitive match."""
    return tuple(text.casefold().split())


def matches(record: PackageRecord, terms: tuple[str, ...]) -> bool:
    """Every term appears in the name, machine, controller, status or uploader."""
    if not terms:
        return True
    haystack = "\n".join(
        (
            record.name,
            record.machine or "",
            record.controller or "",
            record.status.value,
            record.uploaded_by or "",
        )
    ).casefold()
    return all(term in haystack for term in terms)


class PackageFilterProxy(QSortFilterProxyModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SortRole)
        # Filters follow status changes; sorting is never the proxy's (see sort).
        self.setDynamicSortFilter(True)
        self._packages: PackageTableModel | None = None
        self._terms: tuple[str, ...] = ()
        self._statuses: frozenset[PackageStatus] | None = None
        self._status_filter = StatusFilter.ALL
        # Hide packages a later version of their post is listed for.
        self._latest_only = False

    def setSourceModel(self, model: Any) -> None:  # noqa: N802 - Qt's name
        super().setSourceModel(model)
        self._packages = model if isinstance(model, PackageTableModel) else None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self._packages is None:
            super().sort(column, order)
        else:
            self._packages.sort(column, order)

    @property
    def status_filter(self) -> StatusFilter:
        return self._status_filter

    @property
    def latest_only(self) -> bool:
        return self._latest_only

    @property
    def is_filtering(self) -> bool:
        return bool(self._terms) or self._statuses is not None or self._latest_only

    def set_search_text(self, text: str) -> None:
        terms = search_terms(text)
        if terms != self._terms:
            self._change_filter(terms, self._status_filter)

    def set_status_filter(self, choice: StatusFilter) -> None:
        choice = StatusFilter(choice)
        if choice is not self._status_filter:
            self._change_filter(self._terms, choice)

    def set_latest_only(self, latest_only: bool) -> None:
        """Show only the latest version of each post (issue 13)."""
        if latest_only != self._latest_only:
            self._change_filter(self._terms, self._status_filter, latest_only)

    def _change_filter(
        self, terms: tuple[str, ...], choice: StatusFilter, latest_only: bool | None = None
    ) -> None:
        with rows_filter_change(self):
            self._terms = terms
            self._status_filter = choice
            self._statuses = _STATUSES[choice]
            if latest_only is not None:
                self._latest_only = latest_only

    def filterAcceptsRow(  # noqa: N802 - Qt's name
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if not self._terms and self._statuses is None and not self._latest_only:
            return True
        if self._packages is None or source_parent.isValid():
            return True
        record = self._packages.record_at(source_row)
        if self._statuses is not None and record.status not in self._statuses:
            return False
        if self._latest_only and not self._packages.is_latest_version(record):
            return False
        return matches(record, self._terms)
