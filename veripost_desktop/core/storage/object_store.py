"""The storage interface the ingestion flow and downloads talk to.

Keys follow ``packages/{package_id}/{filename}`` in both back ends, so a
catalog can move from the local store to MinIO without renaming anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO, Protocol

from veripost_desktop.core.errors import ErrorCode, VeriPostError

CHUNK_SIZE = 1024 * 1024

ProgressCallback = Callable[[int], None]


def package_prefix(package_id: str) -> str:
    return f"packages/{package_id}/"


def object_key(package_id: str, filename: str) -> str:
    return f"{package_prefix(package_id)}{filename}"


# Every package lives under this prefix; a refresh lists it whole.
PACKAGES_PREFIX = "packages/"


class StoreNotReady(VeriPostError):
    """The bucket went away (a wiped or replaced server) since ``ensure_ready``
    last saw it. The store has forgotten that it was ready: ``ensure_ready``
    then the same upload again, from a fresh stream, is expected to work."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            ErrorCode.STORAGE_ERROR,
            "The storage bucket is missing, so the file could not be saved.",
            detail,
        )


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    # What changes whenever the object is written again (the S3 ETag; size and
    # modification time for the local store), and when it was last written.
    # Filled by ``list_objects`` and ``put_bytes``; may be None elsewhere.
    etag: str | None = None
    last_modified: datetime | None = None


class ObjectStore(Protocol):
    """What every back end offers. Implementations raise ``VeriPostError``
    with ``storage_unavailable`` (cannot reach the store) or ``storage_error``
    (the store answered with a failure); never a raw client exception."""

    @property
    def description(self) -> str:
        """Where objects go, for a person: "Local folder /x" or "MinIO http://h:9000 (bucket b)"."""
        ...

    @property
    def identity(self) -> str:
        """Which store this is, stable across runs and desktops, for the catalog
        to record: ``s3:http://h:9000/bucket`` or ``local:/path/to/bucket``."""
        ...

    def ensure_ready(self) -> None:
        """Check the store can be reached and create the bucket/folder if missing."""
        ...

    def put_stream(
        self,
        key: str,
        stream: BinaryIO,
        length: int,
        progress: ProgressCallback | None = None,
    ) -> ObjectInfo | None:
        """Store exactly ``length`` bytes read from ``stream`` under ``key``,
        and return what the store confirms it now holds there (None: nothing).

        Streams: never holds the whole object in memory. The confirmation
        costs no extra request where the store's answer to the upload proves
        it (an S3 ETag equal to the MD5 of the bytes sent)."""
        ...

    def stat(self, key: str) -> ObjectInfo | None:
        """Size of the object, or None when it does not exist."""
        ...

    def iter_chunks(self, key: str) -> Iterator[bytes]:
        """The object's bytes, in order, in bounded chunks."""
        ...

    def list_keys(self, prefix: str) -> list[str]: ...

    def list_objects(self, prefix: str) -> Iterable[ObjectInfo]:
        """Every object under ``prefix`` with its size, ETag and time, in key order."""
        ...

    def put_bytes(self, key: str, data: bytes) -> ObjectInfo:
        """Store a small object (a manifest) whole; returns it with its ETag."""
        ...

    def get_bytes(self, key: str) -> bytes | None:
        """A small object's bytes, or None when it does not exist."""
        ...

    def delete_keys(self, keys: Iterable[str]) -> int:
        """Delete these objects (missing ones are no error); returns how many were asked."""
        ...

    def delete_prefix(self, prefix: str) -> int:
        """Delete every object under ``prefix``; returns how many went."""
        ...
