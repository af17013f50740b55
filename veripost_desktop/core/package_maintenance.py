"""Looking after stored packages: verify what storage holds, remove a package."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from veripost_desktop.core.catalog import Catalog, FileRecord
from veripost_desktop.core.catalog.records import IN_FLIGHT_STATUSES
from veripost_desktop.core.downloads import check_verified
from veripost_desktop.core.errors import ErrorCode, VeriPostError
from veripost_desktop.core.process_lease import ProcessLease
from veripost_desktop.core.storage.object_store import ObjectStore
from veripost_desktop.core.team.change_marker import announce_change
from veripost_desktop.core.team.manifest import manifest_key
from veripost_desktop.core.team.publishing import host_name


@dataclass(frozen=True)
class FileCheck:
    filename: str
    object_key: str
    state: str  # "ok" | "missing" | "altered" | "unreadable"
    detail: str

    @property
    def ok(self) -> bool:
        return self.state == "ok"


@dataclass(frozen=True)
class VerifyReport:
    package_id: str
    files: tuple[FileCheck, ...]

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.files)

    def summary(self) -> str:
        bad = [f for f in self.files if not f.ok]
        if not bad:
            return f"All {len(self.files)} stored files are intact."
        return f"{len(bad)} of {len(self.files)} stored files are not as they were stored: " + (
            ", ".join(f"{f.filename} ({f.state})" for f in bad)
        )


def _check_file(store: ObjectStore, record: FileRecord) -> FileCheck:
    try:
        if store.stat(record.object_key) is None:
            return FileCheck(record.filename, record.object_key, "missing", "not in storage")
        check_verified(store, record)
    except VeriPostError as exc:
        if exc.code == ErrorCode.STORAGE_UNAVAILABLE:
            raise
        state = "altered" if exc.code == ErrorCode.CHECKSUM_MISMATCH else "unreadable"
        return FileCheck(record.filename, record.object_key, state, exc.detail)
    return FileCheck(record.filename, record.object_key, "ok", "")


def verify_package(
    catalog: Catalog,
    store: ObjectStore,
    package_id: str,
    progress: Callable[[int, int], None] | None = None,
) -> VerifyReport:
    """Re-read every stored object and compare size and SHA-256 with the catalog."""
    catalog.get_package(package_id)
    files = catalog.list_files(package_id)
    checks = []
    for i, record in enumerate(files, start=1):
        checks.append(_check_file(store, record))
        if progress is not None:
            progress(i, len(files))
    return VerifyReport(package_id, tuple(checks))


def remove_package(
    catalog: Catalog, store: ObjectStore, lease: ProcessLease, package_id: str
) -> None:
    """Delete the package's manifest, then its objects, then its rows.

    The manifest goes first: other desktops stop listing the package at their
    next refresh, and a removal cut halfway leaves no manifest pointing at
    missing files (the leftover objects are an unfinished prefix for ``gc``).
    Objects go before the rows: if storage is unreachable the package stays
    listed rather than orphaning them. A package another desktop already
    removed (no manifest, no objects) is no error: its rows go."""
    pkg = catalog.get_package(package_id)
    if pkg.status in IN_FLIGHT_STATUSES and lease.is_alive(pkg.owner_token):
        raise VeriPostError(
            ErrorCode.PACKAGE_BUSY,
            "The package is still being ingested. Cancel it first, then remove it.",
            f"package {pkg.id} is {pkg.status.value}",
        )
    store.delete_keys([manifest_key(pkg.id)])
    if pkg.manifest_etag is not None:  # it was published: tell the team it is gone
        announce_change(store, "removed", pkg.id, catalog.uploaded_by or "", host_name())
    store.delete_prefix(pkg.storage_prefix)
    catalog.delete_package(package_id)
