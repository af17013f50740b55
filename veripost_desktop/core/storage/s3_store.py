"""MinIO (or any S3-compatible server) through the ``minio`` SDK.

Every client exception is turned into the one error shape here, so nothing
above this module knows which SDK is underneath.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO
from urllib.parse import urlsplit

import urllib3
from minio import Minio
from minio.deleteobjects import DeleteObject
from minio.error import MinioException, S3Error

from veripost_desktop.core.errors import ErrorCode, VeriPostError
from veripost_desktop.core.storage.object_store import CHUNK_SIZE, ObjectInfo, ProgressCallback

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
# S3 multipart needs parts of at least 5 MiB. One part is held in memory at a
# time per upload, which bounds memory whatever the member size.
PART_SIZE = 8 * 1024 * 1024


class _ProgressReader:
    """Reports bytes as minio reads them from the source stream."""

    def __init__(self, stream: BinaryIO, progress: ProgressCallback | None) -> None:
        self._stream = stream
        self._progress = progress

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        if data and self._progress is not None:
            self._progress(len(data))
        return data


class S3Store:
    def __init__(
        self,
        endpoint: str,
        access_key: str | None,
        secret_key: str | None,
        bucket: str,
        region: str = "us-east-1",
        max_connections: int = 16,
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
        http = urllib3.PoolManager(
            timeout=TIMEOUT, retries=RETRIES, maxsize=max_connections, block=False
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
        with self._errors("check bucket"):
            if not self._client.bucket_exists(bucket_name=self._bucket):
                try:
                    self._client.make_bucket(bucket_name=self._bucket, location=self._region)
                except S3Error as exc:
                    # Another process created it between the check and the create.
                    if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                        raise

    def put_stream(
        self,
        key: str,
        stream: BinaryIO,
        length: int,
        progress: ProgressCallback | None = None,
    ) -> None:
        with self._errors(f"upload {key}"):
            self._client.put_object(
                bucket_name=self._bucket,
                object_name=key,
                data=_ProgressReader(stream, progress),  # type: ignore[arg-type]
                length=length,
                part_size=PART_SIZE,
                # The SDK's parallel mode queues parts without bound; one part
                # at a time keeps memory flat. Parallelism comes from several
                # packages uploading at once.
                num_parallel_uploads=1,
            )

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
