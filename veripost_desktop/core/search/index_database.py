"""The search index's own SQLite file, beside the catalog
(``catalog.sqlite3`` -> ``catalog-search.sqlite3``), with its own write
connection (issue 14: ingestion with the index no more than 10% slower).

Why a file of its own: SQLite has one write lock per database file, and
every ingestion worker queues for the catalog's. Writing a package's index
(thousands of lines, and now and then a fold of the pending postings) inside
that lock made every other worker wait for it. In a file of its own it has a
lock of its own: one worker writes its package's index while another records
its sections in the catalog.

How the two files stay one catalog:

- Every read connection of the catalog ``ATTACH``es this file as ``search``
  (``core/catalog/database.py``), so a search joins the index's tables to
  ``packages`` in one statement, and only ``ready`` packages answer.
- The index is derived data: everything in it is read again from storage
  when missing. ``search_packages`` says which package (and which job of
  it) the index holds; a ready package without its row is read again by
  the background pass (``core/team/source_reading.py``), and what no
  search reads is pruned there too (``Catalog.prune_search_index``): rows of
  packages the catalog no longer has, of packages that ended in error, and
  readings by a job that is not the package's.
- The schema is versioned with ``PRAGMA user_version``, not Alembic. A file
  of an older version is upgraded in place when ``_UPGRADES`` knows the way
  (a team's thousands of packages are not read again for a change of
  layout); one of any other version is emptied and rebuilt (by that same
  background pass), which for derived data is the whole migration.

Tables (see ``index_writer.py`` for how they are written and why):
``search_texts`` + ``search_fts`` (each distinct line once, and an FTS5
trigram index over them), ``search_files``, ``search_postings``,
``search_text_uses``, ``search_pending_files``, ``search_packages``, and
``search_info`` (counters: ``text_id_cache.REMOVALS_KEY``).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, Engine, Index, Integer, LargeBinary, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from veripost_desktop.core.errors import ErrorCode, VeriPostError

log = logging.getLogger(__name__)

# Raise when the tables change: a file of another version is rebuilt, unless
# ``_UPGRADES`` knows the way from it.
SCHEMA_VERSION = 2
ATTACHED_AS = "search"


def index_path(catalog_path: Path) -> Path:
    """``.../catalog.sqlite3`` -> ``.../catalog-search.sqlite3``."""
    return catalog_path.with_name(f"{catalog_path.stem}-search{catalog_path.suffix}")


def remove_index_files(path: Path) -> None:
    """Remove the index file and its WAL and shared-memory files (derived
    data: the background pass reads every package into a new one)."""
    for side in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            side.unlink(missing_ok=True)
        except OSError as exc:  # Windows: another process has it open
            raise VeriPostError(
                ErrorCode.CATALOG_DAMAGED,
                "The search index needs to be rebuilt, but its file is in use. Close other "
                "VeriPost windows and commands, then try again.",
                f"{side}: {exc}",
            ) from exc


class SearchBase(DeclarativeBase):
    """The index file's tables (not the catalog's ``Base``: not Alembic's)."""


class SearchInfoRow(SearchBase):
    __tablename__ = "search_info"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SearchPackageRow(SearchBase):
    """A package whose reading is in the index, and the job that read it."""

    __tablename__ = "search_packages"

    package_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    job_id: Mapped[str] = mapped_column(String(36))


