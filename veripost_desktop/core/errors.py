"""The one error shape every front shows a person: message, detail, code.

``message`` is plain English for the user, ``detail`` is the technical part
(shown behind Qt's "Show Details..." pane or printed by the CLI) and ``code``
is a stable, machine-readable identifier that scripts may rely on.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """Stable error codes. Never rename one: scripts and the docs rely on them."""

    # ZIP validation (drop time and the worker's validating step)
    NOT_A_ZIP = "not_a_zip"
    EMPTY_ZIP = "empty_zip"
    UNRECOGNIZED_EXTENSION = "unrecognized_extension"
    MISSING_SRC = "missing_src"
    CORRUPT_ZIP = "corrupt_zip"
    ENCRYPTED_ZIP = "encrypted_zip"
    UNSUPPORTED_COMPRESSION = "unsupported_compression"
    SPLIT_ARCHIVE = "split_archive"
    TOO_LARGE = "too_large"
    DUPLICATE_FILENAME = "duplicate_filename"
    INVALID_FILENAME = "invalid_filename"
    SYMLINK_MEMBER = "symlink_member"
    EMPTY_SRC = "empty_src"
    NESTED_ZIP = "nested_zip"
    FILE_NOT_FOUND = "file_not_found"

    # Storage
    STORAGE_UNAVAILABLE = "storage_unavailable"
    STORAGE_ERROR = "storage_error"
    STORAGE_VERIFY_FAILED = "storage_verify_failed"

    # The team repository (a store shared by many desktops)
    STORE_MISMATCH = "store_mismatch"
    CATALOG_DAMAGED = "catalog_damaged"
    MANIFEST_INVALID = "manifest_invalid"
    MANIFEST_UNSUPPORTED = "manifest_unsupported"
    FILES_NOT_IN_STORE = "files_not_in_store"
    ALREADY_VERSIONED = "already_versioned"

    # Catalog and downloads
    PACKAGE_NOT_FOUND = "package_not_found"
    FILE_NOT_IN_PACKAGE = "file_not_in_package"
    CHECKSUM_MISMATCH = "checksum_mismatch"
    DOWNLOAD_FAILED = "download_failed"
    PACKAGE_NOT_READY = "package_not_ready"  # compare / similar: not ready, or not read yet
    REPORT_NOT_SAVED = "report_not_saved"  # the compare report could not be written

    # Configuration
    INVALID_SETTINGS = "invalid_settings"

    # Search
    INVALID_QUERY = "invalid_query"

    # Ingestion
    INTERRUPTED = "interrupted"
    SOURCE_MISSING = "source_missing"
    SOURCE_CHANGED = "source_changed"
    NOT_RETRYABLE = "not_retryable"
    PACKAGE_BUSY = "package_busy"
    NOT_TEXT = "not_text"
    CANCELLED = "cancelled"
    INTERNAL_ERROR = "internal_error"


@dataclass(frozen=True)
class UserError:
    """A failure as a person sees it. Immutable and safe to pass across threads."""

    code: str
    message: str
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "detail": self.detail}


class VeriPostError(Exception):
    """An expected failure that carries the one error shape.

    Core code raises this for every failure a person may see; fronts catch it
    and show ``error``. Anything else escaping the core is a bug and is shown
    as ``internal_error`` with the traceback in the detail.
    """

    def __init__(self, code: str, message: str, detail: str = "") -> None:
        super().__init__(f"[{code}] {message}" + (f": {detail}" if detail else ""))
        self.error = UserError(code=str(code), message=message, detail=detail)

    @property
    def code(self) -> str:
        return self.error.code

    @property
    def message(self) -> str:
        return self.error.message

    @property
    def detail(self) -> str:
        return self.error.detail


def internal_error(exc: BaseException) -> UserError:
    """Turn an unexpected exception into the one error shape, traceback in detail."""
    import traceback

    detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return UserError(
        code=ErrorCode.INTERNAL_ERROR,
        message="Something went wrong inside VeriPost. The details below help us fix it.",
        detail=detail,
    )


def as_user_error(exc: BaseException) -> UserError:
    if isinstance(exc, VeriPostError):
        return exc.error
    return internal_error(exc)
