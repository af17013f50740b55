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
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime

from veripost_desktop.core.catalog import Catalog, PackageStatus
from veripost_desktop.core.catalog.synced_packages import (
    CatalogEntry,
    catalog_entries,
    set_manifest_etag,
    write_manifests,
)
from veripost_desktop.core.errors import ErrorCode, UserError, VeriPostError, as_user_error
from veripost_desktop.core.storage.object_store import PACKAGES_PREFIX, ObjectInfo, ObjectStore
from veripost_desktop.core.team.change_marker import (
    FULL_REFRESH_EVERY,
    announce_change,
    marker_etag,
)
from veripost_desktop.core.team.manifest import (
    PackageManifest,
    package_id_of_manifest,
    parse_manifest,
)
from veripost_desktop.core.team.publishing import host_name, publish

log = logging.getLogger(__name__)

# Manifests fetched at once (small GETs: latency, not bandwidth, is the cost).
FETCH_WORKERS = 8
# Manifests written into the catalog per transaction.
WRITE_BATCH = 500

Progress = Callable[[int, int], None]

# What the catalog remembers of its last full refresh (catalog_info keys).
MARKER_SEEN_KEY = "refresh.marker_etag"
FULL_REFRESH_AT_KEY = "refresh.full_at"
UNPUBLISHED_KEY = "refresh.not_published"


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
    # False when the change marker showed nothing new and the store was not listed.
    listed: bool = True
    added_ids: list[str] = field(default_factory=list)
    updated_ids: list[str] = field(default_factory=list)
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
            "listed": self.listed,
        }


def refresh_catalog(
    catalog: Catalog,
    store: ObjectStore,
    *,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
    full: bool = False,
) -> RefreshReport:
    """Bring ``catalog`` in line with the manifests in ``store``.

    Unless ``full``, a refresh whose change marker (``change_marker.py``) is
    the one the last full refresh saw, within the hour, ends there: one
    request. Otherwise the store is listed and each manifest not yet held is
    fetched while the listing goes on."""
    report = RefreshReport()
    before = catalog_entries(catalog)
    unpublished = sum(
        1 for e in before.values() if e.status is PackageStatus.READY and e.manifest_etag is None
    )
    marker = marker_etag(store)
    if not full and _nothing_changed(catalog, marker, unpublished):
        report.unchanged = sum(1 for e in before.values() if e.manifest_etag is not None)
        report.listed = False
        return report

    manifests: dict[str, ObjectInfo] = {}  # package id -> its manifest object
    objects: dict[str, dict[str, int]] = defaultdict(dict)  # package id -> {key: size}
    with _Fetcher(catalog, store, before, report, progress, cancel) as fetcher:
        for info in store.list_objects(PACKAGES_PREFIX):
            package_id = package_id_of_manifest(info.key)
            if package_id is None:
                parts = info.key.split("/", 2)
                if len(parts) == 3:
                    objects[parts[1]][info.key] = info.size
                continue
            manifests[package_id] = info
            entry = before.get(package_id)
            if entry is None:
                fetcher.fetch(info)
            elif entry.status is not PackageStatus.READY:
                # This desktop is ingesting it (or it failed here): its own
                # run writes the row; nothing to take from the store.
                report.unchanged += 1
            elif entry.manifest_etag is not None and entry.manifest_etag == info.etag:
                report.unchanged += 1
            elif entry.manifest_etag is None:
                # Ours, stored before manifests existed, published by another
                # process since: take its ETag, the rows are already right.
                set_manifest_etag(catalog, package_id, info.etag or "")
                report.unchanged += 1
            else:
                fetcher.fetch(info)  # rewritten elsewhere: read it again

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
    if report.published:
        announce_change(store, "published", "(backfill)", catalog.uploaded_by or "", host_name())
        marker = marker_etag(store)
    catalog.set_info(MARKER_SEEN_KEY, marker or "")
    catalog.set_info(FULL_REFRESH_AT_KEY, datetime.now(UTC).isoformat())
    catalog.set_info(UNPUBLISHED_KEY, str(len(report.not_published)))
    log.info("refresh of %s: %s", store.description, report.summary())
    return report


def _nothing_changed(catalog: Catalog, marker: str | None, unpublished: int) -> bool:
    if marker is None or catalog.info(MARKER_SEEN_KEY) != marker:
        return False
    if str(unpublished) != (catalog.info(UNPUBLISHED_KEY) or "0"):
        return False  # packages to publish (backfill) since the last full refresh
    try:
        last = datetime.fromisoformat(catalog.info(FULL_REFRESH_AT_KEY) or "")
    except ValueError:
        return False
    return datetime.now(UTC) - last < FULL_REFRESH_EVERY


class _Fetcher:
    """Fetches manifests on a few threads while the listing goes on, and
    writes them into the catalog a batch per transaction."""

    def __init__(
        self,
        catalog: Catalog,
        store: ObjectStore,
        before: dict[str, CatalogEntry],
        report: RefreshReport,
        progress: Progress | None,
        cancel: Callable[[], bool] | None,
    ) -> None:
        self._catalog, self._store, self._before = catalog, store, before
        self._report, self._progress, self._cancel = report, progress, cancel
        self._pool = ThreadPoolExecutor(FETCH_WORKERS, thread_name_prefix="refresh")
        self._futures: list[Future[tuple[ObjectInfo, PackageManifest | None, UserError | None]]]
        self._futures = []
        self._batch: list[tuple[PackageManifest, str]] = []
        self._done = 0

    def __enter__(self) -> _Fetcher:
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        try:
            if exc_type is None:
                for future in as_completed(self._futures):
                    self._take(*future.result())
                self._flush()
        finally:
            for future in self._futures:
                future.cancel()
            self._pool.shutdown(wait=True)

    def fetch(self, info: ObjectInfo) -> None:
        self._futures.append(self._pool.submit(self._get, info))

    def _get(self, info: ObjectInfo) -> tuple[ObjectInfo, PackageManifest | None, UserError | None]:
        if self._cancel is not None and self._cancel():
            return info, None, None
        try:
            data = self._store.get_bytes(info.key)
            if data is None:  # removed between the listing and now
                return info, None, None
            return info, parse_manifest(data, info.key), None
        except VeriPostError as exc:
            if exc.code == ErrorCode.STORAGE_UNAVAILABLE:
                raise
            return info, None, exc.error
        except Exception as exc:  # noqa: BLE001 - one bad manifest never stops a refresh
            return info, None, as_user_error(exc)

    def _take(
        self, info: ObjectInfo, manifest: PackageManifest | None, error: UserError | None
    ) -> None:
        self._done += 1
        if error is not None:
            log.warning("skipped manifest %s: %s (%s)", info.key, error.code, error.detail)
            self._report.errors.append(
                RefreshError(info.key, error.code, error.message, error.detail)
            )
        elif manifest is not None:
            self._batch.append((manifest, info.etag or ""))
            if len(self._batch) >= WRITE_BATCH:
                self._flush()
        if self._progress is not None:
            self._progress(self._done, len(self._futures))

    def _flush(self) -> None:
        write_manifests(self._catalog, self._batch)
        for manifest, _etag in self._batch:
            if manifest.package_id in self._before:
                self._report.updated += 1
                self._report.updated_ids.append(manifest.package_id)
            else:
                self._report.added += 1
                self._report.added_ids.append(manifest.package_id)
        self._batch.clear()


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
