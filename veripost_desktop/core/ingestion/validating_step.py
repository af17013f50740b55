"""Step 1: prove every member reads back (CRC, real sizes, limits) before
anything is stored, and fingerprint the ZIP itself."""

from __future__ import annotations

import hashlib
from pathlib import Path

from veripost_desktop.core.config import ZipLimits
from veripost_desktop.core.errors import ErrorCode, VeriPostError
from veripost_desktop.core.ingestion.events import CancelCheck
from veripost_desktop.core.zip_validation import ValidationResult, verify_zip_data

CHUNK = 1024 * 1024


def check_cancel(cancel: CancelCheck | None) -> None:
    if cancel is not None and cancel():
        raise VeriPostError(
            ErrorCode.CANCELLED,
            "Ingestion was cancelled.",
            "cancelled by the user before the package was complete",
        )


def sha256_of_file(path: Path, cancel: CancelCheck | None = None) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
                check_cancel(cancel)
    except OSError as exc:
        raise VeriPostError(
            ErrorCode.FILE_NOT_FOUND,
            "The ZIP file could not be read. It may have been moved or deleted.",
            f"{path}: {exc}",
        ) from exc
    return digest.hexdigest()


def run_validating_step(
    zip_path: Path,
    validation: ValidationResult,
    limits: ZipLimits,
    cancel: CancelCheck | None = None,
) -> str:
    """Raises ``VeriPostError`` if any member is damaged; returns the ZIP's SHA-256."""
    verify_zip_data(zip_path, validation, limits=limits, cancel=cancel)
    check_cancel(cancel)
    return sha256_of_file(zip_path, cancel)
