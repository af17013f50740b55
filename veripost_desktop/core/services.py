"""Everything a front needs, opened once from the settings: the catalog, the
object store and the ingestion pipeline.

Opening is also where each front settles what a dead process left
interrupted (see ``ingestion/interrupted_jobs.py``): the window and every
``veripost-cli`` command alike.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from veripost_desktop.core.catalog import Catalog, PackageRecord
from veripost_desktop.core.catalog.catalog_files import StoreRef, open_catalog_for_store
from veripost_desktop.core.config import Settings, load_settings
from veripost_desktop.core.ingestion import IngestionPipeline
from veripost_desktop.core.ingestion.interrupted_jobs import settle_interrupted
from veripost_desktop.core.process_lease import ProcessLease
from veripost_desktop.core.storage import ObjectStore, open_store
from veripost_desktop.core.team.publishing import host_name

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
    # Where a damaged catalog was moved before a new one was made: the front
    # refreshes from storage and says how many packages came back.
    recovered_catalog: Path | None = None

    def close(self) -> None:
        try:
            self.pipeline.announcer.close()  # what this process published, told now
        finally:
            self.catalog.close()
            self.lease.release()


def open_services(settings: Settings | None = None, *, settle: bool = True) -> Services:
    settings = settings or load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    lease = ProcessLease(settings.data_dir / "running")
    try:
        store = open_store(settings)
        opened = open_catalog_for_store(
            settings.data_dir,
            StoreRef(store.identity, store.description),
            explicit_path=settings.catalog_path,
            owner_token=lease.token,
            uploaded_by=settings.user_name,
            uploaded_host=host_name(),
        )
    except BaseException:
        lease.release()
        raise
    catalog = opened.catalog
    services = Services(
        settings, catalog, store, IngestionPipeline(settings, catalog, store), lease
    )
    services.recovered_catalog = opened.moved_aside
    if settle:
        try:
            services.settled_at_start = settle_interrupted(catalog, store, lease)
        except Exception:  # noqa: BLE001 - settling must never stop the app from starting
            log.exception("could not settle interrupted packages")
    return services
