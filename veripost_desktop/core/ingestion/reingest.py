"""Re-ingesting a failed package from its original ZIP (the window's Retry
and ``veripost-cli retry``): not a retry policy for requests, which urllib3
does in ``core/storage/s3_store.py``.

A retry runs only if the ZIP is still where it was dropped and is the same
file (SHA-256 unchanged, when ingestion got far enough to record it);
otherwise the user is told plainly why not.
"""

from __future__ import annotations

from pathlib import Path

from veripost_desktop.core.catalog import PackageRecord, PackageStatus
from veripost_desktop.core.errors import ErrorCode, VeriPostError
from veripost_desktop.core.ingestion.pipeline import IngestionPipeline
from veripost_desktop.core.ingestion.validating_step import sha256_of_file
from veripost_desktop.core.storage.object_store import package_prefix
from veripost_desktop.core.zip_validation import ValidationResult


def prepare_retry(
    pipeline: IngestionPipeline, package_id: str
) -> tuple[PackageRecord, ValidationResult]:
    """Check the package can be retried and start a new job for it (status
    ``pending``, new job id). Run the returned pair with ``pipeline.run``."""
    catalog = pipeline.catalog
    pkg = catalog.get_package(package_id)
    if pkg.status is not PackageStatus.ERROR:
        raise VeriPostError(
            ErrorCode.NOT_RETRYABLE,
            "Only a package that ended in error can be retried.",
            f"package {pkg.id} is {pkg.status.value}",
        )
    source = Path(pkg.source_path)
    if not source.is_file():
        raise VeriPostError(
            ErrorCode.SOURCE_MISSING,
            "The original ZIP is no longer where it was added, so the package cannot be "
            "retried. Drop the ZIP again to add it.",
            f"missing: {source}",
        )
    if pkg.zip_sha256 is not None:
        current = sha256_of_file(source)
        if current != pkg.zip_sha256:
            raise VeriPostError(
                ErrorCode.SOURCE_CHANGED,
                "The original ZIP has changed since it was added, so retrying would store "
                "different files. Drop the ZIP again to add it as a new package.",
                f"{source}: sha256 was {pkg.zip_sha256}, now {current}",
            )
    validation = pipeline.check(source)
    if validation.error is not None:
        raise VeriPostError(
            validation.error.code, validation.error.message, validation.error.detail
        )
    # Leftovers of the failed attempt go before the new one starts.
    pipeline.store.delete_prefix(package_prefix(pkg.id))
    catalog.clear_files(pkg.id)
    return catalog.start_new_job(pkg.id), validation
