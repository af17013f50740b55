"""The end-of-central-directory records, read before zipfile sees the file.

zipfile ignores the disk-number fields of the classic record, so the last part
of a split archive (the ``.zip`` beside ``.z01``, ``.z02``...) would reach it
and fail with a misleading error. Reading the records first gives split
archives their own code and lets the member count be bounded before zipfile
parses a central directory of any size. The search mirrors zipfile's own, so
both agree on which record counts.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import BinaryIO

EOCD_SIGNATURE = b"PK\x05\x06"
ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"
ZIP64_EOCD_SIGNATURE = b"PK\x06\x06"
LOCAL_HEADER_SIGNATURE = b"PK\x03\x04"
# The first segment of a split archive starts with the data-descriptor signature.
SPLIT_SIGNATURE = b"PK\x07\x08"

_EOCD = struct.Struct("<4s4H2LH")  # 22 bytes
_LOCATOR = struct.Struct("<4sLQL")  # 20 bytes
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")  # 56 bytes
_MAX_COMMENT = 0xFFFF
_FFFF = 0xFFFF
_FFFFFFFF = 0xFFFFFFFF


@dataclass(frozen=True)
class EndRecord:
    offset: int  # where the classic record starts in the file
    disk_number: int
    cd_disk: int
    entries_total: int | None  # None when the count is only in a missing ZIP64 record
    locator_disk: int | None = None  # the ZIP64 locator, when there is one
    total_disks: int | None = None

    def split_reason(self) -> str | None:
        # zipfile's own test: a single-disk writer may record 0 or 1 disks.
        if (
            self.locator_disk is not None
            and self.total_disks is not None
            and (self.locator_disk != 0 or self.total_disks > 1)
        ):
            return (
                f"ZIP64 locator: ZIP64 record on disk {self.locator_disk}, "
                f"{self.total_disks} disks in total"
            )
        if self.disk_number != 0 or self.cd_disk != 0:
            return (
                f"end of central directory: this is disk {self.disk_number}, "
                f"central directory starts on disk {self.cd_disk} (a whole ZIP has 0 and 0)"
            )
        return None


def _find_classic(fp: BinaryIO, file_size: int) -> tuple[int, bytes] | None:
    if file_size < _EOCD.size:
        return None
    fp.seek(file_size - _EOCD.size)
    tail = fp.read(_EOCD.size)
    if tail[:4] == EOCD_SIGNATURE and tail[-2:] == b"\x00\x00":
        return file_size - _EOCD.size, tail
    start = max(file_size - _MAX_COMMENT - _EOCD.size, 0)
    fp.seek(start)
    window = fp.read()
    at = window.rfind(EOCD_SIGNATURE)
    if at < 0 or len(window) - at < _EOCD.size:
        return None
    return start + at, window[at : at + _EOCD.size]


def read_end_record(fp: BinaryIO, file_size: int) -> EndRecord | None:
    """The end records of a ZIP, or ``None`` when there are none."""
    found = _find_classic(fp, file_size)
    if found is None:
        return None
    offset, raw = found
    _, disk, cd_disk, _on_disk, total, _cd_size, _cd_offset, _comment = _EOCD.unpack(raw)
    entries: int | None = total
    if offset < _LOCATOR.size:
        return EndRecord(offset, disk, cd_disk, entries)
    fp.seek(offset - _LOCATOR.size)
    locator = fp.read(_LOCATOR.size)
    sig, locator_disk, _rel, total_disks = _LOCATOR.unpack(locator)
    if sig != ZIP64_LOCATOR_SIGNATURE:
        return EndRecord(offset, disk, cd_disk, entries)
    # Writers put 0xFFFF in a classic field whose value lives in the ZIP64 record.
    record_at = offset - _LOCATOR.size - _ZIP64_EOCD.size
    record = b""
    if record_at >= 0:
        fp.seek(record_at)
        record = fp.read(_ZIP64_EOCD.size)
    if len(record) == _ZIP64_EOCD.size and record[:4] == ZIP64_EOCD_SIGNATURE:
        fields = _ZIP64_EOCD.unpack(record)
        disk64, cd_disk64, total64 = fields[4], fields[5], fields[7]
        # zipfile trusts the ZIP64 values; a split shows in either record.
        disk = disk64 if disk == _FFFF else (disk or disk64)
        cd_disk = cd_disk64 if cd_disk == _FFFF else (cd_disk or cd_disk64)
        entries = total64 if total == _FFFF else max(total, total64)
    else:
        disk = 0 if disk == _FFFF else disk
        cd_disk = 0 if cd_disk == _FFFF else cd_disk
        entries = None if total == _FFFF else total
    return EndRecord(offset, disk, cd_disk, entries, locator_disk, total_disks)
