"""The two posts of a comparison: a catalog package read back from storage,
or a ZIP read where it lies (checked as ingestion checks it, never stored).

Only the ``.SRC`` and ``.LIB`` bytes are kept; every other file is known by
its SHA-256 alone (a ``.CTL`` is compared by that).
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from veripost_desktop.core.catalog import Catalog, FileRecord, PackageStatus
from veripost_desktop.core.compare.model import Side
from veripost_desktop.core.config import Settings
from veripost_desktop.core.downloads import read_verified
from veripost_desktop.core.errors import ErrorCode, VeriPostError
from veripost_desktop.core.storage.object_store import ObjectStore
from veripost_desktop.core.zip_validation import validate_zip

# The files whose text is compared section by section.
TEXT_EXTENSIONS = frozenset({".SRC", ".LIB"})
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class PostFile:
    name: str  # the file's name as stored (no folder)
    extension: str  # upper case with the dot: ".SRC"
    sha256: str
    data: bytes | None  # the bytes of a .SRC / .LIB; None for other files


@dataclass(frozen=True)
class PostSource:
    side: Side
    files: tuple[PostFile, ...]

    def texts(self) -> dict[str, bytes]:
        return {f.name: f.data for f in self.files if f.data is not None}


def load_post(catalog: Catalog, store: ObjectStore, ref: str, settings: Settings) -> PostSource:
    """``ref`` is a package id of the catalog, else the path of a ZIP."""
    if catalog.find_package(ref) is not None:
        return load_package(catalog, store, ref)
    path = Path(ref)
    if path.suffix.lower() == ".zip" or path.exists():
        return load_zip(path, settings)
    catalog.get_package(ref)  # raises package_not_found
    raise AssertionError("unreachable")


def load_package(catalog: Catalog, store: ObjectStore, package_id: str) -> PostSource:
    package = catalog.get_package(package_id)
    if package.status is not PackageStatus.READY:
        raise VeriPostError(
            ErrorCode.PACKAGE_NOT_READY,
            f"The package {package.name} is not ready (it is {package.status.value}), "
            "so it cannot be compared.",
            f"package {package_id}: status {package.status.value}",
        )
    files = tuple(
        PostFile(
            name=record.filename,
            extension=record.extension.upper(),
            sha256=record.sha256,
            data=_read_stored(store, record)
            if record.extension.upper() in TEXT_EXTENSIONS
            else None,
        )
        for record in catalog.list_files(package_id)
    )
    return PostSource(Side(package.id, package.name, None), files)


def _read_stored(store: ObjectStore, record: FileRecord) -> bytes:
    """A stored file's bytes, refused unless their size and SHA-256 are the catalog's."""
    return read_verified(
        store,
        record,
        mismatch_message="A stored file does not match what was uploaded, so the posts "
        "were not compared.",
    )


def load_zip(path: Path, settings: Settings) -> PostSource:
    """A package ZIP checked as ingestion checks it (``validate_zip``), then read."""
    validation = validate_zip(
        path, accepted_extensions=settings.accepted_extensions, limits=settings.limits
    )
    if validation.error is not None:
        error = validation.error
        raise VeriPostError(error.code, error.message, error.detail)
    files = []
    # Read as the parsing step reads a validated ZIP: every member's CRC and
    # size were just checked against the limits by validate_zip.
    with zipfile.ZipFile(path) as zf:
        for member in validation.members:
            digest = hashlib.sha256()
            keep = member.extension.upper() in TEXT_EXTENSIONS
            parts = []
            with zf.open(member.zip_name) as stream:
                while chunk := stream.read(_CHUNK):
                    digest.update(chunk)
                    if keep:
                        parts.append(chunk)
            files.append(
                PostFile(
                    name=member.name,
                    extension=member.extension.upper(),
                    sha256=digest.hexdigest(),
                    data=b"".join(parts) if keep else None,
                )
            )
    src = validation.src_member
    name = Path(src.name).stem if src is not None else path.stem
    return PostSource(Side(None, name, str(path)), tuple(files))
