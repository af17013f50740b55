"""Getting a stored file back, byte for byte.

The bytes go to a temporary file beside the destination; only when their
SHA-256 matches the catalog is the file closed and moved into place with
``os.replace``. A failed or altered download never leaves a partial file
under the user's chosen name.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from veripost_desktop.core.catalog import Catalog, FileRecord
from veripost_desktop.core.errors import ErrorCode, VeriPostError
from veripost_desktop.core.storage.object_store import ObjectStore

CancelCheck = Callable[[], bool]


def download_file(
    catalog: Catalog,
    store: ObjectStore,
    package_id: str,
    filename: str,
    destination: Path,
    progress: Callable[[int, int], None] | None = None,
    cancel: CancelCheck | None = None,
) -> FileRecord:
    record = catalog.get_file(package_id, filename)
    destination = Path(destination)
    if destination.is_dir():
        destination = destination / record.filename
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{record.filename}.", suffix=".part", dir=destination.parent
        )
    except OSError as exc:
        raise _write_failed(destination, exc) from exc
    tmp = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        done = 0
        with os.fdopen(fd, "wb") as out:
            for chunk in store.iter_chunks(record.object_key):
                if cancel is not None and cancel():
                    raise VeriPostError(
                        ErrorCode.CANCELLED, "The download was cancelled.", record.object_key
                    )
                out.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(done, record.size_bytes)
        actual = digest.hexdigest()
        if actual != record.sha256 or done != record.size_bytes:
            raise VeriPostError(
                ErrorCode.CHECKSUM_MISMATCH,
                "The stored file does not match what was uploaded, so it was not saved.",
                f"{record.object_key}: catalog sha256 {record.sha256} ({record.size_bytes} bytes), "
                f"storage gave sha256 {actual} ({done} bytes)",
            )
        # Closed above (Windows will not move an open file); now into place.
        os.replace(tmp, destination)
    except OSError as exc:
        raise _write_failed(destination, exc) from exc
    finally:
        tmp.unlink(missing_ok=True)
    return record


def _write_failed(destination: Path, exc: OSError) -> VeriPostError:
    return VeriPostError(
        ErrorCode.DOWNLOAD_FAILED,
        "The file could not be saved there. Check the folder exists and you can write to it.",
        f"{destination}: {type(exc).__name__}: {exc}",
    )
