"""Folds the search index's pending postings in once the index is idle, on a
thread of its own (issue 14: ingestion with the index no more than 10%
slower).

A new package's postings wait in ``search_pending_files``; folding them
into the text-ordered tables (``index_writer.fold_pending``) costs about a
third of what indexing a package costs. Done by the write that crossed the
threshold, that work fell on the batch being ingested. Here it waits until
no process has written the index for ``IDLE_SECONDS`` (SQLite's
``PRAGMA data_version`` moves with every commit of another connection),
then folds if ``index_writer.FOLD_ROWS`` postings wait. The write path
still folds at ``MAX_PENDING_ROWS``, so a long import never lets the pending
postings, which every search reads in full, grow past that.

One thread per ``Catalog`` (every process that opens one: a CLI command's
too), on its own connection, closed by ``stop()`` before the file may move.
A fold that finds the index busy is left for the next idle moment.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path

from veripost_desktop.core.search import index_writer
from veripost_desktop.core.sqlite_upkeep import UpkeepThread

log = logging.getLogger(__name__)

# No commit from any other connection for this long: the index is idle...
IDLE_SECONDS = 2.0
# ...looked at this often.
POLL_SECONDS = 0.5
# How long a fold waits for another writer before it gives up for now.
BUSY_TIMEOUT_MS = 1_000


class IdleFolder(UpkeepThread):
    def __init__(
        self,
        path: Path,
        *,
        idle_seconds: float = IDLE_SECONDS,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        super().__init__(path, poll_seconds=poll_seconds, name="fold")
        self._idle_seconds = idle_seconds
        self._last_version: int | None = None
        self._changed_at = time.monotonic()
        self._looked_at: int | None = None  # the data version last found with nothing to fold

    def _connect(self) -> sqlite3.Connection:
        conn = super()._connect()
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        return conn

    def _tick(self) -> None:
        try:
            conn = self._connection()
            version = int(conn.execute("PRAGMA data_version").fetchone()[0])
            now = time.monotonic()
            if version != self._last_version:
                self._last_version, self._changed_at = version, now
                return
            if version == self._looked_at or now - self._changed_at < self._idle_seconds:
                return
            self._fold_if_due(conn)
            self._looked_at = version
        except sqlite3.Error as exc:  # busy, or the file went: the next idle moment
            log.info("search index %s not folded now: %s", self._path, exc)

    def _fold_if_due(self, conn: sqlite3.Connection) -> None:
        if index_writer.pending_postings(conn) < index_writer.FOLD_ROWS:
            return
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        try:
            moved = index_writer.fold_pending_raw(conn)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        log.info(
            "search index: %d pending postings folded in %.0f ms",
            moved,
            (time.perf_counter() - started) * 1000,
        )
