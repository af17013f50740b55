"""Runs one package's ingestion off the GUI thread."""

from __future__ import annotations

import logging
import time
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

    # Not ``event``: that name is QObject.event(), the handler of every QEvent.
    ingest_event = Signal(object)  # IngestEvent: status or progress
    finished = Signal(object)  # PackageRecord: the package as the catalog has it now
    failed = Signal(object)  # UserError: the run itself broke (a bug, not a refused ZIP)


#: A package's progress ticks reach the GUI thread at most this often (the
#: pipeline sends one per 0.1 s). Each one costs the GUI thread a slot call and
#: a repaint of the Status cell, every Python call there waiting for the GIL
#: while the workers compute; status changes always go through.
PROGRESS_EMIT_INTERVAL_S = 0.25


class _ThrottledEvents:
    """Forwards a worker's events, dropping progress ticks that come sooner
    than ``PROGRESS_EMIT_INTERVAL_S`` after the last one sent (the last tick
    of a package, all bytes done, is always sent)."""

    def __init__(self, emit: Callable[[IngestEvent], None]) -> None:
        self._emit = emit
        self._status: PackageStatus | None = None
        self._last = 0.0

    def __call__(self, event: IngestEvent) -> None:
        now = time.monotonic()
        if (
            event.status is self._status
            and event.error is None
            and event.bytes_done < event.bytes_total
            and now - self._last < PROGRESS_EMIT_INTERVAL_S
        ):
            return
        self._status = event.status
        self._last = now
        self._emit(event)


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
                self.package,
                self._validation,
                _ThrottledEvents(self.signals.ingest_event.emit),
                self._cancel,
            )
        except BaseException as exc:  # noqa: BLE001
            log.exception("ingest worker for package %s broke", self.package.id)
            error = as_user_error(exc)
            self.signals.ingest_event.emit(
                IngestEvent(self.package.id, self.package.job_id, PackageStatus.ERROR, error=error)
            )
            self.signals.failed.emit(error)
            return
        self.signals.finished.emit(record)
