"""From dropped files to rows that move to ``ready`` or ``error``.

Lives in the GUI thread. A drop goes through ``drop_intake.py`` (each file
checked at once, a slice per turn of the event loop) and, for a ZIP that may
already be listed, ``duplicate_check.py`` (hashed on a worker). This module
registers the accepted ZIPs as ``pending`` rows, runs each ingestion on its
own worker in the thread pool and turns the workers' queued signals into
single-row model updates. Retry and cancel of an ingestion live here too.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, Qt, QThreadPool, Signal

from veripost_desktop.core.catalog import PackageRecord, PackageStatus
from veripost_desktop.core.errors import ErrorCode, UserError, as_user_error
from veripost_desktop.core.ingestion import IngestEvent, IngestionPipeline
from veripost_desktop.core.ingestion.reingest import prepare_retry
from veripost_desktop.core.services import Services
from veripost_desktop.core.zip_validation import ValidationResult
from veripost_desktop.gui.drops.drop_intake import CheckedDrop, DropIntake
from veripost_desktop.gui.drops.duplicate_check import DuplicateCheck, DuplicateMatch, listed_shapes
from veripost_desktop.gui.drops.ingest_worker import IngestWorker, IngestWorkerSignals
from veripost_desktop.gui.packages.package_table_model import PackageTableModel
from veripost_desktop.gui.widgets.error_dialog import Refusal
from veripost_desktop.gui.workers.core_call_runner import CoreCallRunner

log = logging.getLogger(__name__)

# Closing waits this long for running ingestions to end on their own, then
# asks them to stop (they record "cancelled", so no row is left half-way)
# and waits a little more. Bounded, so a dead storage link cannot hang quit.
SHUTDOWN_GRACE_MS = 5_000
SHUTDOWN_CANCEL_MS = 5_000

# The same words the core records when a running ingestion is cancelled.
CANCELLED = UserError(
    ErrorCode.CANCELLED,
    "Ingestion was cancelled.",
    "cancelled by the user before the ingestion started",
)

_QUEUED = Qt.ConnectionType.QueuedConnection


@dataclass(frozen=True)
class RetryFailure:
    package: PackageRecord
    error: UserError


@dataclass
class _RetryBatch:
    waiting: int
    failures: list[RetryFailure] = field(default_factory=list)


@dataclass(frozen=True)
class _Running:
    # The runnable is kept only to take it back off the queue (cancel); the
    # pool deletes it after run(), so it is used only inside a try.
    worker: IngestWorker
    signals: IngestWorkerSignals


def _prepare_retry(
    pipeline: IngestionPipeline, package_id: str, _progress: Callable[[int, int], None]
) -> tuple[PackageRecord, ValidationResult]:
    # Hashes the original ZIP and clears storage: a worker's job.
    return prepare_retry(pipeline, package_id)


class IngestionController(QObject):
    #: Packages whose ingestion was handed to the pool (queued or running),
    #: once for all the packages started together (one slice of a drop).
    packages_started = Signal(object)  # list[PackageRecord]
    #: A package's ingestion ended; its row already shows the catalog's record.
    package_finished = Signal(object)  # PackageRecord
    #: Some ZIPs of one drop are already in the catalog: ask what to do.
    duplicates_found = Signal(object)  # list[DuplicateMatch]
    #: Files of a drop that failed after the drop returned (the duplicate check).
    late_refusals = Signal(object)  # list[Refusal]
    #: Packages of one retry request that could not be retried.
    retry_failed = Signal(object)  # list[RetryFailure]

    def __init__(
        self, services: Services, model: PackageTableModel, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._model = model
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(services.settings.ingest_workers)
        self._calls = CoreCallRunner(self._pool, self)
        self._stop = threading.Event()
        self._closed = False
        # Running (or queued) ingestions, kept until their last queued signal
        # has been delivered here.
        self._running: dict[str, _Running] = {}
        # Read by worker threads through _should_cancel (set membership is atomic).
        self._cancel_requested: set[str] = set()
        self._preparing: set[str] = set()  # retries whose ZIP is being re-checked
        self._intake = DropIntake(
            self, self._check_file, self._register_and_start_many, self._on_drop_checked
        )
        self._duplicates = DuplicateCheck(
            self._calls, self._register_and_start, self._on_duplicates_checked
        )

    @property
    def thread_pool(self) -> QThreadPool:
        return self._pool

    @property
    def active_count(self) -> int:
        """Ingestions started and not yet reported finished or failed."""
        return len(self._running)

    @property
    def checking_count(self) -> int:
        """Dropped ZIPs still being compared with the catalog."""
        return self._duplicates.count

    @property
    def busy(self) -> bool:
        """Anything under way: a drop, ingestions, duplicate checks or retries being prepared."""
        return bool(self._running or self._duplicates.count or self._preparing or self._intake.busy)

    def set_services(self, services: Services) -> None:
        """Work on other services from now on (the window reopened them). Only
        while nothing is under way: see ``busy``."""
        if self.busy:
            raise RuntimeError("cannot switch services while ingestions run")
        self._services = services
        self._pool.setMaxThreadCount(services.settings.ingest_workers)

    def stop_requested(self) -> bool:
        """The cancel check every worker polls: true once closing gave up waiting."""
        return self._stop.is_set()

    def is_running(self, package_id: str) -> bool:
        return package_id in self._running

    def is_preparing(self, package_id: str) -> bool:
        return package_id in self._preparing

    def is_cancelling(self, package_id: str) -> bool:
        """Cancel was asked for and the worker has not ended yet."""
        return package_id in self._cancel_requested

    # ---- adding packages -------------------------------------------------

    def load_packages(self) -> None:
        self._model.set_packages(self._services.catalog.list_packages())

    def add_files(self, paths: Iterable[Path]) -> list[Refusal]:
        """Check each file; start the accepted ones; return the refused ones.

        A drop is worked through ``DROP_SLICE`` files per turn of the event
        loop (check, one write transaction, one row insert, start), so the
        window keeps painting while hundreds of ZIPs are added. A drop of up
        to one slice is done before this returns; a larger one returns ``[]``
        and reports all its refusals together through ``late_refusals`` once
        its last file is checked. Possible duplicates are hashed afterwards
        (see the module docstring); their outcome arrives through
        ``duplicates_found`` / ``late_refusals``.
        """
        return self._intake.add(paths, listed_shapes(self._model.records()))

    def _check_file(self, path: Path) -> ValidationResult:
        return self._services.pipeline.check(path)

    def _on_drop_checked(self, drop: CheckedDrop) -> None:
        self._duplicates.start(self._services.pipeline, drop.candidates)
        if drop.sliced and drop.refusals:
            self.late_refusals.emit(list(drop.refusals))

    def _on_duplicates_checked(
        self, refusals: list[Refusal], matches: list[DuplicateMatch]
    ) -> None:
        if refusals:
            self.late_refusals.emit(refusals)
        if matches:
            self.duplicates_found.emit(matches)

    def add_anyway(self, matches: Iterable[DuplicateMatch]) -> list[Refusal]:
        """Add duplicates the person chose to add again."""
        refusals: list[Refusal] = []
        self._register_and_start_many([m.validation for m in matches], refusals)
        return refusals

    def _register_and_start_many(
        self, validations: list[ValidationResult], refusals: list[Refusal]
    ) -> None:
        """``pending`` rows for several ZIPs in one transaction, shown in one
        insert, then started. If the batch fails, each is tried alone, so one
        bad ZIP does not refuse the others and each refusal names its file."""
        if not validations:
            return
        if len(validations) == 1:
            self._register_and_start(validations[0], refusals)
            return
        try:
            records = self._services.pipeline.register_many(validations)
        except Exception:  # noqa: BLE001 - retried one by one just below
            log.warning("registering %d ZIPs at once failed; one by one", len(validations))
            for validation in validations:
                self._register_and_start(validation, refusals)
            return
        self._model.add_packages(records)
        self._start_many(list(zip(records, validations, strict=True)))

    def _register_and_start(self, validation: ValidationResult, refusals: list[Refusal]) -> None:
        try:
            record = self._services.pipeline.register(validation)
        except Exception as exc:  # noqa: BLE001 - shown to the person, not swallowed
            log.exception("could not register %s", validation.path)
            refusals.append(Refusal(validation.path, as_user_error(exc)))
            return
        self._model.add_package(record)
        self._start(record, validation)

    def _start(self, record: PackageRecord, validation: ValidationResult) -> None:
        self._start_many([(record, validation)])

    def _start_many(self, started: list[tuple[PackageRecord, ValidationResult]]) -> None:
        # Every worker is made and announced before the first is handed to
        # the pool: once one runs, it competes with this thread for the GIL.
        workers = []
        for record, validation in started:
            worker = IngestWorker(
                self._services.pipeline, record, validation, partial(self._should_cancel, record.id)
            )
            signals = worker.signals
            signals.ingest_event.connect(self._on_event, _QUEUED)
            signals.finished.connect(partial(self._on_finished, record.id), _QUEUED)
            signals.failed.connect(partial(self._on_failed, record.id), _QUEUED)
            self._running[record.id] = _Running(worker, signals)
            workers.append(worker)
        self.packages_started.emit([record for record, _ in started])
        for worker in workers:
            self._pool.start(worker)

    # ---- retry and cancel ------------------------------------------------

    def can_retry(self, package_id: str) -> bool:
        record = self._model.record(package_id)
        return (
            record is not None
            and record.status is PackageStatus.ERROR
            and package_id not in self._preparing
            and package_id not in self._running
        )

    def retry(self, package_ids: Iterable[str]) -> int:
        """Retry failed packages; returns how many retries were started.

        ``prepare_retry`` hashes the original ZIP and clears what storage still
        holds of the failed attempt, so it runs on a worker; the ingestion
        follows as for a drop. Refusals come back together through
        ``retry_failed`` once every package of this request has answered.
        """
        ids = [i for i in dict.fromkeys(package_ids) if self.can_retry(i)]
        if not ids:
            return 0
        batch = _RetryBatch(waiting=len(ids))
        pipeline = self._services.pipeline
        for package_id in ids:
            self._preparing.add(package_id)
            self._calls.start(
                f"retry of package {package_id}",
                partial(_prepare_retry, pipeline, package_id),
                partial(self._on_retry_prepared, batch, package_id),
                partial(self._on_retry_refused, batch, package_id),
            )
        return len(ids)

    def _on_retry_prepared(
        self,
        batch: _RetryBatch,
        package_id: str,
        prepared: tuple[PackageRecord, ValidationResult],
    ) -> None:
        self._preparing.discard(package_id)
        record, validation = prepared
        self._model.update_package(record)  # pending, with its new job id
        self._start(record, validation)
        self._retry_answered(batch)

    def _on_retry_refused(self, batch: _RetryBatch, package_id: str, error: UserError) -> None:
        self._preparing.discard(package_id)
        record = self._services.catalog.find_package(package_id)
        if record is None:  # removed meanwhile (the CLI, another window)
            record = self._model.record(package_id)
            self._model.remove_package(package_id)
        else:
            self._model.update_package(record)
        if record is not None:
            batch.failures.append(RetryFailure(record, error))
        self._retry_answered(batch)

    def _retry_answered(self, batch: _RetryBatch) -> None:
        batch.waiting -= 1
        if not batch.waiting and batch.failures:
            self.retry_failed.emit(list(batch.failures))

    def cancel(self, package_id: str) -> bool:
        """Stop an ingestion this window runs; it ends in ``error`` / ``cancelled``.

        One still waiting for a thread is taken off the queue and marked at
        once; a running one polls the flag and the core records the ending
        (and removes what it stored). Returns whether there was one to cancel.
        """
        return bool(self._cancel_many([package_id]))

    def cancel_all(self) -> int:
        """Cancel every ingestion this window runs, queued or running; returns
        how many were asked to stop. Each ends as ``cancelled``, as ``cancel`` does."""
        ids = [i for i in self._running if i not in self._cancel_requested]
        return len(self._cancel_many(ids))

    def _cancel_many(self, package_ids: list[str]) -> list[str]:
        """Ask these ingestions to stop; returns those that were running or queued.

        The pool's threads go on while this runs: a running ingestion may
        see its flag and end at once, and its thread then starts the next
        queued worker. So every flag is raised first (a worker that starts
        before it could be taken off the queue finds its flag and ends as
        cancelled), then every queued worker is taken off, and only then is
        each of those marked, which writes the catalog and runs slots: were
        that done between two flags, a worker could start meanwhile
        unflagged and run to ``ready``.
        """
        ids = [i for i in dict.fromkeys(package_ids) if i in self._running]
        self._cancel_requested.update(ids)
        queued = {i for i in ids if self._take_from_queue(i)}
        for package_id in ids:
            if package_id in queued:
                self._cancel_queued(package_id)
            else:
                log.info("cancelling the running ingestion of %s", package_id)
        return ids

    def _take_from_queue(self, package_id: str) -> bool:
        """Whether the worker was still queued (it is off the queue now, and freed)."""
        worker = self._running[package_id].worker
        try:
            taken = self._pool.tryTake(worker)
        except RuntimeError:  # already ran; the pool deleted it
            return False
        if taken:
            # The pool hands the runnable back, but PySide6 still counts it as
            # owned by C++, which will never delete it now: without this the
            # worker (its ZIP's member list included) lived until exit.
            shiboken6.delete(worker)
        return bool(taken)

    def _should_cancel(self, package_id: str) -> bool:
        return self._stop.is_set() or package_id in self._cancel_requested

    def _cancel_queued(self, package_id: str) -> None:
        """The worker never ran: nothing is stored, only the row moves."""
        self._running.pop(package_id, None)
        self._cancel_requested.discard(package_id)
        shown = self._model.record(package_id)
        if shown is not None:
            self._services.catalog.mark_error(package_id, shown.job_id, CANCELLED)
        log.info("cancelled the queued ingestion of %s", package_id)
        self._refresh_finished(package_id)

    # ---- worker reports (GUI thread) -------------------------------------

    def _on_event(self, event: IngestEvent) -> None:
        if not self._closed:
            self._model.apply_event(event)

    def _on_finished(self, package_id: str, record: PackageRecord) -> None:
        self._running.pop(package_id, None)
        self._cancel_requested.discard(package_id)
        if self._closed:
            return
        # The worker read this record from the catalog as its run ended (the
        # pipeline's last step): no second read here, on the GUI thread.
        self._model.update_package(record)
        self.package_finished.emit(record)

    def _on_failed(self, package_id: str, error: UserError) -> None:
        self._running.pop(package_id, None)
        self._cancel_requested.discard(package_id)
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

    def _refresh_finished(self, package_id: str) -> None:
        # The worker's record may be a moment old; the catalog has the last word.
        fresh = self._services.catalog.find_package(package_id)
        if fresh is None:
            return
        self._model.update_package(fresh)
        self.package_finished.emit(fresh)

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
        self._intake.close()
        self._calls.close()
        return done
