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
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from veripost_desktop.core.catalog import Catalog, FileRecord
from veripost_desktop.core.errors import ErrorCode, VeriPostError
from veripost_desktop.core.storage.object_store import ObjectStore

CancelCheck = Callable[[], bool]


@contextmanager
def _written_into_place(destination: Path) -> Iterator[BinaryIO]:
    """A temporary file beside ``destination``; when the block ends without
    an error it is closed (Windows will not move an open file) and moved in
    with ``os.replace``, otherwise removed. Nothing partial ever carries the
    user's chosen name."""
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{destination.name}.", suffix=".part", dir=destination.parent
        )
    except OSError as exc:
        raise _write_failed(destination, exc) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
        os.replace(tmp, destination)
    except OSError as exc:
        raise _write_failed(destination, exc) from exc
    finally:
        tmp.unlink(missing_ok=True)


class _Discard:
    """A sink for a check that needs the bytes' hash, not the bytes."""

    def write(self, data: bytes) -> int:
        return len(data)


def copy_verified(
    store: ObjectStore,
    record: FileRecord,
    out: BinaryIO | _Discard,
    *,
    mismatch_message: str,
    cancel_detail: str = "",
    on_bytes: Callable[[int], None] | None = None,
    cancel: CancelCheck | None = None,
) -> None:
    """The one checksum-verified read: stream a stored object into ``out``,
    raising ``checksum_mismatch`` unless its size and SHA-256 are the
    catalog's. Every reader of stored bytes goes through it (downloads, ZIP
    exports, verify, the source viewer, compare, the reading pass)."""
    digest = hashlib.sha256()
    size = 0
    for chunk in store.iter_chunks(record.object_key):
        if cancel is not None and cancel():
            detail = cancel_detail or record.object_key
            raise VeriPostError(ErrorCode.CANCELLED, "The download was cancelled.", detail)
        out.write(chunk)
        digest.update(chunk)
        size += len(chunk)
        if on_bytes is not None:
            on_bytes(len(chunk))
    actual = digest.hexdigest()
    if actual != record.sha256 or size != record.size_bytes:
        raise VeriPostError(
            ErrorCode.CHECKSUM_MISMATCH,
            mismatch_message,
            f"{record.object_key}: catalog sha256 {record.sha256} ({record.size_bytes} bytes), "
            f"storage gave sha256 {actual} ({size} bytes)",
        )


def read_verified(
    store: ObjectStore,
    record: FileRecord,
    cancel: CancelCheck | None = None,
    *,
    mismatch_message: str = "A stored file does not match what was uploaded, so it was not read.",
) -> bytes:
    """A stored file's bytes in memory, raising ``checksum_mismatch`` unless
    they are the catalog's (size and SHA-256). For files that are read, not
    saved: sources shown, parsed again, compared or indexed."""
    import io

    out = io.BytesIO()
    copy_verified(store, record, out, mismatch_message=mismatch_message, cancel=cancel)
    return out.getvalue()


def check_verified(store: ObjectStore, record: FileRecord) -> None:
    """Read a stored object through, raising ``checksum_mismatch`` unless it is
    as the catalog recorded it (size and SHA-256); nothing is kept."""
    copy_verified(
        store,
        record,
        _Discard(),
        mismatch_message="A stored file is not as it was stored.",
    )


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
    done = 0

    def on_bytes(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, record.size_bytes)

    with _written_into_place(destination) as out:
        copy_verified(
            store,
            record,
            out,
            mismatch_message="The stored file does not match what was uploaded, "
            "so it was not saved.",
            cancel_detail=record.object_key,
            on_bytes=on_bytes,
            cancel=cancel,
        )
    return record


def _write_failed(destination: Path, exc: OSError) -> VeriPostError:
    return VeriPostError(
        ErrorCode.DOWNLOAD_FAILED,
        "The file could not be saved there. Check the folder exists and you can write to it.",
        f"{destination}: {type(exc).__name__}: {exc}",
    )


def export_package_zip(
    catalog: Catalog,
    store: ObjectStore,
    package_id: str,
    destination: Path,
    progress: Callable[[int, int], None] | None = None,
    cancel: CancelCheck | None = None,
) -> Path:
    """Write the whole package as one ZIP (flat, one member per stored file).

    Each file streams from storage into the ZIP with its SHA-256 checked on
    the way; the ZIP is built in a temporary file and moved into place only
    when every file matched the catalog."""
    package = catalog.get_package(package_id)
    files = catalog.list_files(package_id)
    destination = Path(destination)
    if destination.is_dir():
        destination = destination / f"{package.name}.zip"
    total = sum(f.size_bytes for f in files)
    done = 0

    def on_bytes(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    with (
        _written_into_place(destination) as raw,
        zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf,
    ):
        for record in files:
            with zf.open(record.filename, "w", force_zip64=record.size_bytes > 2**31) as member:
                copy_verified(
                    store,
                    record,
                    member,  # type: ignore[arg-type]
                    mismatch_message="A stored file does not match what was uploaded, so the "
                    "package ZIP was not saved.",
                    cancel_detail=package_id,
                    on_bytes=on_bytes,
                    cancel=cancel,
                )
    return destination
