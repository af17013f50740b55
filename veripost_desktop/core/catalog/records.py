"""What the catalog hands out: plain immutable records, detached from any
database session, so they can cross threads and sit in Qt models safely."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class PackageStatus(StrEnum):
    PENDING = "pending"
    VALIDATING = "validating"
    STORING = "storing"
    PARSING = "parsing"
    READY = "ready"
    ERROR = "error"

    @property
    def is_final(self) -> bool:
        return self in (PackageStatus.READY, PackageStatus.ERROR)


IN_FLIGHT_STATUSES = (
    PackageStatus.PENDING,
    PackageStatus.VALIDATING,
    PackageStatus.STORING,
    PackageStatus.PARSING,
)


@dataclass(frozen=True)
class PackageRecord:
    id: str
    name: str
    status: PackageStatus
    error_code: str | None
    error_message: str | None
    error_detail: str | None
    file_count: int
    section_count: int | None
    total_bytes: int
    zip_sha256: str | None
    source_path: str
    storage_prefix: str
    job_id: str
    created_at: datetime
    updated_at: datetime
    # Read by the parser; None until the package has been parsed.
    machine: str | None = None
    controller: str | None = None
    system: str | None = None
    post_name: str | None = None
    post_extension: str | None = None
    warning_count: int | None = None
    owner_token: str | None = None
    # Who stored it (from its manifest for packages other desktops uploaded).
    uploaded_by: str | None = None
    uploaded_host: str | None = None
    # The ETag of its package.json once published; None while not published.
    manifest_etag: str | None = None
    # Which reading of the sources made its sections (None: not read here).
    reading_version: int | None = None
    # The post it is a version of, and its number there (None: its own post, v1).
    post_id: str | None = None
    version: int | None = None

    @property
    def post(self) -> str:
        """The id of the post this package is a version of (its own id if none)."""
        return self.post_id or self.id

    @property
    def version_number(self) -> int:
        return self.version or 1


@dataclass(frozen=True)
class FileRecord:
    id: int
    package_id: str
    filename: str
    extension: str
    object_key: str
    size_bytes: int
    sha256: str
    created_at: datetime
    # Section counts for a .SRC / .LIB once parsed; None otherwise.
    sections_active: int | None = None
    sections_calc: int | None = None
    sections_template: int | None = None
    sections_commented_out: int | None = None


@dataclass(frozen=True)
class SectionRecord:
    filename: str
    name: str
    kind: str
    params: str | None
    first_line: int
    last_line: int
    active: bool


@dataclass(frozen=True)
class WarningRecord:
    code: str
    text: str
    filename: str | None
    line: int | None


@dataclass(frozen=True)
class LibraryRefRecord:
    from_file: str
    kind: str
    raw: str
    file_name: str
    line: int
    is_master: bool
    found: bool | None


@dataclass(frozen=True)
class StoredFile:
    """A file the storing step put in the object store, before it is recorded."""

    filename: str
    extension: str
    object_key: str
    size_bytes: int
    sha256: str
