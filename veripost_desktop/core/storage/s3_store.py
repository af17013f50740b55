"""MinIO (or any S3-compatible server) through the ``minio`` SDK.

Every client exception is turned into the one error shape here, so nothing
above this module knows which SDK is underneath.
"""

from __future__ import annotations

import hashlib
import io
import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import BinaryIO
from urllib.parse import urlsplit

import urllib3
from minio import Minio
from minio.deleteobjects import DeleteObject
from minio.error import MinioException, S3Error

from veripost_desktop.core.errors import ErrorCode, VeriPostError
from veripost_desktop.core.storage.object_store import (
    CHUNK_SIZE,
    ObjectInfo,
    ProgressCallback,
    StoreNotReady,
)

UNAVAILABLE_MESSAGE = "File storage is temporarily unavailable. Your package could not be saved."

# Transient failures (connection resets, 5xx answers) are retried by urllib3
# with exponential backoff: 0.25 s, 0.5 s, 1 s (about 2 s in all) before the
# error reaches the user. Connect timeout is short so "storage unreachable"
# is reported quickly; reads allow for slow links.
RETRIES = urllib3.Retry(
    total=3,
    connect=3,
    read=3,
    backoff_factor=0.25,
    status_forcelist=(500, 502, 503, 504),
    allowed_methods=None,  # PUT/POST too: part uploads are idempotent
    raise_on_status=False,
)
TIMEOUT = urllib3.Timeout(connect=5.0, read=120.0)
# S3 multipart needs parts of at least 5 MiB. An object up to one part goes
# in a single PUT; a larger one is sent as parts (both by ``put_object``).
PART_SIZE = 8 * 1024 * 1024
# Parts of one object sent at the same time (the SDK's ``num_parallel_uploads``):
# reading and decompressing the next part overlaps with sending the last. The
# SDK reads a part, then waits for a free sender before reading the next, so
# one upload holds at most PARALLEL_PARTS + 1 parts (pyproject pins the minio
# releases where a sender is freed even after another part failed).
PARALLEL_PARTS = 2
# Object data all uploads of one store may hold in memory at once, whatever
# the number of packages, members and parts in flight. Each upload takes, before
# its first read, the most it can hold (its size, capped at PARALLEL_PARTS + 1
# parts) and gives it back when it returns: taken whole, so two uploads never
# wait on each other's half. Four parts, as four ingestion workers held before
# parts went in parallel: one large member at a time, small ones beside it.
MAX_BUFFERED_BYTES = 4 * PART_SIZE

log = logging.getLogger(__name__)

# S3 error codes that mean "no such object" when reading one.
_ABSENT = ("NoSuchKey", "NotFound", "NoSuchBucket")


class _ProgressReader:
    """Reports bytes as they are read from the source stream, and keeps the
    MD5s the server's ETag is made of, so the answer to the upload itself
    confirms the object holds exactly these bytes: a plain PUT's ETag is the
    MD5 of the body; a multipart upload's is the MD5 of its parts' MD5s, "-",
    their count. The parts are cut here at the boundaries the SDK cuts them
    (every ``part_size`` bytes, the last one shorter).

    ``read(n)`` returns exactly ``n`` bytes unless the stream ends first: the
    SDK appends each read to the part it builds (``bytes +=``), so one full
    read per part saves copying a part over and over in small pieces.
    """

    def __init__(
        self, stream: BinaryIO, progress: ProgressCallback | None, part_size: int | None
    ) -> None:
        self._stream = stream
        self._progress = progress
        self._part_size = part_size  # None: one PUT, one MD5 of the whole body
        self._md5 = hashlib.md5(usedforsecurity=False)
        self._in_part = 0  # bytes of the current part hashed so far
        self._part_digests: list[bytes] = []

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            data = self._stream.read()
            self._report(len(data))
        else:
            chunks: list[bytes] = []
            left = size
            while left > 0:
                chunk = self._stream.read(left)
                if not chunk:
                    break
                chunks.append(chunk)
                left -= len(chunk)
                self._report(len(chunk))
            data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        self._hash(data)
        return data

    def _hash(self, data: bytes) -> None:
        if self._part_size is None:
            self._md5.update(data)
            return
        view = memoryview(data)
        while view:
            piece = view[: self._part_size - self._in_part]
            self._md5.update(piece)
            self._in_part += len(piece)
            view = view[len(piece) :]
            if self._in_part == self._part_size:
                self._part_digests.append(self._md5.digest())
                self._md5 = hashlib.md5(usedforsecurity=False)
                self._in_part = 0

    def expected_etag(self) -> str:
        """The ETag an S3 server gives the bytes read so far, sent as they were."""
        if self._part_size is None:
            return self._md5.hexdigest()
        digests = self._part_digests + ([self._md5.digest()] if self._in_part else [])
        of_parts = hashlib.md5(b"".join(digests), usedforsecurity=False).hexdigest()
        return f"{of_parts}-{len(digests)}"

    def _report(self, n: int) -> None:
        if n and self._progress is not None:
            self._progress(n)


