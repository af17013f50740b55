"""The storage interface the ingestion flow and downloads talk to.

Keys follow ``packages/{package_id}/{filename}`` in both back ends, so a
catalog can move from the local store to MinIO without renaming anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol

CHUNK_SIZE = 1024 * 1024

ProgressCallback = Callable[[int], None]


def package_prefix(package_id: str) -> str:
    return f"packages/{package_id}/"


def object_key(package_id: str, filename: str) -> str:
    return f"{package_prefix(package_id)}{filename}"


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
    ) -> None:
        """Store exactly ``length`` bytes read from ``stream`` under ``key``.

        Streams: never holds the whole object in memory."""
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
