"""How times, statuses and storage locations read in the tables (sizes:
``core/formatting.py``, shared with the command line)."""

from __future__ import annotations

from datetime import datetime

from veripost_desktop.core.catalog import PackageRecord, PackageStatus


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
