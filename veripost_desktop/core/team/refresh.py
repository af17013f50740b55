"""Refresh: bring this desktop's catalog in line with the store's manifests.

    1. a snapshot of the catalog (taken *before* the listing, so a package
       that becomes ready meanwhile is never taken for one removed elsewhere);
    2. one listing of ``packages/`` (only listings: an unchanged manifest is
       known by its ETag and never fetched);
    3. manifests the catalog does not hold (or holds with another ETag) are
       fetched in parallel and written in, a batch per transaction, so a
       refresh cut short keeps what it wrote and the next one does the rest;
    4. ready packages whose manifest is gone were removed elsewhere: their rows go;
    5. ready packages this desktop stored before manifests existed are
       published once (backfill) when all their files are in the store.

A manifest that cannot be read is reported with its key and skipped; it
never stops the refresh. The store is the team's record: the refresh never
deletes or changes anything in it but the backfilled manifests.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from veripost_desktop.core.catalog import Catalog, PackageStatus
from veripost_desktop.core.catalog.synced_packages import (
    CatalogEntry,
    catalog_entries,
    set_manifest_etag,
    write_manifests,
)
from veripost_desktop.core.errors import ErrorCode, UserError, VeriPostError, as_user_error
from veripost_desktop.core.storage.object_store import PACKAGES_PREFIX, ObjectInfo, ObjectStore
from veripost_desktop.core.team.manifest import (
    PackageManifest,
    package_id_of_manifest,
    parse_manifest,
)
from veripost_desktop.core.team.publishing import publish

log = logging.getLogger(__name__)

# Manifests fetched at once (small GETs: latency, not bandwidth, is the cost).
FETCH_WORKERS = 8
# Manifests written into the catalog per transaction.
WRITE_BATCH = 500

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RefreshError:
    key: str
    code: str
    message: str
    detail: str = ""

    def to_json(self) -> dict[str, str]:
        return {"key": self.key, "code": self.code, "message": self.message}


@dataclass
class RefreshReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    published: int = 0  # packages of this desktop published for the first time (backfill)
    errors: list[RefreshError] = field(default_factory=list)
    # Packages of this catalog that could not be published (their files are
    # not in this store): reported, not counted as unreadable manifests.
    not_published: list[RefreshError] = field(default_factory=list)
    added_ids: list[str] = field(default_factory=list)
    removed_ids: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        text = (
            f"{self.added} added, {self.removed} removed, {self.unchanged} unchanged"
            + (f", {self.updated} updated" if self.updated else "")
            + (f", {self.published} published" if self.published else "")
        )
        if self.errors:
            text += f"; {len(self.errors)} could not be read"
        if self.not_published:
            text += f"; {len(self.not_published)} of this catalog not in this store"
        return text

    def to_json(self) -> dict[str, object]:
        return {
            "added": self.added,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "updated": self.updated,
            "published": self.published,
            "errors": [e.to_json() for e in self.errors],
            "not_published": [e.to_json() for e in self.not_published],
        }


def refresh_catalog(
    catalog: Catalog,
    store: ObjectStore,
    *,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> RefreshReport:
    report = RefreshReport()
    before = catalog_entries(catalog)
    manifests: dict[str, ObjectInfo] = {}  # package id -> its manifest object
    objects: dict[str, dict[str, int]] = defaultdict(dict)  # package id -> {key: size}
    for info in store.list_objects(PACKAGES_PREFIX):
        package_id = package_id_of_manifest(info.key)
        if package_id is not None:
            manifests[package_id] = info
        else:
            parts = info.key.split("/", 2)
            if len(parts) == 3:
                objects[parts[1]][info.key] = info.size

    to_fetch: list[ObjectInfo] = []
    for package_id, info in manifests.items():
        entry = before.get(package_id)
        if entry is None:
            to_fetch.append(info)
        elif entry.status is not PackageStatus.READY:
            # This desktop is ingesting it (or it failed here): its own run
            # writes the row; nothing to take from the store.
            report.unchanged += 1
        elif entry.manifest_etag is not None and entry.manifest_etag == info.etag:
            report.unchanged += 1
        elif entry.manifest_etag is None:
            # Ours, stored before manifests existed, published by another
            # process since: take its ETag, the rows are already right.
            set_manifest_etag(catalog, package_id, info.etag or "")
            report.unchanged += 1
        else:
            to_fetch.append(info)  # rewritten elsewhere: read it again

    _fetch_and_write(catalog, store, to_fetch, before, report, progress, cancel)

    # Removed elsewhere: published here once (an ETag recorded), ready, and
    # no manifest any more. Rows only: leftover objects are gc's to remove.
    gone = [
        package_id
        for package_id, entry in before.items()
        if entry.status is PackageStatus.READY
        and entry.manifest_etag is not None
        and package_id not in manifests
    ]
    if gone:
        catalog.delete_packages(gone)
        report.removed = len(gone)
        report.removed_ids = gone

    _backfill(catalog, store, before, manifests, objects, report)
    log.info("refresh of %s: %s", store.description, report.summary())
    return report


def _fetch_and_write(
    catalog: Catalog,
    store: ObjectStore,
    infos: list[ObjectInfo],
    before: dict[str, CatalogEntry],
    report: RefreshReport,
    progress: Progress | None,
    cancel: Callable[[], bool] | None,
) -> None:
    if not infos:
        return

    def fetch(info: ObjectInfo) -> tuple[ObjectInfo, PackageManifest | None, UserError | None]:
        if cancel is not None and cancel():
            return info, None, None
        try:
            data = store.get_bytes(info.key)
            if data is None:  # removed between the listing and now
                return info, None, None
            return info, parse_manifest(data, info.key), None
        except VeriPostError as exc:
            if exc.code == ErrorCode.STORAGE_UNAVAILABLE:
                raise
            return info, None, exc.error
        except Exception as exc:  # noqa: BLE001 - one bad manifest never stops a refresh
            return info, None, as_user_error(exc)

    batch: list[tuple[PackageManifest, str]] = []
    done = 0

    def flush() -> None:
        write_manifests(catalog, batch)
        for manifest, _etag in batch:
            if manifest.package_id in before:
                report.updated += 1
            else:
                report.added += 1
                report.added_ids.append(manifest.package_id)
        batch.clear()

    with ThreadPoolExecutor(FETCH_WORKERS, thread_name_prefix="refresh") as pool:
        for info, manifest, error in pool.map(fetch, infos):
            done += 1
            if error is not None:
                log.warning("skipped manifest %s: %s (%s)", info.key, error.code, error.detail)
                report.errors.append(
                    RefreshError(info.key, error.code, error.message, error.detail)
                )
            elif manifest is not None:
                batch.append((manifest, info.etag or ""))
                if len(batch) >= WRITE_BATCH:
                    flush()
            if progress is not None:
                progress(done, len(infos))
    flush()


def _backfill(
    catalog: Catalog,
    store: ObjectStore,
    before: dict[str, CatalogEntry],
    manifests: dict[str, ObjectInfo],
    objects: dict[str, dict[str, int]],
    report: RefreshReport,
) -> None:
    for package_id, entry in before.items():
        if (
            entry.status is not PackageStatus.READY
            or entry.manifest_etag is not None
            or package_id in manifests
        ):
            continue
        stored = objects.get(package_id, {})
        files = catalog.list_files(package_id)
        missing = [f.filename for f in files if stored.get(f.object_key) != f.size_bytes]
        if missing or not files:
            report.not_published.append(
                RefreshError(
                    f"packages/{package_id}/",
                    ErrorCode.FILES_NOT_IN_STORE,
                    "A package of this catalog is not in this store, so the team cannot see it.",
                    f"package {package_id}: not in {store.description}: {', '.join(missing)}",
                )
            )
            continue
        try:
            info = publish(catalog, store, package_id)
        except VeriPostError as exc:
            if exc.code == ErrorCode.STORAGE_UNAVAILABLE:
                raise
            report.not_published.append(
                RefreshError(f"packages/{package_id}/", exc.code, exc.message, exc.detail)
            )
            continue
        set_manifest_etag(catalog, package_id, info.etag or "")
        report.published += 1


def published_ids(store: ObjectStore) -> Iterable[str]:
    """Package ids that have a manifest in ``store``."""
    for info in store.list_objects(PACKAGES_PREFIX):
        package_id = package_id_of_manifest(info.key)
        if package_id is not None:
            yield package_id
