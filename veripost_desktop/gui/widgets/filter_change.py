"""Changing what a QSortFilterProxyModel's rows filter lets through, on every Qt 6."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QSortFilterProxyModel


@contextmanager
def rows_filter_change(proxy: QSortFilterProxyModel) -> Iterator[None]:
    """Wrap the change of a proxy's filter state: Qt 6.10 replaced
    ``invalidateRowsFilter()`` (after the change) with ``beginFilterChange()``
    / ``endFilterChange()`` around it."""
    modern = hasattr(proxy, "beginFilterChange")
    if modern:
        proxy.beginFilterChange()
    yield
    if modern:
        proxy.endFilterChange(QSortFilterProxyModel.Direction.Rows)
    else:
        proxy.invalidateRowsFilter()
