"""Reading stored posts again, from storage: the background pass that gives
every ready package the current reading (sections, hashes, search index).

Packages another desktop uploaded arrive from their manifests with counts but
no sections; packages stored before a reading gained something (an index, a
hash) hold an older one. Both have ``reading_version`` below
``READING_VERSION``; a package the search index file lacks (a new or rebuilt
file: ``core/search/index_database.py``) is read again too. This pass reads
their text files from the store, each checked by SHA-256 against the
catalog, parses them exactly as the ingestion's parsing step does
(``analyse_package``), and records the reading. A package whose files cannot
be read is skipped and reported; it is tried again at the next pass. What
the search index holds that no search reads (packages the catalog no longer
has, or that ended in error; readings of a superseded job) is removed first
(``Catalog.prune_search_index``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from veripost_desktop.core.catalog import Catalog, PackageStatus
from veripost_desktop.core.catalog.catalog import READING_VERSION
from veripost_desktop.core.catalog.models import PackageRow
from veripost_desktop.core.downloads import read_verified
from veripost_desktop.core.errors import ErrorCode, UserError, VeriPostError, as_user_error
from veripost_desktop.core.search.index_database import SearchPackageRow
from veripost_desktop.core.storage.object_store import ObjectStore
from veripost_desktop.core.upg.package_analysis import analyse_package
from veripost_desktop.core.upg.zip_package import is_parsed

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


@dataclass
class ReadingReport:
    read_ids: list[str] = field(default_factory=list)
    failed: list[tuple[str, UserError]] = field(default_factory=list)
    # Packages still to read after this pass (a pass with a limit stops early).
    remaining: int = 0

    @property
    def read(self) -> int:
        return len(self.read_ids)

    def summary(self) -> str:
        text = f"{self.read} package(s) read from storage"
        if self.failed:
            text += f", {len(self.failed)} could not be read"
        return text


def packages_to_read(catalog: Catalog) -> list[str]:
    """Ready packages whose reading is missing or older than READING_VERSION,
    or whose current job's reading the search index lacks (its own file:
    new, rebuilt, or a process stopped between the catalog's write and its)."""
    indexed = exists().where(
        SearchPackageRow.package_id == PackageRow.id, SearchPackageRow.job_id == PackageRow.job_id
    )
    stmt = (
        select(PackageRow.id)
        .where(
            PackageRow.status == PackageStatus.READY.value,
            or_(
                PackageRow.reading_version.is_(None),
                PackageRow.reading_version < READING_VERSION,
                ~indexed,
            ),
        )
        .order_by(PackageRow.created_at)
    )
    with Session(catalog.read_engine) as session, session.begin():
        return list(session.scalars(stmt))


def read_package_from_store(
    catalog: Catalog,
    store: ObjectStore,
    package_id: str,
    cancel: Callable[[], bool] | None = None,
) -> bool:
    """Read one package's sources from storage and record the reading.
    Returns False when the package changed meanwhile (removed, retried)."""
    package = catalog.get_package(package_id)
    files: dict[str, bytes] = {}
    for record in catalog.list_files(package_id):
        parse = is_parsed(record.extension, record.size_bytes)
        files[record.filename] = read_verified(store, record, cancel) if parse else b""
    analysis = analyse_package(files)
    return catalog.record_analysis(package_id, package.job_id, analysis)


def read_outdated_packages(
    catalog: Catalog,
    store: ObjectStore,
    *,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
    limit: int | None = None,
    skip: frozenset[str] = frozenset(),
) -> ReadingReport:
    """Read every package that lacks the current reading (at most ``limit``,
    never those in ``skip``: ones that failed earlier in this session)."""
    report = ReadingReport()
    catalog.prune_search_index()
    waiting = [p for p in packages_to_read(catalog) if p not in skip]
    ids = waiting if limit is None else waiting[:limit]
    report.remaining = len(waiting) - len(ids)
    for done, package_id in enumerate(ids, start=1):
        if cancel is not None and cancel():
            report.remaining += len(ids) - done + 1
            break
        try:
            if read_package_from_store(catalog, store, package_id, cancel):
                report.read_ids.append(package_id)
        except VeriPostError as exc:
            if exc.code in (ErrorCode.STORAGE_UNAVAILABLE, ErrorCode.CANCELLED):
                raise
            if exc.code != ErrorCode.PACKAGE_NOT_FOUND:  # removed meanwhile: nothing to read
                log.warning("could not read package %s: %s (%s)", package_id, exc.code, exc.detail)
                report.failed.append((package_id, exc.error))
        except Exception as exc:  # noqa: BLE001 - one bad package never stops the pass
            log.exception("could not read package %s", package_id)
            report.failed.append((package_id, as_user_error(exc)))
        if progress is not None:
            progress(done, len(ids))
    return report
