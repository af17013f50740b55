"""Step 2: stream each member from the ZIP into the object store.

Nothing is read whole: each member flows through a SHA-256 counter straight
into the store's upload, one bounded chunk at a time. Every object is then
confirmed to be there with the right size: by the store's answer to the upload
itself where it proves that (an S3 ETag equal to the MD5 of the bytes sent),
else by asking the store for the object's size.

Up to ``upload_workers`` members of one package are uploaded at the same time
(each on its own stream of the one open ZIP), which hides the store's round
trips; the first failure stops the others, and the step returns only once no
upload is running, so a cleanup after a failure finds everything there is.
"""

from __future__ import annotations

import hashlib
import threading
import zipfile
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from contextlib import closing
from pathlib import Path
from typing import BinaryIO

from veripost_desktop.core.catalog.records import StoredFile
from veripost_desktop.core.config import ZipLimits
from veripost_desktop.core.errors import ErrorCode, VeriPostError
from veripost_desktop.core.ingestion.events import CancelCheck
from veripost_desktop.core.ingestion.validating_step import check_cancel
from veripost_desktop.core.storage.object_store import ObjectStore, StoreNotReady, object_key
from veripost_desktop.core.zip_validation import ValidationResult, ZipMember, open_member_stream

# Members of one package uploaded at the same time.
UPLOAD_WORKERS = 4


class _HashingReader:
    """Counts and hashes bytes as the store reads them; checks cancellation."""

    def __init__(self, stream: BinaryIO, cancel: CancelCheck | None) -> None:
        self._stream = stream
        self._cancel = cancel
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        check_cancel(self._cancel)
        data = self._stream.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


class _Abandoned(Exception):
    """Internal: another member's upload failed, so this one stops."""


def _store_member(
    zf: zipfile.ZipFile,
    member: ZipMember,
    package_id: str,
    store: ObjectStore,
    limits: ZipLimits,
    progress: Callable[[int], None] | None,
    cancel: CancelCheck | None,
) -> StoredFile:
    check_cancel(cancel)
    key = object_key(package_id, member.name)
    for attempt in (1, 2):
        with closing(open_member_stream(zf, member, limits=limits)) as raw:
            reader = _HashingReader(raw, cancel)
            try:
                info = store.put_stream(key, reader, member.size, progress)  # type: ignore[arg-type]
                break
            except StoreNotReady:
                if attempt == 2:
                    raise
        # The bucket was wiped since it was last seen: make it again and send
        # this member once more, from a fresh stream of the ZIP. Its bytes
        # count twice in the progress; the bar is capped at the total.
        store.ensure_ready()
    if reader.size != member.size:
        raise VeriPostError(
            ErrorCode.CORRUPT_ZIP,
            "A file in the ZIP is damaged and could not be read completely.",
            f"{member.path_in_zip}: header says {member.size} bytes, read {reader.size}",
        )
    if info is None or info.size != member.size:
        raise VeriPostError(
            ErrorCode.STORAGE_VERIFY_FAILED,
            "A file did not arrive in storage intact. Your package could not be saved.",
            f"{key}: expected {member.size} bytes, "
            f"storage has {'nothing' if info is None else info.size}",
        )
    return StoredFile(
        filename=member.name,
        extension=member.extension,
        object_key=key,
        size_bytes=member.size,
        sha256=reader.digest.hexdigest(),
    )


def _store_members_in_parallel(
    zf: zipfile.ZipFile,
    members: tuple[ZipMember, ...],
    package_id: str,
    store: ObjectStore,
    limits: ZipLimits,
    progress: Callable[[int], None] | None,
    cancel: CancelCheck | None,
    workers: int,
) -> list[StoredFile]:
    stop = threading.Event()

    def cancelled() -> bool:
        if stop.is_set():
            raise _Abandoned
        return cancel is not None and cancel()

    report = None
    if progress is not None:
        # The caller's counter is not thread-safe; its calls are made one at a time.
        lock = threading.Lock()
        tick = progress

        def report(n: int) -> None:
            with lock:
                tick(n)

    def store_one(member: ZipMember) -> StoredFile:
        if stop.is_set():
            raise _Abandoned
        return _store_member(zf, member, package_id, store, limits, report, cancelled)

    futures: list[Future[StoredFile]] = []
    with ThreadPoolExecutor(workers, thread_name_prefix="store-member") as pool:
        futures = [pool.submit(store_one, member) for member in members]
        wait(futures, return_when=FIRST_EXCEPTION)
        if any(f.done() and f.exception() is not None for f in futures):
            stop.set()
            for future in futures:
                future.cancel()
    # Every upload has ended here. Report the failure that stopped the others.
    errors = [
        exc
        for f in futures
        if not f.cancelled() and (exc := f.exception()) is not None
        if not isinstance(exc, _Abandoned)
    ]
    if errors:
        raise errors[0]
    return [f.result() for f in futures]


def run_storing_step(
    zip_path: Path,
    validation: ValidationResult,
    package_id: str,
    store: ObjectStore,
    limits: ZipLimits,
    progress: Callable[[int], None] | None = None,
    cancel: CancelCheck | None = None,
    *,
    upload_workers: int = UPLOAD_WORKERS,
) -> list[StoredFile]:
    store.ensure_ready()
    try:
        zf = zipfile.ZipFile(zip_path)
    except OSError as exc:
        raise VeriPostError(
            ErrorCode.FILE_NOT_FOUND,
            "The ZIP file could not be read. It may have been moved or deleted.",
            f"{zip_path}: {exc}",
        ) from exc
    except Exception as exc:  # noqa: BLE001 - the file changed since it was validated
        raise VeriPostError(
            ErrorCode.CORRUPT_ZIP,
            "The ZIP file is damaged and cannot be read.",
            f"{zip_path}: {type(exc).__name__}: {exc}",
        ) from exc
    members = validation.members
    with zf:
        workers = min(upload_workers, len(members))
        if workers > 1:
            return _store_members_in_parallel(
                zf, members, package_id, store, limits, progress, cancel, workers
            )
        return [
            _store_member(zf, member, package_id, store, limits, progress, cancel)
            for member in members
        ]
