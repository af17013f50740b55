"""A thread that looks after a SQLite file in the background: the base of
the catalog's WAL checkpoints (``catalog/checkpointer.py``) and the search
index's idle folds (``search/idle_folding.py``).

Every ``poll_seconds`` it runs ``_tick``, on a connection of its own, opened
the first time ``_connection()`` is asked for it and closed when the thread
ends. ``stop()`` returns once the connection is closed, so the file may be
moved or deleted after it (Windows refuses while a connection is open).
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path


class UpkeepThread:
    def __init__(self, path: Path, *, poll_seconds: float, name: str) -> None:
        self._path = path
        self._poll_seconds = poll_seconds
        self._conn: sqlite3.Connection | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"{name} {path.name}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop and close the connection (before the file may be moved on Windows)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = self._connect()
        return self._conn

    def _connect(self) -> sqlite3.Connection:
        """The thread's connection, in autocommit mode (a subclass may set more)."""
        return sqlite3.connect(self._path, isolation_level=None)

    def _tick(self) -> None:
        raise NotImplementedError

    def _run(self) -> None:
        try:
            while not self._stop.wait(self._poll_seconds):
                self._tick()
        finally:
            if self._conn is not None:
                self._conn.close()
