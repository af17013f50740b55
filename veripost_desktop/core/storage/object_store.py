"""The storage interface the ingestion flow and downloads talk to.

Keys follow ``packages/{package_id}/{filename}`` in both back ends, so a
catalog can move from the local store to MinIO without renaming anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from veripost_desktop.core.errors import ErrorCode, VeriPostError

CHUNK_SIZE = 1024 * 1024

ProgressCallback = Callable[[int], None]


def package_prefix(package_id: str) -> str:
    return f"packages/{package_id}/"


def object_key(package_id: str, filename: str) -> str:
    return f"{package_prefix(package_id)}{filename}"


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


class ObjectStore(Protocol):
    """What every back end offers. Implementations raise ``VeriPostError``
    with ``storage_unavailable`` (cannot reach the store) or ``storage_error``
    (the store answered with a failure); never a raw client exception."""

    @property
    def description(self) -> str:
        """Where objects go, for a person: "Local folder /x" or "MinIO http://h:9000 (bucket b)"."""
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

    def delete_prefix(self, prefix: str) -> int:
        """Delete every object under ``prefix``; returns how many went."""
        ...
