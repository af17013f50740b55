"""Saves one stored file to a path the user chose, off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from veripost_desktop.core.downloads import download_file
from veripost_desktop.core.services import Services
from veripost_desktop.gui.workers.reporting_worker import ReportingSignals, ReportingWorker


@dataclass(frozen=True)
class DownloadRequest:
    package_id: str
    filename: str
    destination: Path


@dataclass(frozen=True)
class SavedFile:
    filename: str  # the name in the package
    path: Path  # where the verified copy now is


class DownloadWorkerSignals(ReportingSignals):
    """``finished``: a ``SavedFile``; ``failed``: a ``UserError``."""


class DownloadWorker(ReportingWorker[DownloadWorkerSignals]):
    def __init__(
        self, services: Services, request: DownloadRequest, cancel: Callable[[], bool]
    ) -> None:
        super().__init__(f"download of {request.filename}", DownloadWorkerSignals())
        self.request = request
        self._services = services
        self._cancel = cancel

    def work(self) -> SavedFile:
        request = self.request
        record = download_file(
            self._services.catalog,
            self._services.store,
            request.package_id,
            request.filename,
            request.destination,
            cancel=self._cancel,
        )
        path = request.destination
        if path.is_dir():  # download_file saves into a chosen folder under the stored name
            path = path / record.filename
        return SavedFile(record.filename, path)
