"""Everything a front needs, opened once from the settings: the catalog, the
object store and the ingestion pipeline."""

from __future__ import annotations

from dataclasses import dataclass

from veripost_desktop.core.catalog import Catalog
from veripost_desktop.core.config import Settings
from veripost_desktop.core.ingestion import IngestionPipeline
from veripost_desktop.core.storage import ObjectStore, open_store


@dataclass
class Services:
    settings: Settings
    catalog: Catalog
    store: ObjectStore
    pipeline: IngestionPipeline

    def close(self) -> None:
        self.catalog.close()


def open_services(settings: Settings | None = None) -> Services:
    settings = settings or Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    catalog = Catalog(settings.resolved_catalog_path)
    store = open_store(settings)
    return Services(settings, catalog, store, IngestionPipeline(settings, catalog, store))
