"""Folds the search index's pending postings in once the index is idle, on a
thread of its own (issue 14: ingestion with the index no more than 10%
slower).

A new package's postings are appended to ``search_pending``; folding them
into the text-ordered tables (``index_writer.fold_pending``) costs about a
third of what indexing a package costs. Done by the write that crossed the
threshold, that work fell on the batch being ingested. Here it waits until
no process has written the index for ``IDLE_SECONDS`` (SQLite's
``PRAGMA data_version`` moves with every commit of another connection),
then folds if ``index_writer.FOLD_ROWS`` rows are pending. The write path
still folds at ``MAX_PENDING_ROWS``, so a long import never lets the pending
rows, which every search reads in full, grow past that.

One thread per ``Catalog`` (every process that opens one: a CLI command's
too), on its own connection, closed by ``stop()`` before the file may move.
A fold that finds the index busy is left for the next idle moment.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path

from veripost_desktop.core.search import index_writer

log = logging.getLogger(__name__)

# No commit from any other connection for this long: the index is idle...
IDLE_SECONDS = 2.0
# ...looked at this often.
POLL_SECONDS = 0.5
# How long a fold waits for another writer before it gives up for now.
BUSY_TIMEOUT_MS = 1_000


class IdleFolder:
    def __init__(
        self,
        path: Path,
        *,
        idle_seconds: float = IDLE_SECONDS,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self._path = path
        self._idle_seconds = idle_seconds
        self._poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"fold {path.name}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop and close the connection (before the file may be moved on Windows)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        conn: sqlite3.Connection | None = None
        last_version: int | None = None
        changed_at = time.monotonic()
        looked_at: int | None = None  # the data version last found with nothing to fold
        try:
            while not self._stop.wait(self._poll_seconds):
                try:
                    if conn is None:
                        conn = sqlite3.connect(self._path, isolation_level=None)
                        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
                    version = int(conn.execute("PRAGMA data_version").fetchone()[0])
                    now = time.monotonic()
                    if version != last_version:
                        last_version, changed_at = version, now
                        continue
                    if version == looked_at or now - changed_at < self._idle_seconds:
                        continue
                    self._fold_if_due(conn)
                    looked_at = version
                except sqlite3.Error as exc:  # busy, or the file went: the next idle moment
                    log.info("search index %s not folded now: %s", self._path, exc)
        finally:
            if conn is not None:
                conn.close()

    def _fold_if_due(self, conn: sqlite3.Connection) -> None:
        pending = conn.execute("SELECT count(*) FROM search_pending").fetchone()[0]
        if pending < index_writer.FOLD_ROWS:
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
