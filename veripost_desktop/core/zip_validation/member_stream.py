"""Reading one member's data with bounded memory, an exact size and its CRC.

zipfile's own reader is not used for the data because it (a) calls the bzip2
and LZMA decompressors without an output bound, so a single small read of a
bomb can allocate gigabytes, and (b) silently stops at the size in the header,
so a member holding more data than its header says goes unnoticed. zipfile
still parses the central directory; this module reads the local header and the
compressed bytes itself.

Each stream reads through a file handle of its own, opened on the ZIP's path
and closed with the stream: the storing step's threads read members of one
ZIP at the same time, and no handle (nor lock) is shared with zipfile.
"""

from __future__ import annotations

import bz2
import io
import lzma
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, BinaryIO, Protocol, cast

from veripost_desktop.core.config import ZipLimits
from veripost_desktop.core.errors import UserError, VeriPostError
from veripost_desktop.core.zip_validation import limit_checks, refusals
from veripost_desktop.core.zip_validation.end_record import LOCAL_HEADER_SIGNATURE
from veripost_desktop.core.zip_validation.inspection import (
    FLAG_ENCRYPTED,
    FLAG_ENCRYPTED_DIRECTORY,
    FLAG_STRONG_ENCRYPTION,
    compression_problem,
)
from veripost_desktop.core.zip_validation.model import ZipMember
from veripost_desktop.core.zip_validation.names import show

CHUNK = 64 * 1024
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # 30 bytes
_FLAG_UTF8 = 0x0800
_LZMA_MIN_DICT = 4096
# Everything a decompressor or a damaged file can raise while decoding.
DECODE_ERRORS: tuple[type[BaseException], ...] = (
    zlib.error,
    lzma.LZMAError,
    OSError,  # bz2 reports bad data as OSError
    EOFError,
    ValueError,
    OverflowError,
    struct.error,
    zipfile.BadZipFile,
)
_OPEN_ERRORS: tuple[type[BaseException], ...] = (*DECODE_ERRORS, UnicodeDecodeError)


class _CompressedBytes:
    """The member's compressed bytes, read in order from the stream's own handle."""

    def __init__(self, fp: IO[bytes], start: int, length: int, label: str) -> None:
        fp.seek(start)
        self._fp, self.left, self._label = fp, length, label

    def read(self, n: int) -> bytes:
        n = min(n, self.left)
        if n <= 0:
            return b""
        data = self._fp.read(n)
        if len(data) != n:
            raise refusals.fail(
                refusals.corrupt_member(self._label, "the file ends inside its data")
            )
        self.left -= n
        return data


class _Decoder(Protocol):
    def produce(self, max_len: int) -> bytes:
        """Up to ``max_len`` (> 0) bytes; ``b""`` only when nothing more can come."""
        ...


class _Stored:
    def __init__(self, raw: _CompressedBytes) -> None:
        self._raw = raw

    def produce(self, max_len: int) -> bytes:
        return self._raw.read(max_len)


class _Deflated:
    def __init__(self, raw: _CompressedBytes) -> None:
        self._raw = raw
        self._d = zlib.decompressobj(-zlib.MAX_WBITS)

    def produce(self, max_len: int) -> bytes:
        d = self._d
        while not d.eof:
            data = d.unconsumed_tail or self._raw.read(CHUNK)
            # Even with no new input zlib may still owe output from a long match.
            out = d.decompress(data, max_len)
            if out:
                return out
            if not data:
                return b""
        return b""


class _Bounded:
    """bzip2 and LZMA: both decompressors take an output bound and say when
    they need input."""

    def __init__(
        self, raw: _CompressedBytes, d: bz2.BZ2Decompressor | lzma.LZMADecompressor
    ) -> None:
        self._raw = raw
        self._d = d

    def produce(self, max_len: int) -> bytes:
        d = self._d
        while not d.eof:
            data = b""
            if d.needs_input:
                data = self._raw.read(CHUNK)
                if not data:
                    return b""
            out = d.decompress(data, max_len)
            if out:
                return out
            if not data:
                return b""
        return b""


