"""Which process is running which ingestion.

Each process that opens the catalog holds an exclusive OS file lock on
``DATA_DIR/running/<token>.lock`` for as long as it lives, and stamps the
packages it ingests with that token. The OS drops the lock when the process
dies, however it dies (SIGKILL, power cut, Task Manager), so another process
can tell a job that is still running (lock held) from one that was
interrupted (lock free) without timeouts or PID guessing. ``filelock`` uses
``msvcrt`` on Windows and ``fcntl`` elsewhere.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from pathlib import Path

from filelock import FileLock, Timeout

log = logging.getLogger(__name__)


class ProcessLease:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.token = uuid.uuid4().hex
        self._lock = FileLock(self._path(self.token), thread_local=False)
        self._lock.acquire(timeout=0)

    def _path(self, token: str) -> Path:
        return self.folder / f"{token}.lock"

    def is_alive(self, token: str | None) -> bool:
        """Whether the process that holds ``token`` is still running."""
        if not token:
            return False
        if token == self.token:
            return True
        path = self._path(token)
        if not path.exists():
            return False
        probe = FileLock(path, thread_local=False)
        try:
            probe.acquire(timeout=0)
        except Timeout:
            return True
        probe.release()
        with contextlib.suppress(OSError):  # another process may be probing it too
            path.unlink()
        return False

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release()
            with contextlib.suppress(OSError):
                self._path(self.token).unlink()
