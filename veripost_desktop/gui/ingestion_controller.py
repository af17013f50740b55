"""From dropped files to rows that move to ``ready`` or ``error``.

Lives in the GUI thread. It checks each file at once (central directory
only), registers accepted ZIPs as ``pending`` rows, runs each ingestion on
its own worker in the thread pool and turns the workers' queued signals into
single-row model updates.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal

from veripost_desktop.core.catalog import PackageRecord
from veripost_desktop.core.errors import UserError, as_user_error
from veripost_desktop.core.ingestion import IngestEvent
from veripost_desktop.core.services import Services
from veripost_desktop.core.zip_validation import ValidationResult
from veripost_desktop.gui.error_dialog import Refusal
from veripost_desktop.gui.ingest_worker import IngestWorker, IngestWorkerSignals
from veripost_desktop.gui.package_table_model import PackageTableModel

log = logging.getLogger(__name__)

# Closing waits this long for running ingestions to end on their own, then
# asks them to stop (they record "cancelled", so no row is left half-way)
# and waits a little more. Bounded, so a dead storage link cannot hang quit.
SHUTDOWN_GRACE_MS = 5_000
SHUTDOWN_CANCEL_MS = 5_000

_QUEUED = Qt.ConnectionType.QueuedConnection


class IngestionController(QObject):
    #: A package's ingestion ended; its row already shows the catalog's record.
    package_finished = Signal(object)  # PackageRecord

    def __init__(
        self, services: Services, model: PackageTableModel, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._model = model
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(services.settings.ingest_workers)
        self._stop = threading.Event()
        self._closed = False
        # The signals objects of running workers, kept alive until their last
        # queued signal has been delivered here.
        self._running: dict[str, IngestWorkerSignals] = {}

    @property
    def thread_pool(self) -> QThreadPool:
        return self._pool

    @property
    def active_count(self) -> int:
        """Ingestions started and not yet reported finished or failed."""
        return len(self._running)

    def stop_requested(self) -> bool:
        """The cancel check every worker polls: true once closing gave up waiting."""
        return self._stop.is_set()

    # ---- adding packages -------------------------------------------------

    def load_packages(self) -> None:
        self._model.set_packages(self._services.catalog.list_packages())

    def add_files(self, paths: Iterable[Path]) -> list[Refusal]:
        """Check each file now; start the accepted ones; return the refused ones."""
        refusals: list[Refusal] = []
        for path in paths:
            path = Path(path)
            validation = self._services.pipeline.check(path)
            error = validation.error
            if error is not None:
                log.info("refused %s: %s (%s)", path, error.code, error.detail)
                refusals.append(Refusal(path, error))
                continue
            try:
                record = self._services.pipeline.register(validation)
            except Exception as exc:  # noqa: BLE001 - shown to the person, not swallowed
                log.exception("could not register %s", path)
                refusals.append(Refusal(path, as_user_error(exc)))
                continue
            self._model.add_package(record)
            self._start(record, validation)
        return refusals

    def _start(self, record: PackageRecord, validation: ValidationResult) -> None:
        worker = IngestWorker(self._services.pipeline, record, validation, self.stop_requested)
        signals = worker.signals
        signals.event.connect(self._on_event, _QUEUED)
        signals.finished.connect(partial(self._on_finished, record.id), _QUEUED)
        signals.failed.connect(partial(self._on_failed, record.id), _QUEUED)
        self._running[record.id] = signals
        self._pool.start(worker)

    # ---- worker reports (GUI thread) -------------------------------------

    def _on_event(self, event: IngestEvent) -> None:
        if not self._closed:
            self._model.apply_event(event)

    def _on_finished(self, package_id: str, record: PackageRecord) -> None:
        self._running.pop(package_id, None)
        if self._closed:
            return
        # The worker's record may be a moment old; the catalog has the last word.
        fresh = self._services.catalog.find_package(package_id) or record
        self._model.update_package(fresh)
        self.package_finished.emit(fresh)

    def _on_failed(self, package_id: str, error: UserError) -> None:
        self._running.pop(package_id, None)
        log.error("ingestion of package %s broke: %s", package_id, error.detail)
        if self._closed:
            return
        record = self._services.catalog.find_package(package_id)
        if record is not None and record.status.is_final:
            self._model.update_package(record)
            self.package_finished.emit(record)
        else:
            # The worker's ERROR event already marked the row; say it ended.
            shown = self._model.record(package_id)
            if shown is not None:
                self.package_finished.emit(shown)

    # ---- closing ---------------------------------------------------------

    def shutdown(
        self, grace_ms: int = SHUTDOWN_GRACE_MS, cancel_ms: int = SHUTDOWN_CANCEL_MS
    ) -> bool:
        """Wait for the workers (bounded); returns whether they all ended."""
        if self._closed:
            return True
        done = self._pool.waitForDone(grace_ms)
        if not done:
            log.warning("workers still running on close; asking them to stop")
            self._stop.set()
            done = self._pool.waitForDone(cancel_ms)
            if not done:
                log.error("workers did not stop within %d ms; closing anyway", cancel_ms)
        self._closed = True
        return done
