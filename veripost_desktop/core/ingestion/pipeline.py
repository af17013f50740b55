"""The ingestion flow, front to back. Both fronts use it: the GUI runs
``run`` on a QThreadPool worker, the CLI calls ``ingest`` synchronously.

    check (drop time, central directory only)
      -> register: a ``pending`` row with a package id and a job id
      -> run: validating -> storing -> parsing -> ready
              any failure -> error, with the package's objects removed
              a cancel heard at any step before publishing -> error / cancelled

``run`` never raises: every ending is written to the catalog and reported
through ``on_event``, so no row is left in a middle status by this process.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from veripost_desktop.core.catalog import Catalog, PackageRecord, PackageStatus
from veripost_desktop.core.config import Settings
from veripost_desktop.core.errors import UserError, as_user_error
from veripost_desktop.core.ingestion.events import (
    CancelCheck,
    EventCallback,
    IngestEvent,
    IngestOutcome,
)
from veripost_desktop.core.ingestion.parse_and_index import IndexTarget
from veripost_desktop.core.ingestion.parsing_step import run_parsing_step
from veripost_desktop.core.ingestion.storing_step import run_storing_step
from veripost_desktop.core.ingestion.validating_step import (
    check_cancel,
    run_validating_step,
    sha256_of_file,
)
from veripost_desktop.core.storage.object_store import ObjectStore, package_prefix
from veripost_desktop.core.team.change_marker import ChangeAnnouncer
from veripost_desktop.core.team.publishing import host_name, publish
from veripost_desktop.core.zip_validation import ValidationResult, inspect_zip

log = logging.getLogger(__name__)

# Progress ticks are throttled so a fast local copy does not flood the GUI.
PROGRESS_INTERVAL_S = 0.1


class _Superseded(Exception):
    """The package's job changed under us (retried or removed elsewhere)."""