class _MemoryBudget:
    """A counting bound on bytes held, shared by every upload of one store."""

    def __init__(self, limit: int) -> None:
        self._limit = max(1, limit)
        self._free = self._limit
        self._changed = threading.Condition()

    def take(self, n: int) -> int:
        """Wait until ``n`` bytes (at most the whole budget) are free; returns what was taken."""
        n = min(max(n, 0), self._limit)
        with self._changed:
            while self._free < n:
                self._changed.wait()
            self._free -= n
        return n

    def give(self, n: int) -> None:
        with self._changed:
            self._free += n
            self._changed.notify_all()


class S3Store:
    def __init__(
        self,
        endpoint: str,
        access_key: str | None,
        secret_key: str | None,
        bucket: str,
        region: str = "us-east-1",
        max_connections: int = 16,
        parallel_parts: int = PARALLEL_PARTS,
        max_buffered_bytes: int = MAX_BUFFERED_BYTES,
    ) -> None:
        parts = urlsplit(endpoint if "://" in endpoint else f"http://{endpoint}")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise VeriPostError(
                ErrorCode.STORAGE_UNAVAILABLE,
                "The storage address is not a valid URL.",
                f"expected http(s)://host:port, got {endpoint!r}",
            )
        self._endpoint_url = f"{parts.scheme}://{parts.netloc}"
        self._bucket = bucket
        self._region = region
        self._parallel_parts = max(1, parallel_parts)
        self._budget = _MemoryBudget(max_buffered_bytes)
        self._ready = False  # the bucket is known to exist
        # ``block``: a request waits for one of the ``max_connections``
        # connections rather than opening (and then dropping, with a warning)
        # one more. Members and parts upload in parallel, so more requests
        # than that can be ready at once.
        http = urllib3.PoolManager(
            timeout=TIMEOUT, retries=RETRIES, maxsize=max_connections, block=True
        )
        self._client = Minio(
            parts.netloc,
            access_key=access_key,
            secret_key=secret_key,
            secure=parts.scheme == "https",
            region=region,
            http_client=http,
        )

    @property
    def description(self) -> str:
        return f"MinIO {self._endpoint_url} (bucket {self._bucket})"

    @property
    def bucket(self) -> str:
        return self._bucket

    @property
    def identity(self) -> str:
        return f"s3:{self._endpoint_url.lower()}/{self._bucket}"

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except VeriPostError:
            raise
        except S3Error as exc:
            raise VeriPostError(
                ErrorCode.STORAGE_ERROR,
                "File storage refused the request.",
                f"{action} on {self.description}: {exc.code}: {exc.message}",
            ) from exc
        except (urllib3.exceptions.HTTPError, OSError, MinioException) as exc:
            raise VeriPostError(
                ErrorCode.STORAGE_UNAVAILABLE,
                UNAVAILABLE_MESSAGE,
                f"{action} on {self.description}: {type(exc).__name__}: {exc}",
            ) from exc

    def ensure_ready(self) -> None:
        """Reach the server and make the bucket exist. Asked once per store:
        after the first success the answer is kept (one request less for every
        package), and forgotten when a request finds the bucket gone."""
        if self._ready:
            return
        with self._errors("check bucket"):
            if not self._client.bucket_exists(bucket_name=self._bucket):
                try:
                    self._client.make_bucket(bucket_name=self._bucket, location=self._region)
                except S3Error as exc:
                    # Another process created it between the check and the create.
                    if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                        raise
        self._ready = True

    def put_stream(
        self,
        key: str,
        stream: BinaryIO,
        length: int,
        progress: ProgressCallback | None = None,
    ) -> ObjectInfo | None:
        in_parts = length > PART_SIZE
        reader = _ProgressReader(stream, progress, PART_SIZE if in_parts else None)
        most_held = min(length, (self._parallel_parts + 1) * PART_SIZE) if in_parts else length
        held = self._budget.take(most_held)
        try:
            with self._errors(f"upload {key}"):
                try:
                    # One PUT up to PART_SIZE; above, create, parts, complete
                    # (or abort on a failure), all inside the SDK's public call.
                    # If the source fails while parts are being sent, the SDK
                    # aborts the upload but leaves its idle sender threads.
                    result = self._client.put_object(
                        bucket_name=self._bucket,
                        object_name=key,
                        data=reader,  # type: ignore[arg-type]
                        length=length,
                        part_size=PART_SIZE,
                        num_parallel_uploads=self._parallel_parts,
                    )
                except S3Error as exc:
                    if exc.code != "NoSuchBucket":
                        raise
                    self._ready = False  # removed behind our back: ensure_ready remakes it
                    raise StoreNotReady(
                        f"upload {key} on {self.description}: {exc.code}: {exc.message}"
                    ) from exc
        finally:
            self._budget.give(held)
        etag = (result.etag or "").strip('"').lower()
        if etag == reader.expected_etag():
            return ObjectInfo(key=key, size=length)
        # Not an MD5 ETag (encrypted buckets answer with other ETags): ask for the size.
        info = self.stat(key)
        if info is not None and info.size == length:
            log.info("%s: ETag %s is not the MD5 of the upload; size confirmed instead", key, etag)
        return info

    def stat(self, key: str) -> ObjectInfo | None:
        try:
            with self._errors(f"stat {key}"):
                info = self._client.stat_object(bucket_name=self._bucket, object_name=key)
        except VeriPostError as exc:
            cause = exc.__cause__
            if isinstance(cause, S3Error) and cause.code in ("NoSuchKey", "NotFound"):
                return None
            raise
        return ObjectInfo(
            key=key,
            size=int(info.size or 0),
            etag=(info.etag or "").strip('"') or None,
            last_modified=info.last_modified,
        )

    def iter_chunks(self, key: str) -> Iterator[bytes]:
        with self._errors(f"download {key}"):
            response = self._client.get_object(bucket_name=self._bucket, object_name=key)
            try:
                yield from response.stream(CHUNK_SIZE)
            finally:
                response.close()
                response.release_conn()

    def list_keys(self, prefix: str) -> list[str]:
        with self._errors(f"list {prefix}"):
            try:
                return sorted(
                    obj.object_name
                    for obj in self._client.list_objects(
                        bucket_name=self._bucket, prefix=prefix, recursive=True
                    )
                    if obj.object_name
                )
            except S3Error as exc:
                if exc.code == "NoSuchBucket":  # nothing was ever stored
                    return []
                raise

    def delete_prefix(self, prefix: str) -> int:
        keys = self.list_keys(prefix)
        if not keys:
            return 0
        with self._errors(f"delete {prefix}"):
            failures = list(
                self._client.remove_objects(
                    bucket_name=self._bucket,
                    delete_object_list=[DeleteObject(k) for k in keys],
                )
            )
            if failures:
                raise VeriPostError(
                    ErrorCode.STORAGE_ERROR,
                    "Some stored files could not be removed.",
                    "; ".join(f"{f.name}: {f.message}" for f in failures),
                )
        return len(keys)

    # ---- what the team repository needs (manifests, refresh, gc) ----------

    def list_objects(self, prefix: str) -> Iterator[ObjectInfo]:
        """Streams the listing (1,000 keys a request): a refresh of 10,000
        packages starts on the first page while the next are fetched."""
        with self._errors(f"list {prefix}"):
            try:
                for obj in self._client.list_objects(
                    bucket_name=self._bucket, prefix=prefix, recursive=True
                ):
                    if obj.object_name:
                        yield ObjectInfo(
                            key=obj.object_name,
                            size=int(obj.size or 0),
                            etag=(obj.etag or "").strip('"') or None,
                            last_modified=obj.last_modified,
                        )
            except S3Error as exc:
                if exc.code != "NoSuchBucket":  # nothing was ever stored: an empty listing
                    raise

    def put_bytes(self, key: str, data: bytes) -> ObjectInfo:
        self.ensure_ready()
        with self._errors(f"upload {key}"):
            result = self._client.put_object(
                bucket_name=self._bucket,
                object_name=key,
                data=io.BytesIO(data),
                length=len(data),
                content_type="application/json",
            )
        etag = (result.etag or "").strip('"')
        if etag and etag.lower() != hashlib.md5(data, usedforsecurity=False).hexdigest():
            # Not an MD5 ETag (an encrypted bucket): make sure the object holds it all.
            info = self.stat(key)
            if info is None or info.size != len(data):
                raise VeriPostError(
                    ErrorCode.STORAGE_VERIFY_FAILED,
                    "File storage did not keep what was sent.",
                    f"{key}: sent {len(data)} bytes, storage holds {info.size if info else 0}",
                )
        return ObjectInfo(key=key, size=len(data), etag=etag or None)

    def get_bytes(self, key: str) -> bytes | None:
        try:
            with self._errors(f"download {key}"):
                response = self._client.get_object(bucket_name=self._bucket, object_name=key)
                try:
                    return bytes(response.read())
                finally:
                    response.close()
                    response.release_conn()
        except VeriPostError as exc:
            cause = exc.__cause__
            if isinstance(cause, S3Error) and cause.code in _ABSENT:
                return None
            raise

    def delete_keys(self, keys: Iterable[str]) -> int:
        keys = list(keys)
        if not keys:
            return 0
        with self._errors(f"delete {len(keys)} object(s)"):
            failures = [
                f
                for f in self._client.remove_objects(
                    bucket_name=self._bucket,
                    delete_object_list=[DeleteObject(k) for k in keys],
                )
                if f.code not in ("NoSuchKey", "NoSuchBucket")
            ]
            if failures:
                raise VeriPostError(
                    ErrorCode.STORAGE_ERROR,
                    "Some stored files could not be removed.",
                    "; ".join(f"{f.name}: {f.message}" for f in failures),
                )
        return len(keys)
