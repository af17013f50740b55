"""One core call off the GUI thread: hashing a dropped ZIP, preparing a
retry, verifying or removing a package, a refresh, a comparison.

Each of those is a single blocking call into the core that may read a large
ZIP or talk to storage, so it runs on the shared thread pool as a
``CoreCallWorker`` (a ``ReportingWorker``: exactly one of ``finished`` with
the call's result, or ``failed`` with a ``UserError``, whatever happens
inside). ``CoreCallRunner`` starts them, and any other ``ReportingWorker``,
and hands each ending to the callbacks given for it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal

from veripost_desktop.core.errors import UserError
from veripost_desktop.gui.workers.reporting_worker import ReportingSignals, ReportingWorker

_QUEUED = Qt.ConnectionType.QueuedConnection

#: A call that may report ``(done, total)`` progress through the callback it gets.
CoreCall = Callable[[Callable[[int, int], None]], Any]


class CoreCallSignals(ReportingSignals):
    """``finished`` / ``failed``, and the call's progress."""

    progress = Signal(int, int)  # done, total


class CoreCallWorker(ReportingWorker[CoreCallSignals]):
    def __init__(self, description: str, call: CoreCall) -> None:
        super().__init__(description, CoreCallSignals())
        self._call = call

    def work(self) -> object:
        return self._call(self.signals.progress.emit)


class CoreCallRunner(QObject):
    """Starts workers on a pool and hands each ending to the callbacks given
    for it, in the GUI thread.

    It keeps every worker's signals object alive until its one ending has been
    delivered, and drops late endings once ``close`` was called (the window
    is going away; the callbacks would touch a closed catalog).
    """

    def __init__(self, pool: QThreadPool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = pool
        self._running: dict[int, ReportingSignals] = {}
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
        """Run ``call`` (given a progress callback) on a ``CoreCallWorker``."""
        worker = CoreCallWorker(description, call)
        if on_progress is not None:
            worker.signals.progress.connect(on_progress, _QUEUED)
        self.run(worker, on_finished, on_failed, priority=priority)

    def run(
        self,
        worker: ReportingWorker[Any],
        on_finished: Callable[[Any], None],
        on_failed: Callable[[UserError], None],
        *,
        priority: int = 0,
    ) -> int:
        """Start ``worker``; returns its job number."""
        job = self._next_id
        self._next_id += 1
        self._running[job] = worker.signals
        worker.signals.finished.connect(partial(self._deliver, job, on_finished), _QUEUED)
        worker.signals.failed.connect(partial(self._deliver, job, on_failed), _QUEUED)
        self._pool.start(worker, priority)
        return job

    def close(self) -> None:
        self._closed = True

    def _deliver(self, job: int, callback: Callable[[Any], None], value: Any) -> None:
        self._running.pop(job, None)
        if not self._closed:
            callback(value)
