"""Saving stored files where the user asks, on the shared thread pool."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal

from veripost_desktop.core.errors import UserError
from veripost_desktop.core.services import Services
from veripost_desktop.gui.download_worker import (
    DownloadRequest,
    DownloadWorker,
    DownloadWorkerSignals,
    SavedFile,
)

log = logging.getLogger(__name__)

# A person is waiting on a download; let it overtake queued ingestions.
DOWNLOAD_PRIORITY = 10

_QUEUED = Qt.ConnectionType.QueuedConnection


class DownloadController(QObject):
    saved = Signal(object)  # SavedFile
    failed = Signal(object)  # UserError

    def __init__(
        self,
        services: Services,
        pool: QThreadPool,
        cancel: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._pool = pool
        self._cancel = cancel
        self._running: dict[int, DownloadWorkerSignals] = {}
        self._next_id = 0

    @property
    def active_count(self) -> int:
        return len(self._running)

    def download(self, package_id: str, filename: str, destination: Path) -> None:
        request = DownloadRequest(package_id, filename, Path(destination))
        worker = DownloadWorker(self._services, request, self._cancel)
        job = self._next_id
        self._next_id += 1
        self._running[job] = worker.signals
        worker.signals.finished.connect(partial(self._on_finished, job), _QUEUED)
        worker.signals.failed.connect(partial(self._on_failed, job), _QUEUED)
        log.info("saving %s of package %s to %s", filename, package_id, destination)
        self._pool.start(worker, DOWNLOAD_PRIORITY)

    def _on_finished(self, job: int, saved: SavedFile) -> None:
        self._running.pop(job, None)
        self.saved.emit(saved)

    def _on_failed(self, job: int, error: UserError) -> None:
        self._running.pop(job, None)
        self.failed.emit(error)
