"""Runs one package's ingestion off the GUI thread."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Signal

from veripost_desktop.core.catalog import PackageRecord, PackageStatus
from veripost_desktop.core.errors import UserError
from veripost_desktop.core.ingestion import IngestEvent, IngestionPipeline
from veripost_desktop.core.zip_validation import ValidationResult
from veripost_desktop.gui.workers.reporting_worker import ReportingSignals, ReportingWorker


class IngestWorkerSignals(ReportingSignals):
    """``finished``: the ``PackageRecord`` as the catalog has it now;
    ``failed``: a ``UserError`` (the run itself broke: a bug, not a refused
    ZIP); and the package's status and progress on the way."""

    # Not ``event``: that name is QObject.event(), the handler of every QEvent.
    ingest_event = Signal(object)  # IngestEvent: status or progress


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


class IngestWorker(ReportingWorker[IngestWorkerSignals]):
    def __init__(
        self,
        pipeline: IngestionPipeline,
        package: PackageRecord,
        validation: ValidationResult,
        cancel: Callable[[], bool],
    ) -> None:
        super().__init__(f"ingest of package {package.id}", IngestWorkerSignals())
        self.package = package
        self._pipeline = pipeline
        self._validation = validation
        self._cancel = cancel

    def work(self) -> PackageRecord:
        return self._pipeline.run(
            self.package,
            self._validation,
            _ThrottledEvents(self.signals.ingest_event.emit),
            self._cancel,
        )

    def before_failed(self, error: UserError) -> None:
        # The row shows the error before the controller hears of the failure.
        self.signals.ingest_event.emit(
            IngestEvent(self.package.id, self.package.job_id, PackageStatus.ERROR, error=error)
        )
