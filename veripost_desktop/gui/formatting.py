"""How numbers, times and statuses read in the tables."""

from __future__ import annotations

from datetime import datetime

from veripost_desktop.core.catalog import PackageRecord, PackageStatus

_UNITS = ("KB", "MB", "GB", "TB")


def human_size(size: int) -> str:
    """Sizes as Windows Explorer shows them (1 KB = 1024 bytes)."""
    if size < 1024:
        return "1 byte" if size == 1 else f"{size} bytes"
    value = float(size)
    for unit in _UNITS:
        value /= 1024
        if value < 1024 or unit == _UNITS[-1]:
            return f"{value:.1f} {unit}" if value < 100 else f"{value:.0f} {unit}"
    raise AssertionError("unreachable")


def local_time(moment: datetime) -> str:
    """The catalog keeps UTC; people read their own clock."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def status_text(status: PackageStatus, bytes_done: int = 0, bytes_total: int = 0) -> str:
    if status is PackageStatus.STORING and bytes_total > 0:
        percent = min(100, bytes_done * 100 // bytes_total)
        return f"{status.value} {percent}%"
    return status.value


def storage_location_text(store_description: str, record: PackageRecord | None) -> str:
    """Where a package's files are kept: the store, and the package's key prefix."""
    if record is None:
        return f"Storage: {store_description}"
    return f"Stored in {store_description}, under {record.storage_prefix}"
