"""Runs one package's ingestion off the GUI thread."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, Signal

from veripost_desktop.core.catalog import PackageRecord, PackageStatus
from veripost_desktop.core.errors import as_user_error
from veripost_desktop.core.ingestion import IngestEvent, IngestionPipeline
from veripost_desktop.core.zip_validation import ValidationResult

log = logging.getLogger(__name__)


class IngestWorkerSignals(QObject):
    """Lives in the GUI thread; the worker emits from the pool thread, so
    every connection to it is queued and its slots run in the GUI thread."""

    # Shadows QObject.event() for Python callers only; Qt still dispatches
    # QEvents through the C++ QObject::event (checked: no spurious emits).
    event = Signal(object)  # type: ignore[assignment]  # IngestEvent: status or progress
    finished = Signal(object)  # PackageRecord: the package as the catalog has it now
    failed = Signal(object)  # UserError: the run itself broke (a bug, not a refused ZIP)


class IngestWorker(QRunnable):
    def __init__(
        self,
        pipeline: IngestionPipeline,
        package: PackageRecord,
        validation: ValidationResult,
        cancel: Callable[[], bool],
    ) -> None:
        super().__init__()
        self.package = package
        self.signals = IngestWorkerSignals()
        self._pipeline = pipeline
        self._validation = validation
        self._cancel = cancel

    def run(self) -> None:
        # Exactly one of finished / failed, whatever happens, or the row would
        # wait for an ending that never comes.
        try:
            record = self._pipeline.run(
                self.package, self._validation, self.signals.event.emit, self._cancel
            )
        except BaseException as exc:  # noqa: BLE001
            log.exception("ingest worker for package %s broke", self.package.id)
            error = as_user_error(exc)
            self.signals.event.emit(
                IngestEvent(self.package.id, self.package.job_id, PackageStatus.ERROR, error=error)
            )
            self.signals.failed.emit(error)
            return
        self.signals.finished.emit(record)