class SearchTextRow(SearchBase):
    """A distinct line of text, once for the whole index. ``search_fts``
    indexes these."""

    __tablename__ = "search_texts"
    __table_args__ = (Index("ix_search_texts_text", "text", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    text: Mapped[str] = mapped_column(Text)


class SearchTextUseRow(SearchBase):
    """How many indexed lines of files of one type hold a text: a search's
    total without reading the lines."""

    __tablename__ = "search_text_uses"
    __table_args__ = {"sqlite_with_rowid": False}

    text_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    extension: Mapped[str] = mapped_column(String(16), primary_key=True)
    uses: Mapped[int] = mapped_column(Integer)


class SearchFileRow(SearchBase):
    """A text file of a package in the search index. ``lines`` holds the
    text id of each line (``array('I')``, little-endian); ``sections`` is
    JSON ``[[first line index, key, active], ...]``."""

    __tablename__ = "search_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    package_id: Mapped[str] = mapped_column(String(36), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    extension: Mapped[str] = mapped_column(String(16))
    line_count: Mapped[int] = mapped_column(Integer)
    sections: Mapped[str] = mapped_column(Text)
    lines: Mapped[bytes] = mapped_column(LargeBinary)


class SearchPostingRow(SearchBase):
    """How many lines of one file hold one text."""

    __tablename__ = "search_postings"
    __table_args__ = {"sqlite_with_rowid": False}

    text_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)


class SearchPendingFileRow(SearchBase):
    """The postings of a file not yet folded into ``search_postings`` and
    ``search_text_uses``: one row a file, its postings as one JSON array of
    numbers ``text_id << 32 | hits`` (SQLite's ``json_each`` reads them; one
    row a posting cost the write a B-tree insert each). ``postings_count``
    comes before the text, so counting reads no overflow page."""

    __tablename__ = "search_pending_files"

    file_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    postings_count: Mapped[int] = mapped_column(Integer)
    postings: Mapped[str] = mapped_column(Text)


_FTS = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(text, content='search_texts', "
    "content_rowid='id', tokenize='trigram', detail='none', columnsize=0)"
)


# Version 1 kept one row a pending posting in ``search_pending``; version 2
# keeps one row a file (``search_pending_files``). The same postings, so the
# index is kept: nothing to read from storage again.
_PENDING_AS_FILES = (
    "INSERT INTO {target}search_pending_files (file_id, postings_count, postings) "
    "SELECT file_id, count(*), "
    "json_group_array(CASE WHEN hits = 1 THEN text_id ELSE (text_id << 32) | hits END) "
    "FROM {source}search_pending GROUP BY file_id ORDER BY file_id"
)


def _upgrade_from_1(conn: Connection) -> None:
    SearchPendingFileRow.__table__.create(conn)  # type: ignore[attr-defined]
    conn.exec_driver_sql(_PENDING_AS_FILES.format(target="", source=""))
    conn.exec_driver_sql("DROP TABLE search_pending")


_UPGRADES: dict[int, Callable[[Connection], None]] = {1: _upgrade_from_1}


def ensure_schema(engine: Engine, path: Path) -> None:
    """Create the tables, upgrade them from an older version that
    ``_UPGRADES`` knows, or empty and recreate them when the file holds
    another version (or no index at all)."""
    with engine.begin() as conn:
        version = conn.exec_driver_sql("PRAGMA user_version").scalar()
        while isinstance(version, int) and version in _UPGRADES:
            log.info("search index %s: upgrading it from version %s", path, version)
            _UPGRADES[version](conn)
            version += 1
            conn.exec_driver_sql(f"PRAGMA user_version = {version}")
        if version == SCHEMA_VERSION:
            # Read the small tables' pages: a damaged file fails here, at open.
            conn.exec_driver_sql("SELECT count(*) FROM search_packages").scalar()
            conn.exec_driver_sql("SELECT count(*) FROM search_files").scalar()
            return
        names = [
            row[0]
            for row in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search_fts_%'"
            )
        ]
        if names:
            log.info("search index %s is version %s: rebuilding it", path, version)
        for name in names:  # search_fts takes its shadow tables with it
            conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{name}"')
        SearchBase.metadata.create_all(conn)
        conn.execute(text(_FTS))
        conn.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")


# The catalog's search tables at migration 0009, the layout before this file,
# and their columns here (search_files lost only its foreign key).
_CARRIED = {
    "search_texts": "id, text",
    "search_text_uses": "text_id, extension, uses",
    "search_files": "id, package_id, filename, extension, line_count, sections, lines",
    "search_postings": "text_id, file_id, hits",
}


def carry_over(catalog_path: Path, path: Path, *, reading_version: int) -> int:
    """Copy the index a catalog at migration 0009 holds into the empty index
    file at ``path`` (before migration 0010 drops it), so an upgrade does not
    read every package from storage again. Packages the catalog read at
    ``reading_version`` or later are the ones it indexed. Returns how many
    packages were carried; 0 when the index file already holds some."""
    db = sqlite3.connect(catalog_path, isolation_level=None)
    try:
        db.execute(f"ATTACH DATABASE ? AS {ATTACHED_AS}", (str(path),))
        db.execute("BEGIN")
        if db.execute(f"SELECT count(*) FROM {ATTACHED_AS}.search_packages").fetchone()[0]:
            db.execute("ROLLBACK")
            return 0
        for table, columns in _CARRIED.items():
            db.execute(
                f"INSERT INTO {ATTACHED_AS}.{table} ({columns}) SELECT {columns} FROM main.{table}"
            )
        db.execute(_PENDING_AS_FILES.format(target=f"{ATTACHED_AS}.", source="main."))
        carried = db.execute(
            f"INSERT INTO {ATTACHED_AS}.search_packages (package_id, job_id) "
            "SELECT id, job_id FROM main.packages WHERE reading_version >= ?",
            (reading_version,),
        ).rowcount
        db.execute(
            f"INSERT INTO {ATTACHED_AS}.search_info (key, value) "
            "SELECT key, value FROM main.catalog_info WHERE key = 'search_text_removals'"
        )
        db.execute(f"INSERT INTO {ATTACHED_AS}.search_fts (search_fts) VALUES ('rebuild')")
        db.execute("COMMIT")
    finally:
        db.close()
    log.info("search index: %d package(s) carried over from the catalog to %s", carried, path)
    return int(carried)
