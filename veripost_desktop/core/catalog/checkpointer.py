"""Copies the catalog's write-ahead log into the database file from a thread
of its own, so no ingestion waits for it.

SQLite in WAL mode appends every commit to ``catalog.sqlite3-wal``; a
*checkpoint* copies those pages back into the database file and syncs it
to disk. Left to SQLite (``wal_autocheckpoint``), the commit that crosses
the threshold runs the checkpoint itself, while it still holds the
catalog's one write connection that every ingestion worker waits for: tens
of megabytes copied and synced, every few dozen packages when the search
index is being filled. Here a ``PASSIVE`` checkpoint runs on its own
connection, every ``POLL_SECONDS`` once the log file has grown past
``CHECKPOINT_BYTES`` (SQLite then reuses the file from its start, so it
does not shrink; a checkpoint with nothing to copy costs next to nothing); it never
waits for a lock and never stops a writer (SQLite's documentation,
"Checkpointing"). The write connection keeps its automatic checkpoint
(``database.WAL_CHECKPOINT_PAGES``) as a backstop, should this thread fall
behind.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

log = logging.getLogger(__name__)

# Checkpoint once the log is this large (4,096 pages of 4 KiB)...
CHECKPOINT_BYTES = 16 * 1024 * 1024
# ...looking at its size this often.
POLL_SECONDS = 0.5


class WalCheckpointer:
    def __init__(self, path: Path, *, poll_seconds: float | None = None) -> None:
        self._path = path
        self._wal = path.with_name(path.name + "-wal")
        self._poll_seconds = POLL_SECONDS if poll_seconds is None else poll_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"checkpoint {path.name}", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop and close the connection (before the file may be moved on Windows)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _wal_bytes(self) -> int:
        try:
            return self._wal.stat().st_size
        except OSError:  # no log yet, or it was just removed
            return 0

    def _run(self) -> None:
        conn: sqlite3.Connection | None = None
        last_error = ""
        try:
            while not self._stop.wait(self._poll_seconds):
                if self._wal_bytes() < CHECKPOINT_BYTES:
                    continue
                if conn is None:
                    conn = sqlite3.connect(self._path, isolation_level=None)
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    last_error = ""
                except sqlite3.Error as exc:  # the write connection's backstop still runs
                    if str(exc) != last_error:  # once, not every half second
                        log.warning("background checkpoint of %s failed: %s", self._path, exc)
                    last_error = str(exc)
        finally:
            if conn is not None:
                conn.close()
