"""Opening the SQLite file: engines, pragmas and start-up migrations.

Threading model: one process may run many ingestion workers, and a second
window or a CLI batch may use the same file. SQLite in WAL mode lets readers
proceed while one writer writes. Two engines share the file:

- the *read* engine opens ordinary deferred transactions;
- the *write* engine opens every transaction with ``BEGIN IMMEDIATE``, so a
  writer takes the write lock up front and waits for it (``busy_timeout``)
  instead of failing with "database is locked" when a read transaction tries
  to upgrade after another writer committed.

Each operation uses one short session (TagStudio's shape) so locks are held
for milliseconds. The pool is the default QueuePool with
``check_same_thread=False`` because a pooled connection may be handed to
another worker thread after it is returned; no connection is ever used by two
threads at once.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DatabaseError

from veripost_desktop.core.search.index_database import (
    ATTACHED_AS,
    carry_over,
    ensure_schema,
    index_path,
    remove_index_files,
)

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 30_000
# Migration 0010 moved the search index out of the catalog, into its own file.
LAST_REVISION_WITH_SEARCH_TABLES = "0009"
# Packages read at this reading version or later were indexed (catalog.py's
# READING_VERSION: 2 added the search index).
FIRST_INDEXED_READING = 2
# SQLite's "this is not a database I can read" result codes.
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


# WAL pages after which a commit copies the WAL into the file (SQLite's
# default: 1,000). A package's search postings touch pages all over their
# table; copying once per many packages copies each page once, not once each.
WAL_CHECKPOINT_PAGES = 16_384


# The write engine's one connection keeps this much of the file in its page
# cache (KiB; SQLite's default is 2,000): the search index's text look-ups
# and folds read the same pages package after package.
WRITE_CACHE_KIB = 65_536


def _make_engine(path: Path, *, immediate: bool, attach: Path | None = None) -> Engine:
    if immediate:
        # One write connection per process. Only one writer can hold the
        # file's write lock anyway; queueing in-process writers on the pool
        # (as long as SQLite's busy timeout) instead of on the lock keeps one
        # page cache warm. With several connections, every commit of one made
        # the others drop their whole cache and read the pages again.
        pool: dict[str, Any] = {
            "pool_size": 1,
            "max_overflow": 0,
            "pool_timeout": BUSY_TIMEOUT_MS / 1000,
        }
    else:
        pool = {"pool_size": 8, "max_overflow": 24}
    engine = create_engine(
        f"sqlite:///{path.as_posix()}",
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        **pool,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if attach is not None:
            # Outside any transaction, before the pool hands the connection out.
            cur.execute(f"ATTACH DATABASE ? AS {ATTACHED_AS}", (str(attach),))
        if immediate:
            cur.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_PAGES}")
            cur.execute(f"PRAGMA cache_size=-{WRITE_CACHE_KIB}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _backup_copy(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API: it includes what is
    still in the WAL file, which a plain file copy would miss."""
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def migrate(engine: Engine, path: Path) -> str | None:
    """Bring the schema to head. Before changing an existing catalog, copy the
    file aside (``catalog.sqlite3.bak-<rev>-<time>``) so a failed upgrade can
    be undone by hand. Returns the backup path, if one was made."""
    head = head_revision()
    current = current_revision(engine)
    if current == head:
        return None
    backup: str | None = None
    if current is not None and path.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        target = path.with_name(f"{path.name}.bak-{current}-{stamp}")
        _backup_copy(path, target)
        backup = str(target)
        log.info("catalog backed up to %s before migrating %s -> %s", target, current, head)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    log.info("catalog schema at %s", head)
    return backup


@dataclass(frozen=True)
class Engines:
    """The catalog file's read and write engines, and the search index
    file's write engine (``core/search/index_database.py``). Every read
    connection has the index attached, so one query reads both files."""

    read: Engine
    write: Engine
    index_write: Engine
    index_path: Path

    def dispose(self) -> None:
        for engine in (self.read, self.write, self.index_write):
            engine.dispose()


def open_engines(path: Path) -> Engines:
    """The engines of the catalog at ``path`` and its search index, both
    brought to the current schema."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_engine = _make_engine(path, immediate=True)
    search_path = index_path(path)
    try:
        index_engine = _open_index(search_path)
    except BaseException:
        write_engine.dispose()
        raise
    try:
        if current_revision(write_engine) == LAST_REVISION_WITH_SEARCH_TABLES:
            _carry_over_index(path, search_path)
        migrate(write_engine, path)
    except BaseException:
        # Close the files before anyone moves them aside (Windows refuses to move an open file).
        write_engine.dispose()
        index_engine.dispose()
        raise
    read_engine = _make_engine(path, immediate=False, attach=search_path)
    return Engines(read_engine, write_engine, index_engine, search_path)


def _carry_over_index(path: Path, search_path: Path) -> None:
    """Before migration 0010 drops the catalog's search tables: copy them
    into the index file. Should that fail, the packages are read again from
    storage instead (the index is derived data), so the upgrade goes on."""
    try:
        carry_over(path, search_path, reading_version=FIRST_INDEXED_READING)
    except sqlite3.Error as exc:
        log.warning("search index not carried over (%s); packages will be read again", exc)


def make_index_write_engine(path: Path) -> Engine:
    """A write engine on an existing search index file, for another process
    that writes it (a parse process: ``core/ingestion/parse_and_index.py``)."""
    return _make_engine(path, immediate=True)


def _open_index(path: Path) -> Engine:
    """The index file's write engine. A file SQLite cannot read is removed
    and made anew: the index is rebuilt from storage, the catalog is kept."""
    engine = _make_engine(path, immediate=True)
    try:
        ensure_schema(engine, path)
        return engine
    except DatabaseError as exc:
        engine.dispose()
        if not is_damage(exc):
            raise
        log.error("search index %s is damaged (%s); making it anew", path, exc.orig)
    remove_index_files(path)
    engine = _make_engine(path, immediate=True)
    try:
        ensure_schema(engine, path)
    except BaseException:
        engine.dispose()
        raise
    return engine


def is_damage(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite saying the file is not a database it can read."""
    orig = getattr(exc, "orig", exc)
    if not isinstance(orig, sqlite3.DatabaseError):
        return False
    code = getattr(orig, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    text = str(orig).lower()
    return "malformed" in text or "not a database" in text
