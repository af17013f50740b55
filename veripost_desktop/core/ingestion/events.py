"""What an ingestion reports while it runs and when it ends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from veripost_desktop.core.catalog.records import PackageRecord, PackageStatus
from veripost_desktop.core.errors import UserError


@dataclass(frozen=True)
class IngestEvent:
    """A status change or a progress tick for one package."""

    package_id: str
    job_id: str
    status: PackageStatus
    bytes_done: int = 0
    bytes_total: int = 0
    error: UserError | None = None


EventCallback = Callable[[IngestEvent], None]
CancelCheck = Callable[[], bool]


@dataclass(frozen=True)
class IngestOutcome:
    """The end of one ZIP's ingestion: refused before a row was made
    (``package`` None, ``error`` set), or a package row in ``ready`` / ``error``."""

    path: Path
    package: PackageRecord | None
    error: UserError | None
    # Set when the ZIP's content was already in the catalog and was not added again.
    duplicate_of: PackageRecord | None = None

    @property
    def ok(self) -> bool:
        if self.duplicate_of is not None:
            return True
        # Ready, and nothing asked of it afterwards failed (a version link).
        return (
            self.package is not None
            and self.package.status is PackageStatus.READY
            and self.error is None
        )
