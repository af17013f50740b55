"""The embedded default store: a folder on disk with the same key layout as MinIO.

Used when no S3 endpoint is configured, so a fresh install works at once.
Objects are written to a temporary file beside their final place and moved
in with ``os.replace`` (atomic on Windows and POSIX), so a crash never leaves
a half-written object under its real name.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from veripost_desktop.core.errors import ErrorCode, VeriPostError
from veripost_desktop.core.storage.object_store import CHUNK_SIZE, ObjectInfo, ProgressCallback


class LocalFolderStore:
    def __init__(self, root: Path, bucket: str) -> None:
        self._bucket_dir = Path(root) / bucket

    @property
    def description(self) -> str:
        return f"Local folder {self._bucket_dir}"

    @property
    def identity(self) -> str:
        # normcase: the same folder is one store whatever the case it is typed in on Windows.
        return "local:" + os.path.normcase(str(self._bucket_dir.resolve()))

    @property
    def bucket_dir(self) -> Path:
        return self._bucket_dir

    def _path(self, key: str) -> Path:
        parts = PurePosixPath(key).parts
        # Keys are built by the core from flattened names, but a key is the
        # one thing that decides where bytes land on disk: refuse anything
        # that could step outside the bucket folder.
        if (
            not parts
            or PurePosixPath(key).is_absolute()
            or any(p in ("", ".", "..") or "\\" in p or ":" in p for p in parts)
        ):
            raise VeriPostError(
                ErrorCode.STORAGE_ERROR,
                "The file could not be stored because its name is not usable.",
                f"refused object key {key!r}",
            )
        return self._bucket_dir.joinpath(*parts)

    def ensure_ready(self) -> None:
        try:
            self._bucket_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise VeriPostError(
                ErrorCode.STORAGE_UNAVAILABLE,
                "File storage is temporarily unavailable. Your package could not be saved.",
                f"cannot create local store folder {self._bucket_dir}: {exc}",
            ) from exc

    def put_stream(
        self,
        key: str,
        stream: BinaryIO,
        length: int,
        progress: ProgressCallback | None = None,
    ) -> ObjectInfo | None:
        target = self._path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=".part-", dir=target.parent)
        except OSError as exc:
            raise _unavailable(exc) from exc
        tmp = Path(tmp_name)
        try:
            written = 0
            with os.fdopen(fd, "wb") as out:
                while written < length:
                    chunk = stream.read(min(CHUNK_SIZE, length - written))
                    if not chunk:
                        break
                    out.write(chunk)
                    written += len(chunk)
                    if progress is not None:
                        progress(len(chunk))
            if written != length:
                raise VeriPostError(
                    ErrorCode.STORAGE_ERROR,
                    "A file ended before all of its bytes were stored.",
                    f"{key}: expected {length} bytes, read {written}",
                )
            # The temporary file is closed before the move: Windows refuses
            # to replace onto or from an open file.
            os.replace(tmp, target)
        except OSError as exc:
            raise _unavailable(exc) from exc
        finally:
            if tmp.exists():
                tmp.unlink(missing_ok=True)
        return self.stat(key)

    def stat(self, key: str) -> ObjectInfo | None:
        path = self._path(key)
        try:
            return _info(key, path.stat()) if path.is_file() else None
        except OSError:
            return None

    def iter_chunks(self, key: str) -> Iterator[bytes]:
        path = self._path(key)
        try:
            with path.open("rb") as fh:
                while chunk := fh.read(CHUNK_SIZE):
                    yield chunk
        except FileNotFoundError as exc:
            raise VeriPostError(
                ErrorCode.STORAGE_ERROR,
                "The stored file is missing from storage.",
                f"{key}: {exc}",
            ) from exc
        except OSError as exc:
            raise _unavailable(exc) from exc

    def list_keys(self, prefix: str) -> list[str]:
        try:
            return sorted(key for key, _path in self._walk(prefix))
        except OSError as exc:
            raise _unavailable(exc) from exc

    def _walk(self, prefix: str) -> Iterator[tuple[str, str]]:
        """(key, file path) of every stored file under prefix. Walks only the
        folder the prefix names, not the whole store. A folder another desktop
        removes while we walk is skipped; any other error (a share gone, no
        permission) is raised, so a listing is never silently short."""
        base = self._bucket_dir
        folder = prefix.rsplit("/", 1)[0] if "/" in prefix else ""
        start = base.joinpath(*PurePosixPath(folder).parts) if folder else base
        for dirpath, _dirnames, filenames in os.walk(start, onerror=_raise_unless_gone):
            rel_dir = Path(dirpath).relative_to(base).as_posix()
            for name in filenames:
                if name.startswith(".part-"):
                    continue
                key = name if rel_dir == "." else f"{rel_dir}/{name}"
                if key.startswith(prefix):
                    yield key, os.path.join(dirpath, name)

    def delete_prefix(self, prefix: str) -> int:
        keys = self.list_keys(prefix)
        for key in keys:
            self._path(key).unlink(missing_ok=True)
        # Remove the package folder too (leftover temp files included).
        folder = self._bucket_dir.joinpath(*PurePosixPath(prefix.rstrip("/")).parts)
        if prefix.endswith("/") and folder.is_dir() and folder != self._bucket_dir:
            shutil.rmtree(folder, ignore_errors=True)
        return len(keys)

    # ---- what the team repository needs (manifests, refresh, gc) ----------

    def list_objects(self, prefix: str) -> list[ObjectInfo]:
        found: list[ObjectInfo] = []
        try:
            # os.walk + scandir: one stat per file, which a refresh of 10,000
            # packages pays for every file of every package.
            for key, path in self._walk(prefix):
                try:
                    st = os.stat(path)
                except FileNotFoundError:
                    continue  # removed while we listed
                found.append(_info(key, st))
        except OSError as exc:
            raise _unavailable(exc) from exc
        found.sort(key=lambda info: info.key)
        return found

    def put_bytes(self, key: str, data: bytes) -> ObjectInfo:
        self.put_stream(key, io.BytesIO(data), len(data))
        try:
            return _info(key, self._path(key).stat())
        except OSError as exc:
            raise _unavailable(exc) from exc

    def get_bytes(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise _unavailable(exc) from exc

    def delete_keys(self, keys: Iterable[str]) -> int:
        count = 0
        for key in keys:
            try:
                self._path(key).unlink(missing_ok=True)
            except OSError as exc:
                raise _unavailable(exc) from exc
            count += 1
        return count


def _info(key: str, st: os.stat_result) -> ObjectInfo:
    # Size and nanosecond time change whenever os.replace puts a new file in place.
    return ObjectInfo(
        key=key,
        size=st.st_size,
        etag=f"{st.st_size:x}-{st.st_mtime_ns:x}",
        last_modified=datetime.fromtimestamp(st.st_mtime, UTC),
    )


def _unavailable(exc: OSError) -> VeriPostError:
    return VeriPostError(
        ErrorCode.STORAGE_UNAVAILABLE,
        "File storage is temporarily unavailable. Your package could not be saved.",
        f"local store: {type(exc).__name__}: {exc}",
    )


def _raise_unless_gone(exc: OSError) -> None:
    if not isinstance(exc, FileNotFoundError):
        raise exc
