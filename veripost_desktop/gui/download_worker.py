"""Saves one stored file to a path the user chose, off the GUI thread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, Signal

from veripost_desktop.core.downloads import download_file
from veripost_desktop.core.errors import as_user_error
from veripost_desktop.core.services import Services

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DownloadRequest:
    package_id: str
    filename: str
    destination: Path


@dataclass(frozen=True)
class SavedFile:
    filename: str  # the name in the package
    path: Path  # where the verified copy now is


class DownloadWorkerSignals(QObject):
    """Lives in the GUI thread; emitted from the pool thread (queued)."""

    finished = Signal(object)  # SavedFile
    failed = Signal(object)  # UserError


class DownloadWorker(QRunnable):
    def __init__(
        self, services: Services, request: DownloadRequest, cancel: Callable[[], bool]
    ) -> None:
        super().__init__()
        self.request = request
        self.signals = DownloadWorkerSignals()
        self._services = services
        self._cancel = cancel

    def run(self) -> None:
        request = self.request
        try:
            record = download_file(
                self._services.catalog,
                self._services.store,
                request.package_id,
                request.filename,
                request.destination,
                cancel=self._cancel,
            )
        except BaseException as exc:  # noqa: BLE001 - always end with one signal
            error = as_user_error(exc)
            log.warning(
                "download of %s failed: %s (%s)", request.filename, error.code, error.detail
            )
            self.signals.failed.emit(error)
            return
        path = request.destination
        if path.is_dir():  # download_file saves into a chosen folder under the stored name
            path = path / record.filename
        self.signals.finished.emit(SavedFile(record.filename, path))
