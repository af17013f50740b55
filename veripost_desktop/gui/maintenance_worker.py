"""One core call off the GUI thread: hashing a dropped ZIP, preparing a
retry, verifying or removing a package.

Each of those is a single blocking call into the core that may read a large
ZIP or talk to storage, so it runs on the shared thread pool. The worker
reports exactly one of ``finished`` (with the call's result) or ``failed``
(a ``UserError``), whatever happens inside.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal

from veripost_desktop.core.errors import UserError, as_user_error

log = logging.getLogger(__name__)

_QUEUED = Qt.ConnectionType.QueuedConnection

#: A call that may report ``(done, total)`` progress through the callback it gets.
CoreCall = Callable[[Callable[[int, int], None]], Any]


class CoreCallSignals(QObject):
    """Lives in the GUI thread; emitted from the pool thread (queued)."""

    progress = Signal(int, int)  # done, total
    finished = Signal(object)  # whatever the call returned
    failed = Signal(object)  # UserError


class CoreCallWorker(QRunnable):
    def __init__(self, description: str, call: CoreCall) -> None:
        super().__init__()
        self.description = description  # for the log: "verify package 1234"
        self.signals = CoreCallSignals()
        self._call = call

    def run(self) -> None:
        try:
            result = self._call(self.signals.progress.emit)
        except BaseException as exc:  # noqa: BLE001 - always end with one signal
            error = as_user_error(exc)
            if error.code == "internal_error":
                log.exception("%s broke", self.description)
            else:
                log.warning("%s failed: %s (%s)", self.description, error.code, error.detail)
            self.signals.failed.emit(error)
            return
        self.signals.finished.emit(result)


class CoreCallRunner(QObject):
    """Starts ``CoreCallWorker``s on a pool and hands each result to the
    callbacks given for it, in the GUI thread.

    It keeps every worker's signals object alive until its one ending has been
    delivered, and drops late endings once ``close`` was called (the window
    is going away; the callbacks would touch a closed catalog).
    """

    def __init__(self, pool: QThreadPool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = pool
        self._running: dict[int, CoreCallSignals] = {}
        self._next_id = 0
        self._closed = False

    @property
    def active_count(self) -> int:
        return len(self._running)

    def start(
        self,
        description: str,
        call: CoreCall,
        on_finished: Callable[[Any], None],
        on_failed: Callable[[UserError], None],
        *,
        on_progress: Callable[[int, int], None] | None = None,
        priority: int = 0,
    ) -> None:
        worker = CoreCallWorker(description, call)
        job = self._next_id
        self._next_id += 1
        self._running[job] = worker.signals
        if on_progress is not None:
            worker.signals.progress.connect(on_progress, _QUEUED)
        worker.signals.finished.connect(partial(self._deliver, job, on_finished), _QUEUED)
        worker.signals.failed.connect(partial(self._deliver, job, on_failed), _QUEUED)
        self._pool.start(worker, priority)

    def close(self) -> None:
        self._closed = True

    def _deliver(self, job: int, callback: Callable[[Any], None], value: Any) -> None:
        self._running.pop(job, None)
        if not self._closed:
            callback(value)