class IngestionPipeline:
    def __init__(self, settings: Settings, catalog: Catalog, store: ObjectStore) -> None:
        self.settings = settings
        self.catalog = catalog
        self.store = store
        # Tells the team a package was published; closed with the services.
        self.announcer = ChangeAnnouncer(store, settings.user_name, host_name())

    # ---- drop time -------------------------------------------------------

    def check(self, zip_path: Path) -> ValidationResult:
        """The fast check: central directory only, never raises."""
        return inspect_zip(
            Path(zip_path),
            accepted_extensions=self.settings.accepted_extensions,
            limits=self.settings.limits,
        )

    def register(self, validation: ValidationResult) -> PackageRecord:
        """Create the ``pending`` row for an accepted ZIP."""
        return self.register_many([validation])[0]

    def register_many(self, validations: list[ValidationResult]) -> list[PackageRecord]:
        """``pending`` rows for several accepted ZIPs, in one transaction."""
        return self.catalog.create_packages(
            (
                _package_name(v),
                v.path.resolve(),
                len(v.members),
                v.total_size,
            )
            for v in validations
        )

    # ---- the worker's part ----------------------------------------------

    def run(
        self,
        package: PackageRecord,
        validation: ValidationResult | None = None,
        on_event: EventCallback | None = None,
        cancel: CancelCheck | None = None,
    ) -> PackageRecord:
        package_id, job_id = package.id, package.job_id
        zip_path = Path(package.source_path)
        total = package.total_bytes
        done = 0
        last_tick = 0.0

        def emit(status: PackageStatus, error: UserError | None = None) -> None:
            if on_event is not None:
                on_event(IngestEvent(package_id, job_id, status, done, total, error))

        def move_to(status: PackageStatus, **fields: object) -> None:
            if not self.catalog.set_status(package_id, job_id, status, **fields):
                raise _Superseded
            emit(status)

        def on_bytes(n: int) -> None:
            nonlocal done, last_tick
            done += n
            now = time.monotonic()
            if now - last_tick >= PROGRESS_INTERVAL_S or done >= total:
                last_tick = now
                emit(PackageStatus.STORING)

        try:
            move_to(PackageStatus.VALIDATING)
            # A run cancelled while it waited for a thread stops before reading.
            check_cancel(cancel)
            if validation is None:
                validation = self.check(zip_path)
            if validation.error is not None:
                raise _Refused(validation.error)
            zip_sha256 = run_validating_step(zip_path, validation, self.settings.limits, cancel)

            move_to(PackageStatus.STORING, zip_sha256=zip_sha256, total_bytes=validation.total_size)
            total = validation.total_size
            files = run_storing_step(
                zip_path,
                validation,
                package_id,
                self.store,
                self.settings.limits,
                on_bytes,
                cancel,
                upload_workers=self.settings.upload_workers,
            )
            if not self.catalog.record_files(package_id, job_id, files):
                raise _Superseded

            move_to(PackageStatus.PARSING)
            parsed = run_parsing_step(
                zip_path,
                validation,
                cancel,
                parse_workers=self.settings.parse_workers,
                index=IndexTarget(str(self.catalog.index_path), package_id, job_id),
            )
            # The reading may come back after a cancel: the parse step only
            # looks at the flag while it waits.
            check_cancel(cancel)
            if not self.catalog.record_analysis(
                package_id, job_id, parsed.analysis, search_indexed=parsed.search_indexed
            ):
                raise _Superseded

            # The last look at the flag, and the point of no return: once the
            # manifest is written the team may read the package, so a cancel
            # asked from here on finds it ending ``ready``.
            check_cancel(cancel)
            # Last: the manifest tells the team the package is whole.
            manifest = publish(self.catalog, self.store, package_id)
            move_to(PackageStatus.READY, manifest_etag=manifest.etag)
            self.announcer.announce("published", package_id)
        except _Superseded:
            log.info("package %s job %s superseded; stopping quietly", package_id, job_id)
        except BaseException as exc:  # noqa: BLE001 - every ending must be recorded
            error = exc.error if isinstance(exc, _Refused) else as_user_error(exc)
            if error.code == "internal_error":
                log.exception("ingestion of %s failed unexpectedly", zip_path)
            else:
                log.warning("ingestion of %s failed: %s (%s)", zip_path, error.code, error.detail)
            self._fail(package_id, job_id, error)
            emit(PackageStatus.ERROR, error)
            if not isinstance(exc, Exception):
                raise  # KeyboardInterrupt / SystemExit: recorded, then let it go
        return self.catalog.get_package(package_id)

    def _fail(self, package_id: str, job_id: str, error: UserError) -> None:
        """Remove whatever was stored for this attempt, then record the error.

        Only while this is still the package's current job: once a newer
        attempt (a retry, here or on another desktop) has taken the package,
        the objects under its prefix are that attempt's, and so is the row."""
        try:
            current = self.catalog.find_package(package_id)
        except Exception:  # noqa: BLE001 - the catalog is unreadable: clean up as before
            current = None
        else:
            if current is None or current.job_id != job_id:
                log.info(
                    "package %s job %s failed (%s) after a newer attempt took it; "
                    "leaving its objects and row alone",
                    package_id,
                    job_id,
                    error.code,
                )
                return
        try:
            removed = self.store.delete_prefix(package_prefix(package_id))
            if removed:
                log.info("removed %d stored object(s) of failed package %s", removed, package_id)
        except Exception as cleanup_exc:  # noqa: BLE001
            # Storage is unreachable: whatever is there stays until a retry or
            # removal reaches it. Say so in the technical detail.
            log.warning("could not clean up objects of %s: %s", package_id, cleanup_exc)
            error = UserError(
                error.code,
                error.message,
                f"{error.detail}\n\nCleanup of stored objects failed: {cleanup_exc}",
            )
        try:
            self.catalog.clear_files(package_id)
            self.catalog.mark_error(package_id, job_id, error)
        except Exception:  # noqa: BLE001
            log.exception("could not record the error of package %s", package_id)

    # ---- headless, start to end ------------------------------------------

    def find_duplicates(self, zip_path: Path) -> list[PackageRecord]:
        """Packages (not in error) made from a ZIP with the same content."""
        sha = sha256_of_file(Path(zip_path))
        return [
            p for p in self.catalog.find_by_zip_sha256(sha) if p.status is not PackageStatus.ERROR
        ]

    def ingest(
        self,
        zip_path: Path,
        on_event: EventCallback | None = None,
        cancel: CancelCheck | None = None,
        *,
        add_duplicates: bool = True,
    ) -> IngestOutcome:
        zip_path = Path(zip_path)
        validation = self.check(zip_path)
        if validation.error is not None:
            return IngestOutcome(zip_path, None, validation.error)
        if not add_duplicates:
            existing = self.find_duplicates(zip_path)
            if existing:
                return IngestOutcome(zip_path, None, None, duplicate_of=existing[0])
        package = self.register(validation)
        if on_event is not None:
            on_event(IngestEvent(package.id, package.job_id, PackageStatus.PENDING))
        final = self.run(package, validation, on_event, cancel)
        error = None
        if final.status is PackageStatus.ERROR:
            error = UserError(
                final.error_code or "internal_error",
                final.error_message or "",
                final.error_detail or "",
            )
        return IngestOutcome(zip_path, final, error)


def _package_name(validation: ValidationResult) -> str:
    src = validation.src_member
    return Path(src.name).stem if src is not None else validation.path.stem


class _Refused(Exception):
    def __init__(self, error: UserError) -> None:
        super().__init__(error.message)
        self.error = error
