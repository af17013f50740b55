"""Object storage: one interface, two back ends (local folder, MinIO/S3)."""

from veripost_desktop.core.storage.object_store import ObjectInfo, ObjectStore, object_key
from veripost_desktop.core.storage.store_factory import open_store

__all__ = ["ObjectInfo", "ObjectStore", "object_key", "open_store"]
