"""MinIO (or any S3-compatible server) through the ``minio`` SDK.

Every client exception is turned into the one error shape here, so nothing
above this module knows which SDK is underneath.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from typing import BinaryIO
from urllib.parse import urlsplit

import urllib3
from minio import Minio
from minio.datatypes import Part
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
# in a single PUT; a larger one is sent as parts.
PART_SIZE = 8 * 1024 * 1024
# Parts of one object in flight at the same time: reading and decompressing
# the next part overlaps with sending the last. (The SDK's own parallel mode,
# ``num_parallel_uploads``, reads ahead into an unbounded queue instead.)
PARALLEL_PARTS = 2
# Object data all uploads of one store may hold in memory at once, whatever
# the number of packages, members and parts in flight: a request body is
# counted from the moment it is read until it has been sent. Four parts, as
# four ingestion workers held before parts went in parallel.
MAX_BUFFERED_BYTES = 4 * PART_SIZE
# The SDK's multipart calls, used for the bounded parallel upload; if a future
# SDK drops them, uploads fall back to its sequential put_object.
_MULTIPART_API = (
    "_create_multipart_upload",
    "_upload_part",
    "_complete_multipart_upload",
    "_abort_multipart_upload",
)

log = logging.getLogger(__name__)


class _ProgressReader:
    """Reports bytes as they are read from the source stream, and keeps the
    MD5 of everything read: a plain PUT's ETag is that MD5, so the answer to
    the upload itself confirms the object holds exactly these bytes.

    ``read(n)`` returns exactly ``n`` bytes unless the stream ends first: the
    SDK appends each read to the part it builds (``bytes +=``), so one full
    read per part saves copying a part over and over in small pieces.
    """

    def __init__(
        self, stream: BinaryIO, progress: ProgressCallback | None, *, md5: bool = True
    ) -> None:
        self._stream = stream
        self._progress = progress
        # A multipart upload hashes each part instead (its ETag is built from those).
        self.md5 = hashlib.md5(usedforsecurity=False) if md5 else None

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
        if self.md5 is not None:
            self.md5.update(data)
        return data

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
        in_parts = length > PART_SIZE and all(hasattr(self._client, m) for m in _MULTIPART_API)
        reader = _ProgressReader(stream, progress, md5=length <= PART_SIZE)
        with self._errors(f"upload {key}"):
            try:
                if in_parts:
                    etag, expected = self._put_parts(key, reader, length)
                else:
                    etag, expected = self._put_whole(key, reader, length)
            except S3Error as exc:
                if exc.code != "NoSuchBucket":
                    raise
                self._ready = False  # removed behind our back: ensure_ready remakes it
                raise StoreNotReady(
                    f"upload {key} on {self.description}: {exc.code}: {exc.message}"
                ) from exc
        if expected is not None and etag.strip('"').lower() == expected:
            return ObjectInfo(key=key, size=length)
        # No ETag to compare (the SDK's own multipart path) or not an MD5 one
        # (encrypted buckets answer with other ETags): ask for the size.
        info = self.stat(key)
        if info is not None and info.size == length and expected is not None:
            log.info("%s: ETag %s is not the MD5 of the upload; size confirmed instead", key, etag)
        return info

    def _put_whole(self, key: str, reader: _ProgressReader, length: int) -> tuple[str, str | None]:
        """One PUT (or the SDK's sequential multipart); returns (ETag, expected ETag)."""
        held = self._budget.take(min(length, PART_SIZE))
        try:
            result = self._client.put_object(
                bucket_name=self._bucket,
                object_name=key,
                data=reader,  # type: ignore[arg-type]
                length=length,
                part_size=PART_SIZE,
                num_parallel_uploads=1,  # the SDK's parallel mode queues without bound
            )
        finally:
            self._budget.give(held)
        expected = reader.md5.hexdigest() if reader.md5 is not None else None
        return result.etag or "", expected

    def _put_parts(self, key: str, reader: _ProgressReader, length: int) -> tuple[str, str]:
        """A multipart upload with at most ``parallel_parts`` parts in flight;
        returns (ETag, expected ETag: the MD5 of the parts' MD5s, "-", their count)."""
        client = self._client
        upload_id = client._create_multipart_upload(
            self._bucket, key, {"Content-Type": "application/octet-stream"}
        )
        try:
            digests: list[bytes] = []
            etags = self._upload_parts(key, upload_id, reader, length, digests)
            parts = [Part(number, etag) for number, etag in enumerate(etags, start=1)]
            result = client._complete_multipart_upload(self._bucket, key, upload_id, parts)
        except BaseException:
            try:
                client._abort_multipart_upload(self._bucket, key, upload_id)
            except Exception as exc:  # noqa: BLE001 - the upload's own error matters more
                log.warning("could not abort the multipart upload of %s: %s", key, exc)
            raise
        of_parts = hashlib.md5(b"".join(digests), usedforsecurity=False).hexdigest()
        return result.etag or "", f"{of_parts}-{len(digests)}"

    def _upload_parts(
        self,
        key: str,
        upload_id: str,
        reader: _ProgressReader,
        length: int,
        digests: list[bytes],
    ) -> list[str]:
        """Read the parts in order, each once a slot and the memory for it are
        free; return their ETags and append each part's MD5 to ``digests``.

        Returns only after every started part has ended, so nothing is still
        being sent when the caller completes or aborts the upload.
        """
        slots = threading.Semaphore(self._parallel_parts)
        futures: list[Future[str]] = []

        def sent(held: int, _future: Future[str]) -> None:
            self._budget.give(held)
            slots.release()

        with ThreadPoolExecutor(self._parallel_parts, thread_name_prefix="s3-part") as pool:
            try:
                offset = 0
                while offset < length:
                    size = min(PART_SIZE, length - offset)
                    slots.acquire()
                    if any(f.done() and f.exception() is not None for f in futures):
                        slots.release()
                        break  # a part failed: its error is raised below
                    held = self._budget.take(size)
                    try:
                        data = reader.read(size)
                        if len(data) != size:
                            # The SDK's words for a short stream, so both paths read alike.
                            raise OSError(
                                f"stream having not enough data; expected: {size}, "
                                f"got: {len(data)} bytes"
                            )
                        digests.append(hashlib.md5(data, usedforsecurity=False).digest())
                        future = pool.submit(
                            self._client._upload_part,
                            self._bucket,
                            key,
                            data,
                            None,
                            upload_id,
                            len(futures) + 1,
                        )
                    except BaseException:
                        sent(held, Future())
                        raise
                    del data  # held by the future until the part is sent
                    future.add_done_callback(partial(sent, held))
                    futures.append(future)
                    offset += size
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
        return [future.result() for future in futures]

    def stat(self, key: str) -> ObjectInfo | None:
        try:
            with self._errors(f"stat {key}"):
                info = self._client.stat_object(bucket_name=self._bucket, object_name=key)
        except VeriPostError as exc:
            cause = exc.__cause__
            if isinstance(cause, S3Error) and cause.code in ("NoSuchKey", "NotFound"):
                return None
            raise
        return ObjectInfo(key=key, size=int(info.size or 0))

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
