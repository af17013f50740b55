"""The result objects of ZIP validation. Immutable, so they cross threads safely."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from veripost_desktop.core.errors import UserError


@dataclass(frozen=True)
class ZipMember:
    """One accepted file of a package ZIP."""

    name: str  # flattened file name, original case kept, e.g. "HAAS_VF-4.SRC"
    path_in_zip: str  # as stored in the ZIP, decoded (cp437 or UTF-8 per flag bit 11)
    size: int  # uncompressed size from the central directory
    compressed_size: int
    extension: str  # upper case with the dot, e.g. ".SRC"
    zip_name: str  # the exact ``ZipInfo.filename``, to reopen the member with zipfile


@dataclass(frozen=True)
class ValidationResult:
    path: Path
    members: tuple[ZipMember, ...]  # accepted members, in ZIP order; empty when refused
    skipped: tuple[str, ...]  # folders and OS junk left out on purpose
    error: UserError | None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def src_member(self) -> ZipMember | None:
        """The first ``.SRC`` in ZIP order; the package is named after its stem."""
        return next((m for m in self.members if m.extension == ".SRC"), None)

    @property
    def total_size(self) -> int:
        return sum(m.size for m in self.members)
