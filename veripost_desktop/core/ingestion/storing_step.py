"""Step 2: stream each member from the ZIP into the object store.

Nothing is read whole: each member flows through a SHA-256 counter straight
into the store's upload, one bounded chunk at a time. Afterwards every object
is checked to be there with the right size.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import BinaryIO

from veripost_desktop.core.catalog.records import StoredFile
from veripost_desktop.core.config import ZipLimits
from veripost_desktop.core.errors import ErrorCode, VeriPostError
from veripost_desktop.core.ingestion.events import CancelCheck
from veripost_desktop.core.ingestion.validating_step import check_cancel
from veripost_desktop.core.storage.object_store import ObjectStore, object_key
from veripost_desktop.core.zip_validation import ValidationResult, open_member_stream


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


def run_storing_step(
    zip_path: Path,
    validation: ValidationResult,
    package_id: str,
    store: ObjectStore,
    limits: ZipLimits,
    progress: Callable[[int], None] | None = None,
    cancel: CancelCheck | None = None,
) -> list[StoredFile]:
    store.ensure_ready()
    stored: list[StoredFile] = []
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
    with zf:
        for member in validation.members:
            check_cancel(cancel)
            key = object_key(package_id, member.name)
            with closing(open_member_stream(zf, member, limits=limits)) as raw:
                reader = _HashingReader(raw, cancel)
                store.put_stream(key, reader, member.size, progress)  # type: ignore[arg-type]
            if reader.size != member.size:
                raise VeriPostError(
                    ErrorCode.CORRUPT_ZIP,
                    "A file in the ZIP is damaged and could not be read completely.",
                    f"{member.path_in_zip}: header says {member.size} bytes, read {reader.size}",
                )
            info = store.stat(key)
            if info is None or info.size != member.size:
                raise VeriPostError(
                    ErrorCode.STORAGE_VERIFY_FAILED,
                    "A file did not arrive in storage intact. Your package could not be saved.",
                    f"{key}: expected {member.size} bytes, "
                    f"storage has {'nothing' if info is None else info.size}",
                )
            stored.append(
                StoredFile(
                    filename=member.name,
                    extension=member.extension,
                    object_key=key,
                    size_bytes=member.size,
                    sha256=reader.digest.hexdigest(),
                )
            )
    return stored
