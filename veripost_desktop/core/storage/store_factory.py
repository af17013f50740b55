"""Pick the store the settings ask for."""

from __future__ import annotations

from veripost_desktop.core.config import Settings
from veripost_desktop.core.storage.local_store import LocalFolderStore
from veripost_desktop.core.storage.object_store import ObjectStore
from veripost_desktop.core.storage.s3_store import S3Store


def open_store(settings: Settings) -> ObjectStore:
    if settings.s3_endpoint:
        secret = settings.s3_secret_key.get_secret_value() if settings.s3_secret_key else None
        return S3Store(
            endpoint=settings.s3_endpoint,
            access_key=settings.s3_access_key,
            secret_key=secret,
            bucket=settings.s3_bucket,
            region=settings.s3_region,
            # One connection per upload that can run at once.
            max_connections=max(4, settings.ingest_workers * settings.upload_workers),
        )
    return LocalFolderStore(settings.local_store_dir, settings.s3_bucket)
