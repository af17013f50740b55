"""Saving stored files where the user asks, on the shared thread pool: one
file, several files into a folder (one answer for the lot), or the whole
package as one ZIP."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, Signal

from veripost_desktop.core.catalog import PackageRecord
from veripost_desktop.core.downloads import export_package_zip
from veripost_desktop.core.errors import UserError
from veripost_desktop.core.services import Services
from veripost_desktop.gui.files.download_worker import DownloadRequest, DownloadWorker, SavedFile
from veripost_desktop.gui.workers.core_call_runner import CoreCallRunner

log = logging.getLogger(__name__)

# A person is waiting on a download; let it overtake queued ingestions.
DOWNLOAD_PRIORITY = 10
# A package ZIP reports its progress at most this often (in per mille).
_EXPORT_STEPS = 100


@dataclass(frozen=True)
class FailedFile:
    filename: str
    error: UserError


@dataclass
class DownloadBatch:
    """Several files saved into one folder; answered once, when all have ended."""

    folder: Path
    waiting: int
    saved: list[SavedFile] = field(default_factory=list)
    failures: list[FailedFile] = field(default_factory=list)


#: A file saved as one of a batch: the batch, and the file's name.
_Member = tuple[DownloadBatch, str]


class DownloadController(QObject):
    saved = Signal(object)  # SavedFile (a single download)
    failed = Signal(object)  # UserError (a single download)
    batch_finished = Signal(object)  # DownloadBatch
    package_saved = Signal(object, object)  # PackageRecord, Path of the ZIP
    package_save_progress = Signal(object, int, int)  # PackageRecord, bytes done, total
    package_save_failed = Signal(object, object)  # PackageRecord, UserError

    def __init__(
        self,
        services: Services,
        pool: QThreadPool,
        cancel: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._cancel = cancel
        self._calls = CoreCallRunner(pool, self)

    @property
    def active_count(self) -> int:
        """Downloads and package ZIPs under way."""
        return self._calls.active_count

    def set_services(self, services: Services) -> None:
        if self.active_count:
            raise RuntimeError("cannot switch services while files are being saved")
        self._services = services

    def download(self, package_id: str, filename: str, destination: Path) -> int:
        """Save one file; ``saved`` or ``failed`` tells how it went."""
        return self._download(package_id, filename, Path(destination), None)

    def _download(
        self, package_id: str, filename: str, destination: Path, member: _Member | None
    ) -> int:
        request = DownloadRequest(package_id, filename, destination)
        log.info("saving %s of package %s to %s", filename, package_id, destination)
        return self._calls.run(
            DownloadWorker(self._services, request, self._cancel),
            partial(self._on_finished, member),
            partial(self._on_failed, member),
            priority=DOWNLOAD_PRIORITY,
        )

    def download_many(
        self, package_id: str, filenames: Iterable[str], folder: Path
    ) -> DownloadBatch | None:
        """Save files into ``folder``, each on its own worker; ``batch_finished``
        answers once for all of them."""
        names = list(dict.fromkeys(filenames))
        if not names:
            return None
        batch = DownloadBatch(Path(folder), len(names))
        for name in names:
            self._download(package_id, name, Path(folder) / name, (batch, name))
        return batch

    def save_package_zip(self, record: PackageRecord, destination: Path) -> None:
        """Write the package as one ZIP (every file checked against the catalog)."""
        catalog, store, cancel = self._services.catalog, self._services.store, self._cancel
        emit_progress = partial(self.package_save_progress.emit, record)

        def call(progress: Callable[[int, int], None]) -> Path:
            step = [-1]

            def report(done: int, total: int) -> None:
                # Per chunk from the core; a few dozen updates are plenty.
                now = done * _EXPORT_STEPS // total if total else _EXPORT_STEPS
                if now != step[0]:
                    step[0] = now
                    progress(done, total)

            return export_package_zip(catalog, store, record.id, destination, report, cancel)

        log.info("saving package %s as a ZIP to %s", record.id, destination)
        self._calls.start(
            f"package ZIP of {record.id}",
            call,
            partial(self.package_saved.emit, record),
            partial(self.package_save_failed.emit, record),
            on_progress=emit_progress,
            priority=DOWNLOAD_PRIORITY,
        )

    def _on_finished(self, member: _Member | None, saved: SavedFile) -> None:
        if member is None:
            self.saved.emit(saved)
            return
        member[0].saved.append(saved)
        self._batch_answered(member[0])

    def _on_failed(self, member: _Member | None, error: UserError) -> None:
        if member is None:
            self.failed.emit(error)
            return
        batch, filename = member
        batch.failures.append(FailedFile(filename, error))
        self._batch_answered(batch)

    def _batch_answered(self, batch: DownloadBatch) -> None:
        batch.waiting -= 1
        if batch.waiting == 0:
            self.batch_finished.emit(batch)
