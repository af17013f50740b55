"""Everything a front needs, opened once from the settings: the catalog, the
object store and the ingestion pipeline.

Opening is also where each front settles what a dead process left
interrupted (see ``ingestion/interrupted_jobs.py``): the window and every
``veripost-cli`` command alike.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from veripost_desktop.core.catalog import Catalog, PackageRecord
from veripost_desktop.core.config import Settings, load_settings
from veripost_desktop.core.ingestion import IngestionPipeline
from veripost_desktop.core.ingestion.interrupted_jobs import settle_interrupted
from veripost_desktop.core.process_lease import ProcessLease
from veripost_desktop.core.storage import ObjectStore, open_store

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    catalog: Catalog
    store: ObjectStore
    pipeline: IngestionPipeline
    lease: ProcessLease
    # Packages found interrupted at start and marked error (for the front to mention).
    settled_at_start: list[PackageRecord] = field(default_factory=list)

    def close(self) -> None:
        self.catalog.close()
        self.lease.release()


def open_services(settings: Settings | None = None, *, settle: bool = True) -> Services:
    settings = settings or load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    lease = ProcessLease(settings.data_dir / "running")
    try:
        catalog = Catalog(settings.resolved_catalog_path, owner_token=lease.token)
        store = open_store(settings)
    except BaseException:
        lease.release()
        raise
    services = Services(
        settings, catalog, store, IngestionPipeline(settings, catalog, store), lease
    )
    if settle:
        try:
            services.settled_at_start = settle_interrupted(catalog, store, lease)
        except Exception:  # noqa: BLE001 - settling must never stop the app from starting
            log.exception("could not settle interrupted packages")
    return services
