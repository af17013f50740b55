"""Verify and remove stored packages, on the shared thread pool.

Both re-read or delete objects in storage (the network, for MinIO), so the
core calls run on workers; this controller turns their endings into signals
and, for a removal, takes the row out of the model.
"""

from __future__ import annotations

import logging
from functools import partial

from PySide6.QtCore import QObject, QThreadPool, Signal

from veripost_desktop.core.catalog import PackageRecord
from veripost_desktop.core.errors import UserError
from veripost_desktop.core.package_maintenance import VerifyReport, remove_package, verify_package
from veripost_desktop.core.services import Services
from veripost_desktop.gui.packages.package_table_model import PackageTableModel
from veripost_desktop.gui.workers.core_call_runner import CoreCallRunner

log = logging.getLogger(__name__)

# A person is waiting for the answer; let it overtake queued ingestions.
MAINTENANCE_PRIORITY = 10


class MaintenanceController(QObject):
    verified = Signal(object, object)  # PackageRecord, VerifyReport
    verify_progress = Signal(object, int, int)  # PackageRecord, files done, files total
    removed = Signal(object)  # PackageRecord (its row is gone already)
    #: verify or remove could not run: action ("verify" | "remove"), package, error.
    failed = Signal(str, object, object)

    def __init__(
        self,
        services: Services,
        model: PackageTableModel,
        pool: QThreadPool,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._model = model
        self._calls = CoreCallRunner(pool, self)
        self._busy: set[str] = set()

    @property
    def active_count(self) -> int:
        return self._calls.active_count

    def set_services(self, services: Services) -> None:
        """Work on other services from now on; only while nothing runs."""
        if self.active_count:
            raise RuntimeError("cannot switch services while a verify or removal runs")
        self._services = services

    def is_busy(self, package_id: str) -> bool:
        """A verify or removal of the package is under way."""
        return package_id in self._busy

    def verify(self, record: PackageRecord) -> bool:
        if record.id in self._busy:
            return False
        self._busy.add(record.id)
        catalog, store = self._services.catalog, self._services.store
        self._calls.start(
            f"verify of package {record.id}",
            lambda progress: verify_package(catalog, store, record.id, progress),
            partial(self._on_verified, record),
            partial(self._on_failed, "verify", record),
            on_progress=partial(self.verify_progress.emit, record),
            priority=MAINTENANCE_PRIORITY,
        )
        return True

    def remove(self, record: PackageRecord) -> bool:
        """Delete the package's objects, then its rows (the core's order)."""
        if record.id in self._busy:
            return False
        self._busy.add(record.id)
        services = self._services
        self._calls.start(
            f"removal of package {record.id}",
            lambda _progress: remove_package(
                services.catalog, services.store, services.lease, record.id
            ),
            partial(self._on_removed, record),
            partial(self._on_failed, "remove", record),
            priority=MAINTENANCE_PRIORITY,
        )
        return True

    def close(self) -> None:
        self._calls.close()

    def _on_verified(self, record: PackageRecord, report: VerifyReport) -> None:
        self._busy.discard(record.id)
        log.info("verified package %s: %s", record.id, report.summary())
        self.verified.emit(record, report)

    def _on_removed(self, record: PackageRecord, _result: object) -> None:
        self._busy.discard(record.id)
        log.info("removed package %s (%s)", record.id, record.name)
        self._model.remove_package(record.id)
        self.removed.emit(record)

    def _on_failed(self, action: str, record: PackageRecord, error: UserError) -> None:
        self._busy.discard(record.id)
        self.failed.emit(action, record, error)
