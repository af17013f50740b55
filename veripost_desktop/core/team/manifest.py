"""``packages/{package_id}/package.json``: what a package is, written last.

The manifest is written only after every file of the package is confirmed
in the store, so a prefix without one is an unfinished upload (``gc``
removes those). It holds everything another desktop needs to list, verify,
download and describe the package without the ZIP it came from.

Versioned: ``schema_version`` is ``"MAJOR.MINOR"``. A reader accepts unknown
extra keys (a newer minor version adds keys); a newer *major* version is
reported (``manifest_unsupported``), never misread.
"""

from __future__ import annotations

import json
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from veripost_desktop.core.errors import ErrorCode, VeriPostError
from veripost_desktop.core.storage.object_store import package_prefix

# 1.1 added ``post`` (versions of a post); a 1.0 reader ignores it.
SCHEMA_VERSION = "1.1"
SCHEMA_MAJOR = 1
MANIFEST_NAME = "package.json"


def manifest_key(package_id: str) -> str:
    return f"{package_prefix(package_id)}{MANIFEST_NAME}"


def package_id_of_manifest(key: str) -> str | None:
    """``packages/{id}/package.json`` -> ``id``; None for any other key."""
    parts = key.split("/")
    if len(parts) == 3 and parts[0] == "packages" and parts[2] == MANIFEST_NAME and parts[1]:
        return parts[1]
    return None


class _Part(BaseModel):
    # Readers accept keys a newer writer added.
    model_config = ConfigDict(extra="ignore", frozen=True)


class ManifestFile(_Part):
    name: str
    extension: str
    size: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    object_key: str
    # Section counts of a .SRC / .LIB; null for other files.
    sections_active: int | None = None
    sections_calc: int | None = None
    sections_template: int | None = None
    sections_commented_out: int | None = None


class ManifestLibraryRef(_Part):
    from_file: str
    kind: str
    raw: str
    file_name: str
    line: int
    is_master: bool
    found: bool | None = None


class ManifestWarning(_Part):
    code: str
    text: str
    file: str | None = None
    line: int | None = None


class ManifestReading(_Part):
    """What the parser read of the post."""

    system: str | None = None
    machine: str | None = None
    controller: str | None = None
    post_name: str | None = None
    post_extension: str | None = None
    section_count: int | None = None
    library_refs: tuple[ManifestLibraryRef, ...] = ()
    warnings: tuple[ManifestWarning, ...] = ()


class ManifestUpload(_Part):
    user: str
    host: str
    at: datetime  # UTC


class ManifestPost(_Part):
    """The post this package is a version of: its first version's id, and its number."""

    post_id: str
    version: int = Field(ge=1)


class PackageManifest(_Part):
    schema_version: str = SCHEMA_VERSION
    package_id: str
    name: str
    zip_sha256: str | None = None
    zip_size: int = Field(default=0, ge=0)
    files: tuple[ManifestFile, ...]
    reading: ManifestReading = ManifestReading()
    uploaded: ManifestUpload
    post: ManifestPost | None = None

    def to_bytes(self) -> bytes:
        # pydantic's own (compiled) serialiser: a generated package of 500
        # files made json.dumps(indent=2) a tenth of the ingestion's time.
        return self.model_dump_json().encode("utf-8")

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)


def parse_manifest(data: bytes, key: str) -> PackageManifest:
    """Read a manifest; ``manifest_invalid`` or ``manifest_unsupported`` when it
    cannot be taken as one (both name ``key``)."""
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _invalid(key, f"not JSON: {exc}") from exc
    if not isinstance(raw, dict):
        raise _invalid(key, f"a JSON {type(raw).__name__}, not an object")
    version = str(raw.get("schema_version", ""))
    major = version.split(".", 1)[0]
    if not major.isdigit():
        raise _invalid(key, f"schema_version {version!r} is not MAJOR.MINOR")
    if int(major) > SCHEMA_MAJOR:
        raise VeriPostError(
            ErrorCode.MANIFEST_UNSUPPORTED,
            "A package in storage was written by a newer VeriPost. Update VeriPost to see it.",
            f"{key}: schema_version {version}; this VeriPost reads {SCHEMA_MAJOR}.x",
        )
    try:
        manifest = PackageManifest.model_validate(raw)
    except ValidationError as exc:
        raise _invalid(key, str(exc)) from exc
    if manifest_key(manifest.package_id) != key:
        raise _invalid(key, f"it names package {manifest.package_id!r}, not its own folder")
    return manifest


def _invalid(key: str, detail: str) -> VeriPostError:
    return VeriPostError(
        ErrorCode.MANIFEST_INVALID,
        "A package description in storage could not be read; that package was skipped.",
        f"{key}: {detail}",
    )
