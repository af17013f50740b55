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
from pathlib import Path

from veripost_desktop.core.sqlite_upkeep import UpkeepThread

log = logging.getLogger(__name__)

# Checkpoint once the log is this large (4,096 pages of 4 KiB)...
CHECKPOINT_BYTES = 16 * 1024 * 1024
# ...looking at its size this often.
POLL_SECONDS = 0.5


class WalCheckpointer(UpkeepThread):
    def __init__(self, path: Path, *, poll_seconds: float | None = None) -> None:
        poll = POLL_SECONDS if poll_seconds is None else poll_seconds
        super().__init__(path, poll_seconds=poll, name="checkpoint")
        self._wal = path.with_name(path.name + "-wal")
        self._last_error = ""

    def _wal_bytes(self) -> int:
        try:
            return self._wal.stat().st_size
        except OSError:  # no log yet, or it was just removed
            return 0

    def _tick(self) -> None:
        if self._wal_bytes() < CHECKPOINT_BYTES:
            return
        try:
            self._connection().execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            self._last_error = ""
        except sqlite3.Error as exc:  # the write connection's backstop still runs
            if str(exc) != self._last_error:  # once, not every half second
                log.warning("background checkpoint of %s failed: %s", self._path, exc)
            self._last_error = str(exc)
