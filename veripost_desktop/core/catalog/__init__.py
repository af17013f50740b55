"""The local SQLite catalog of packages and their files (SQLAlchemy 2)."""

from veripost_desktop.core.catalog.catalog import Catalog
from veripost_desktop.core.catalog.records import FileRecord, PackageRecord, PackageStatus

__all__ = ["Catalog", "FileRecord", "PackageRecord", "PackageStatus"]
