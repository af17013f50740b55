"""The catalog: every read and write of packages and files goes through here.

Each method is one short session; what comes out are immutable records.
Status writes name the job that makes them: a write from a job that is no
longer the package's current job (a superseded retry, a cancelled run) is
ignored, so a late worker can never overwrite a newer attempt.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, exists, func, select, update
from sqlalchemy.orm import Session

from veripost_desktop.core.catalog.checkpointer import WalCheckpointer
from veripost_desktop.core.catalog.database import open_engines
from veripost_desktop.core.catalog.models import (
    Base,
    CatalogInfoRow,
    LibraryRefRow,
    PackageFileRow,
    PackageRow,
    SectionRow,
    WarningRow,
    utcnow,
)
from veripost_desktop.core.catalog.records import (
    FileRecord,
    LibraryRefRecord,
    PackageRecord,
    PackageStatus,
    SectionRecord,
    StoredFile,
    WarningRecord,
)
from veripost_desktop.core.catalog.section_hashes import (
    MatchCounts,
    delete_section_hashes,
    match_counts,
    write_section_hashes,
)
from veripost_desktop.core.errors import ErrorCode, UserError, VeriPostError
from veripost_desktop.core.search.idle_folding import IdleFolder
from veripost_desktop.core.search.index_database import SearchPackageRow
from veripost_desktop.core.search.index_writer import (
    PreparedIndex,
    delete_index,
    delete_job_index,
    prepare_index,
    write_package_index,
)
from veripost_desktop.core.search.text_id_cache import TextIdCache
from veripost_desktop.core.sqlite_upkeep import UpkeepThread
from veripost_desktop.core.storage.object_store import package_prefix
from veripost_desktop.core.upg import PackageAnalysis

log = logging.getLogger(__name__)

_PARSE_TABLES = (SectionRow, WarningRow, LibraryRefRow)

# What ``record_analysis`` writes of a post's reading. Raise it when the
# reading gains something (an index, a hash): every ready package recorded
# below it is read again from storage in the background
# (core/team/source_reading.py), so old and synced packages catch up.
# 2: the search index (issue 14) and the section hashes (issue 13).
READING_VERSION = 2


# PackageRecord's fields are the packages table's columns, name for name
# (tests/core/test_catalog.py holds them to it): a migration that adds a
# column adds the record field, and the copy below follows.
_PACKAGE_FIELDS = tuple(f.name for f in fields(PackageRecord) if f.name != "status")


def _package_record(row: Any) -> PackageRecord:
    """From an ORM ``PackageRow`` or a Core row of the packages table."""
    values = {name: getattr(row, name) for name in _PACKAGE_FIELDS}
    return PackageRecord(status=PackageStatus(row.status), **values)


def _file_record(row: Any) -> FileRecord:
    """From an ORM ``PackageFileRow`` or a Core row of the package_files table."""
    return FileRecord(
        id=row.id,
        package_id=row.package_id,
        filename=row.filename,
        extension=row.extension,
        object_key=row.object_key,
        size_bytes=row.size_bytes,
        sha256=row.sha256,
        created_at=row.created_at,
        sections_active=row.sections_active,
        sections_calc=row.sections_calc,
        sections_template=row.sections_template,
        sections_commented_out=row.sections_commented_out,
    )


class Catalog:
    def __init__(
        self,
        path: Path,
        owner_token: str | None = None,
        *,
        uploaded_by: str | None = None,
        uploaded_host: str | None = None,
    ) -> None:
        self.path = Path(path)
        # Stamped on every job this process starts (see core/process_lease.py).
        self.owner_token = owner_token
        # Stamped on every package this desktop adds (settings' user_name, host name).
        self.uploaded_by = uploaded_by
        self.uploaded_host = uploaded_host
        self._engines = open_engines(self.path)
        self._read_engine, self._write_engine = self._engines.read, self._engines.write
        # The search index's text ids met so far (see core/search/text_id_cache.py).
        self._text_ids = TextIdCache()
        # Threads of their own: WAL checkpoints of both files, folds of the
        # index's pending postings once it is idle (core/search/idle_folding.py).
        self._upkeep: list[UpkeepThread] = [
            WalCheckpointer(self.path),
            WalCheckpointer(self._engines.index_path),
            IdleFolder(self._engines.index_path),
        ]
        for thread in self._upkeep:
            thread.start()

    def close(self) -> None:
        for thread in self._upkeep:
            thread.stop()
        self._engines.dispose()

    @property
    def write_engine(self) -> Engine:
        return self._write_engine

    @property
    def read_engine(self) -> Engine:
        """Its connections have the search index attached (``core/search/index_database.py``)."""
        return self._read_engine

    @property
    def index_engine(self) -> Engine:
        """The search index file's write engine."""
        return self._engines.index_write

    @property
    def index_path(self) -> Path:
        return self._engines.index_path

    def probe(self) -> None:
        """Read the main tables' pages: a file cut short fails here, at open,
        rather than on the first query that happens to reach the damage."""
        with self._read() as session:
            session.execute(select(func.count()).select_from(PackageRow)).scalar()
            session.execute(select(func.count()).select_from(PackageFileRow)).scalar()

    # ---- what the catalog is about ------------------------------------------

    def info(self, key: str) -> str | None:
        with self._read() as session:
            row = session.get(CatalogInfoRow, key)
            return row.value if row is not None else None

    def set_info(self, key: str, value: str) -> None:
        with self._write() as session:
            session.merge(CatalogInfoRow(key=key, value=value))

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with Session(self._read_engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def _write(self) -> Iterator[Session]:
        with Session(self._write_engine, expire_on_commit=False) as session, session.begin():
            yield session

    # ---- creating and moving packages through their statuses -------------

    def create_package(
        self,
        name: str,
        source_path: Path | str,
        *,
        file_count: int = 0,
        total_bytes: int = 0,
    ) -> PackageRecord:
        return self.create_packages([(name, source_path, file_count, total_bytes)])[0]

    def create_packages(
        self, items: Iterable[tuple[str, Path | str, int, int]]
    ) -> list[PackageRecord]:
        """Several ``pending`` rows in one transaction: (name, source_path,
        file_count, total_bytes) each. A drop of 200 ZIPs takes the write lock
        once instead of 200 times."""
        rows = []
        # One timestamp per drop, a microsecond apart: "Added" order (and the
        # catalog's list order) is the order the ZIPs were dropped in.
        now = utcnow()
        for i, (name, source_path, file_count, total_bytes) in enumerate(items):
            package_id = str(uuid.uuid4())
            stamp = now + timedelta(microseconds=i)
            rows.append(
                PackageRow(
                    id=package_id,
                    name=name,
                    status=PackageStatus.PENDING.value,
                    file_count=file_count,
                    total_bytes=total_bytes,
                    source_path=str(source_path),
                    storage_prefix=package_prefix(package_id),
                    job_id=str(uuid.uuid4()),
                    owner_token=self.owner_token,
                    uploaded_by=self.uploaded_by,
                    uploaded_host=self.uploaded_host,
                    created_at=stamp,
                    updated_at=stamp,
                )
            )
        with self._write() as session:
            session.add_all(rows)
            session.flush()
            return [_package_record(r) for r in rows]

    def start_new_job(self, package_id: str) -> PackageRecord:
        """A fresh ingestion attempt (retry): new job id, back to pending."""
        with self._write() as session:
            row = session.get(PackageRow, package_id)
            if row is None:
                raise _not_found(package_id)
            row.job_id = str(uuid.uuid4())
            row.owner_token = self.owner_token
            row.uploaded_by, row.uploaded_host = self.uploaded_by, self.uploaded_host
            row.manifest_etag = None  # published again when this attempt is ready
            row.status = PackageStatus.PENDING.value
            row.updated_at = utcnow()
            row.error_code = row.error_message = row.error_detail = None
            return _package_record(row)

    def set_status(
        self, package_id: str, job_id: str, status: PackageStatus, **fields: object
    ) -> bool:
        """Move a package to ``status`` (and set ``fields``) if ``job_id`` is
        still its current job. Returns whether the write took effect."""
        values: dict[str, object] = {"status": status.value, "updated_at": utcnow(), **fields}
        with self._write() as session:
            result = session.execute(
                update(PackageRow)
                .where(PackageRow.id == package_id, PackageRow.job_id == job_id)
                .values(**values)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def mark_error(self, package_id: str, job_id: str, error: UserError) -> bool:
        return self.set_status(
            package_id,
            job_id,
            PackageStatus.ERROR,
            error_code=error.code,
            error_message=error.message,
            error_detail=error.detail,
        )

    def record_files(self, package_id: str, job_id: str, files: Iterable[StoredFile]) -> bool:
        """Replace the package's file rows with ``files`` in one transaction."""
        files = list(files)
        with self._write() as session:
            row = session.get(PackageRow, package_id)
            if row is None or row.job_id != job_id:
                return False
            session.execute(delete(PackageFileRow).where(PackageFileRow.package_id == package_id))
            session.add_all(
                PackageFileRow(
                    package_id=package_id,
                    filename=f.filename,
                    extension=f.extension,
                    object_key=f.object_key,
                    size_bytes=f.size_bytes,
                    sha256=f.sha256,
                )
                for f in files
            )
            row.file_count = len(files)
            row.total_bytes = sum(f.size_bytes for f in files)
            row.updated_at = utcnow()
            return True

    def record_analysis(
        self,
        package_id: str,
        job_id: str,
        analysis: PackageAnalysis,
        *,
        search_indexed: bool = False,
    ) -> bool:
        """Store what the parser read, replacing any earlier reading: the
        catalog's rows in one transaction, then the search index's in the
        index file's (``_index_package``), unless ``search_indexed``: the
        parse process wrote them already, for ``job_id``
        (``core/ingestion/parse_and_index.py``). False when the job is not
        the package's current one (its index then goes)."""
        # Before either write lock, which every ingestion waits for.
        search_texts = None
        if not search_indexed:
            search_texts = prepare_index(analysis.indexed_texts, self._text_ids)
        if not self._record_reading(package_id, job_id, analysis):
            if search_indexed:
                self._delete_job_index(package_id, job_id)
            return False
        if search_texts is not None:
            self._index_package(package_id, job_id, search_texts)
        return True

    def _record_reading(self, package_id: str, job_id: str, analysis: PackageAnalysis) -> bool:
        """The catalog's part of ``record_analysis``, in one transaction."""
        with self._write() as session:
            row = session.get(PackageRow, package_id)
            if row is None or row.job_id != job_id:
                return False
            for table in _PARSE_TABLES:
                session.execute(delete(table).where(table.package_id == package_id))
            row.section_count = analysis.section_count
            row.machine = analysis.machine
            row.controller = analysis.controller
            row.system = analysis.system
            row.post_name = analysis.post_name
            row.post_extension = analysis.post_extension
            row.warning_count = len(analysis.warnings)
            row.reading_version = READING_VERSION
            row.updated_at = utcnow()
            by_name = {f.filename: f for f in analysis.files if f.source is not None}
            for file_row in session.scalars(
                select(PackageFileRow).where(PackageFileRow.package_id == package_id)
            ):
                parsed = by_name.get(file_row.filename)
                if parsed is not None:
                    file_row.sections_active = parsed.active_count
                    file_row.sections_calc = parsed.calc_count
                    file_row.sections_template = parsed.template_count
                    file_row.sections_commented_out = parsed.commented_out_count
            # The driver's own executemany with plain tuples, not ORM objects
            # nor Core's per-row parameter processing: a large post has
            # thousands of sections, and the write lock is held while they go in.
            _insert_many(
                session,
                SectionRow,
                (
                    "package_id",
                    "filename",
                    "name",
                    "kind",
                    "params",
                    "first_line",
                    "last_line",
                    "active",
                ),
                [
                    (
                        package_id,
                        f.filename,
                        sec.name,
                        str(sec.kind),
                        sec.params,
                        sec.first_line,
                        sec.last_line,
                        sec.active,
                    )
                    for f in analysis.files
                    for sec in f.sections
                ],
            )
            _insert_many(
                session,
                WarningRow,
                ("package_id", "code", "text", "filename", "line"),
                [(package_id, str(w.code), w.text, w.filename, w.line) for w in analysis.warnings],
            )
            _insert_many(
                session,
                LibraryRefRow,
                (
                    "package_id",
                    "from_file",
                    "kind",
                    "raw",
                    "file_name",
                    "line",
                    "is_master",
                    "found",
                ),
                [
                    (
                        package_id,
                        ref.from_file,
                        str(ref.kind),
                        ref.raw,
                        ref.file_name,
                        ref.line,
                        ref.is_master,
                        ref.found,
                    )
                    for ref in analysis.library_refs
                ],
            )
            write_section_hashes(session.connection(), package_id, analysis.section_hashes)
        return True

    def _delete_job_index(self, package_id: str, job_id: str) -> None:
        """The package's index, if it is ``job_id``'s reading."""
        with self.index_engine.begin() as conn:
            delete_job_index(conn, package_id, job_id)

    def _index_package(self, package_id: str, job_id: str, prepared: PreparedIndex) -> None:
        """Write a recorded package's lines to the search index. The index
        has a file and a write lock of its own: the next worker records its
        package in the catalog meanwhile."""
        write_package_index(self.index_engine, package_id, job_id, prepared, self._text_ids)
        if self.find_package(package_id) is None:
            # Removed while its index was written: ``delete_packages`` cleared
            # the index before this write landed, so this one goes too.
            self.delete_search_index([package_id])

    def delete_search_index(self, package_ids: Sequence[str]) -> None:
        """The packages' lines leave the search index (their catalog rows stay)."""
        with self.index_engine.begin() as conn:
            delete_index(conn, package_ids)

    def clear_files(self, package_id: str) -> None:
        self.delete_search_index([package_id])
        with self._write() as session:
            session.execute(delete(PackageFileRow).where(PackageFileRow.package_id == package_id))
            for table in _PARSE_TABLES:
                session.execute(delete(table).where(table.package_id == package_id))
            delete_section_hashes(session.connection(), [package_id])

    def delete_package(self, package_id: str) -> None:
        self.delete_packages([package_id])

    def delete_packages(self, package_ids: Iterable[str]) -> None:
        """Several packages' rows, in one catalog transaction; their search
        index before and after it."""
        ids = list(package_ids)
        # The index first: a search never counts lines of a package the
        # catalog no longer has. Again after the catalog's rows: an index a
        # reading wrote in between goes too (one written later finds its
        # package gone and clears itself, in ``_index_package``).
        self.delete_search_index(ids)
        with self._write() as session:
            delete_package_rows(session, ids)
        self.delete_search_index(ids)

    def prune_search_index(self) -> int:
        """Remove what the search index holds that no search will read:
        packages the catalog no longer has (a process stopped between the two
        files' writes), readings by a job that is not the package's any more,
        and readings of packages that ended in error (a parse process that
        finished writing after its ingestion was cancelled or failed).
        Returns how many packages' index went."""
        orphans = select(SearchPackageRow.package_id).where(
            ~exists().where(PackageRow.id == SearchPackageRow.package_id)
        )
        stale = (
            select(SearchPackageRow.package_id, SearchPackageRow.job_id)
            .join(PackageRow, PackageRow.id == SearchPackageRow.package_id)
            .where(
                (PackageRow.job_id != SearchPackageRow.job_id)
                | (PackageRow.status == PackageStatus.ERROR.value)
            )
        )
        with self._read() as session:
            ids = list(session.scalars(orphans))
            readings = [(row[0], row[1]) for row in session.execute(stale)]
        if ids:
            log.info("search index: removing %d package(s) the catalog no longer has", len(ids))
            self.delete_search_index(ids)
        for package_id, job_id in readings:
            # Only if it is still that job's reading: a retry may have
            # written its own since.
            self._delete_job_index(package_id, job_id)
        if readings:
            log.info("search index: removing %d reading(s) no search reads", len(readings))
        return len(ids) + len(readings)

    # ---- reading ---------------------------------------------------------

    def section_match_counts(self, package_id: str) -> MatchCounts | None:
        """How every other ready package's section hashes meet this one's
        (``core/compare/similarity.py`` ranks them); None if it has none yet."""
        with self._read() as session:
            return match_counts(session.connection(), package_id)

    def find_by_zip_sha256(self, zip_sha256: str) -> list[PackageRecord]:
        stmt = select(PackageRow).where(PackageRow.zip_sha256 == zip_sha256)
        with self._read() as session:
            return [
                _package_record(r) for r in session.scalars(stmt.order_by(PackageRow.created_at))
            ]

    def get_package(self, package_id: str) -> PackageRecord:
        with self._read() as session:
            row = session.get(PackageRow, package_id)
            if row is None:
                raise _not_found(package_id)
            return _package_record(row)

    def find_package(self, package_id: str) -> PackageRecord | None:
        with self._read() as session:
            row = session.get(PackageRow, package_id)
            return _package_record(row) if row is not None else None

    def list_packages(
        self, *, statuses: Iterable[PackageStatus] | None = None
    ) -> list[PackageRecord]:
        # Core rows, not ORM objects: the window lists every package at start
        # and a catalog may hold tens of thousands.
        table = PackageRow.__table__
        stmt = select(table).order_by(table.c.created_at, table.c.id)
        if statuses is not None:
            stmt = stmt.where(table.c.status.in_([s.value for s in statuses]))
        with self._read() as session:
            return [_package_record(r) for r in session.execute(stmt)]

    def packages_by_id(self, package_ids: Iterable[str]) -> list[PackageRecord]:
        """The packages among ``package_ids`` that exist, in the catalog's list order."""
        ids = list(package_ids)
        table = PackageRow.__table__
        records: list[PackageRecord] = []
        with self._read() as session:
            for start in range(0, len(ids), 500):  # SQLite's bound-parameter limit
                stmt = select(table).where(table.c.id.in_(ids[start : start + 500]))
                records.extend(_package_record(r) for r in session.execute(stmt))
        records.sort(key=lambda r: (r.created_at, r.id))
        return records

    def count_packages(self) -> int:
        with self._read() as session:
            return int(session.scalar(select(func.count()).select_from(PackageRow)) or 0)

    def list_files(self, package_id: str) -> list[FileRecord]:
        # Core rows, not ORM objects: a generated package holds hundreds of
        # files, and publishing reads them all (see list_packages).
        table = PackageFileRow.__table__
        stmt = select(table).where(table.c.package_id == package_id).order_by(table.c.filename)
        with self._read() as session:
            return [_file_record(r) for r in session.execute(stmt)]

    def list_sections(self, package_id: str, filename: str | None = None) -> list[SectionRecord]:
        stmt = select(SectionRow).where(SectionRow.package_id == package_id)
        if filename is not None:
            stmt = stmt.where(SectionRow.filename == filename)
        stmt = stmt.order_by(SectionRow.filename, SectionRow.first_line)
        with self._read() as session:
            return [
                SectionRecord(
                    r.filename, r.name, r.kind, r.params, r.first_line, r.last_line, r.active
                )
                for r in session.scalars(stmt)
            ]

    def list_warnings(self, package_id: str) -> list[WarningRecord]:
        w = WarningRow
        stmt = (
            select(w.code, w.text, w.filename, w.line)
            .where(w.package_id == package_id)
            .order_by(w.id)
        )
        with self._read() as session:
            return [WarningRecord(*r) for r in session.execute(stmt)]

    def list_library_refs(self, package_id: str) -> list[LibraryRefRecord]:
        stmt = (
            select(LibraryRefRow)
            .where(LibraryRefRow.package_id == package_id)
            .order_by(LibraryRefRow.from_file, LibraryRefRow.line)
        )
        with self._read() as session:
            return [
                LibraryRefRecord(
                    r.from_file, r.kind, r.raw, r.file_name, r.line, r.is_master, r.found
                )
                for r in session.scalars(stmt)
            ]

    def get_file(self, package_id: str, filename: str) -> FileRecord:
        self.get_package(package_id)
        stmt = select(PackageFileRow).where(
            PackageFileRow.package_id == package_id, PackageFileRow.filename == filename
        )
        with self._read() as session:
            row = session.scalars(stmt).first()
            if row is None:
                # Windows users type names in any case: accept a unique case-insensitive match.
                matches = [
                    r
                    for r in session.scalars(
                        select(PackageFileRow).where(PackageFileRow.package_id == package_id)
                    )
                    if r.filename.casefold() == filename.casefold()
                ]
                row = matches[0] if len(matches) == 1 else None
            if row is None:
                raise VeriPostError(
                    ErrorCode.FILE_NOT_IN_PACKAGE,
                    f"The package has no file named {filename}.",
                    f"package {package_id}: no file {filename!r}",
                )
            return _file_record(row)


def delete_package_rows(session: Session, package_ids: Sequence[str]) -> None:
    """Every catalog row of these packages, every table, in the session's
    transaction; their search index is the caller's (``Catalog.delete_search_index``)."""
    for start in range(0, len(package_ids), 500):  # SQLite's bound-parameter limit
        chunk = list(package_ids[start : start + 500])
        delete_section_hashes(session.connection(), chunk)
        for table in (*_PARSE_TABLES, PackageFileRow):
            session.execute(delete(table).where(table.package_id.in_(chunk)))
        session.execute(delete(PackageRow).where(PackageRow.id.in_(chunk)))


def _not_found(package_id: str) -> VeriPostError:
    return VeriPostError(
        ErrorCode.PACKAGE_NOT_FOUND,
        "That package is not in the catalog.",
        f"no package with id {package_id!r}",
    )


def _insert_many(
    session: Session, model: type[Base], columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """``INSERT`` many rows through the driver's executemany in the session's transaction."""
    if not rows:
        return
    placeholders = ", ".join("?" * len(columns))
    session.connection().exec_driver_sql(
        f"INSERT INTO {model.__tablename__} ({', '.join(columns)}) VALUES ({placeholders})", rows
    )