def _lzma_decoder(raw: _CompressedBytes, size: int, label: str) -> _Bounded:
    # ZIP's LZMA: 2-byte version, 2-byte properties size, then the LZMA1
    # properties (APPNOTE 5.8.8). Decoded by hand to stay on public lzma API.
    header = raw.read(4)
    props_size = int.from_bytes(header[2:4], "little") if len(header) == 4 else 0
    props = raw.read(props_size)
    if len(header) != 4 or props_size < 5 or props[0] >= 9 * 5 * 5:
        raise refusals.fail(refusals.corrupt_member(label, "damaged LZMA properties"))
    lc, rest = props[0] % 9, props[0] // 9
    dict_size = int.from_bytes(props[1:5], "little")
    # Valid data never looks further back than the member is long, so a huge
    # dictionary in a small member is only a way to make us allocate memory.
    dict_size = max(min(dict_size, size), _LZMA_MIN_DICT)
    lzma_filter = {"id": lzma.FILTER_LZMA1, "lc": lc, "lp": rest % 5, "pb": rest // 5}
    lzma_filter["dict_size"] = dict_size
    return _Bounded(raw, lzma.LZMADecompressor(lzma.FORMAT_RAW, filters=[lzma_filter]))


class MemberStream(io.RawIOBase):
    """A readable binary stream of one member's uncompressed data.

    Never yields more than the member's size; the last bytes are only handed
    out after the CRC and the end of the data have been checked, because a
    consumer that knows the length (an S3 upload) never reads to EOF.
    """

    def __init__(
        self, decoder: _Decoder, size: int, crc: int, label: str, source: IO[bytes]
    ) -> None:
        super().__init__()
        self._source = source  # the handle the decoder reads: closed with the stream
        self._decoder = decoder
        self._size = size
        self._expected_crc = crc
        self._label = label
        self._produced = 0
        self._crc = 0
        self._done = False
        self._error: VeriPostError | None = None

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        try:
            self._source.close()
        finally:
            super().close()

    def read(self, size: int | None = -1) -> bytes:
        if self.closed:
            raise ValueError("I/O operation on a closed member stream")
        if size is None or size < 0:
            return self.readall()
        return self._next(size)

    def readall(self) -> bytes:
        return b"".join(iter(lambda: self._next(CHUNK), b""))

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self.read(len(view))
        view[: len(data)] = data
        return len(data)

    def _next(self, n: int) -> bytes:
        if self._error is not None:
            raise self._error
        if self._done or n <= 0:
            return b""
        try:
            want = min(n, self._size - self._produced)
            out = self._decoder.produce(want) if want > 0 else b""
            if want > 0 and not out:
                raise refusals.fail(
                    refusals.corrupt_member(
                        self._label,
                        f"the data ends after {self._produced:,} of {self._size:,} bytes",
                    )
                )
            self._produced += len(out)
            self._crc = zlib.crc32(out, self._crc)
            if self._produced == self._size:
                self._finish()
            return out
        except VeriPostError as exc:
            self._error = exc
            raise
        except DECODE_ERRORS as exc:
            self._error = refusals.fail(
                refusals.corrupt_member(self._label, f"{type(exc).__name__}: {exc}")
            )
            raise self._error from exc

    def _finish(self) -> None:
        if self._decoder.produce(1):
            raise refusals.fail(
                refusals.more_data_than_header(
                    f"{self._label}: the data goes on past the {self._size:,} bytes "
                    "its header gives"
                )
            )
        if self._crc != self._expected_crc:
            raise refusals.fail(
                refusals.corrupt_member(
                    self._label,
                    f"CRC-32 is {self._crc:08x}, the header says {self._expected_crc:08x}",
                )
            )
        self._done = True


def _data_start(fp: IO[bytes], info: zipfile.ZipInfo, label: str) -> int:
    fp.seek(info.header_offset)
    header = fp.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size or header[:4] != LOCAL_HEADER_SIGNATURE:
        raise refusals.fail(refusals.corrupt_member(label, "no local file header where expected"))
    fields = _LOCAL_HEADER.unpack(header)
    flags, name_len, extra_len = int(fields[2]), int(fields[9]), int(fields[10])
    raw_name = fp.read(name_len)
    name = raw_name.decode("utf-8" if flags & _FLAG_UTF8 else "cp437")
    # zipfile refuses this too: a reader trusting local headers would see another file.
    if name != info.orig_filename:
        raise refusals.fail(
            refusals.corrupt_member(
                label,
                f"the local header names {name!r}, the central directory {info.orig_filename!r}",
            )
        )
    return info.header_offset + _LOCAL_HEADER.size + name_len + extra_len


def open_member_stream(
    zf: zipfile.ZipFile, member: ZipMember, *, limits: ZipLimits | None = None
) -> BinaryIO:
    """A stream of ``member``'s data from an open ``zf`` (opened from a file
    on disk: the stream reads it through a handle of its own).

    Raises ``VeriPostError``: ``too_large`` if the member is over the limits or
    its data runs past its header's size, ``corrupt_zip`` on a CRC failure,
    truncation or damaged data, and the drop-time codes if the ZIP changed.
    """
    limits = limits or ZipLimits()
    label = f"{zf.filename or 'ZIP'}: {show(member.path_in_zip)}"
    if not isinstance(zf.filename, str) or not zf.filename:
        raise ValueError("open_member_stream needs a ZipFile opened from a file on disk")
    try:
        info = zf.getinfo(member.zip_name)
    except KeyError:
        raise refusals.fail(
            refusals.changed_since_checked(f"{label}: no longer in the ZIP")
        ) from None
    if (info.file_size, info.compress_size, info.orig_filename) != (
        member.size,
        member.compressed_size,
        member.path_in_zip,
    ):
        raise refusals.fail(refusals.changed_since_checked(f"{label}: its directory entry differs"))
    if info.flag_bits & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION | FLAG_ENCRYPTED_DIRECTORY):
        raise refusals.fail(refusals.encrypted([show(member.path_in_zip)]))
    problem = compression_problem(info)
    if problem is not None:
        raise refusals.fail(
            refusals.unsupported_compression([f"{show(member.path_in_zip)}: {problem}"])
        )
    for error in (
        limit_checks.total_size(member.size, limits),
        _ratio_error(member, limits),
    ):
        if error is not None:
            raise refusals.fail(error)

    path = Path(zf.filename)
    try:
        fp = path.open("rb")
    except OSError as exc:
        raise refusals.fail(refusals.file_not_found(path, str(exc))) from exc
    try:
        start = _data_start(fp, info, label)
        raw = _CompressedBytes(fp, start, info.compress_size, label)
        decoder = _make_decoder(info.compress_type, raw, member.size, label)
    except BaseException as exc:
        fp.close()
        if isinstance(exc, _OPEN_ERRORS):
            raise refusals.fail(
                refusals.corrupt_member(label, f"{type(exc).__name__}: {exc}")
            ) from exc
        raise
    # A RawIOBase is what BinaryIO promises to callers (read(n), close()).
    return cast(BinaryIO, MemberStream(decoder, member.size, info.CRC, label, fp))


def _ratio_error(member: ZipMember, limits: ZipLimits) -> UserError | None:
    line = limit_checks.ratio_problem(
        member.path_in_zip, member.size, member.compressed_size, limits
    )
    return limit_checks.ratio([line]) if line else None


_FACTORIES: dict[int, Callable[[_CompressedBytes, int, str], _Decoder]] = {
    zipfile.ZIP_STORED: lambda raw, _size, _label: _Stored(raw),
    zipfile.ZIP_DEFLATED: lambda raw, _size, _label: _Deflated(raw),
    zipfile.ZIP_BZIP2: lambda raw, _size, _label: _Bounded(raw, bz2.BZ2Decompressor()),
    zipfile.ZIP_LZMA: _lzma_decoder,
}


def _make_decoder(method: int, raw: _CompressedBytes, size: int, label: str) -> _Decoder:
    return _FACTORIES[method](raw, size, label)
