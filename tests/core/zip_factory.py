"""Build test ZIPs at test time, from the real UPG files in the shared corpus.

Generated ZIPs are never committed: every test builds what it needs in its own
``tmp_path``. Beside the ordinary builders there are small byte-level patchers
for what zipfile cannot write (encryption flags, other compression methods,
cp437 names, split-archive disk numbers, ZIP64 end records); they rewrite
fields in place, so they only apply to members whose sizes fit 32 bits.

Typical use::

    zip_path = corpus_package_zip(tmp_path, "GRBL-Post", nest="a/b/")
    zip_path = build_zip(tmp_path / "x.zip", {"X.SRC": b"...", "dir/X.LIB": b"..."})
    patch_member(zip_path, 0, flag_bits=0x1)  # now "encrypted"
"""

from __future__ import annotations

import io
import stat
import struct
import warnings
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

_HERE = Path(__file__).resolve()
CORPUS_DIR = _HERE.parents[3] / "shared" / "corpus" / "upg"
if not CORPUS_DIR.is_dir():  # CI: a copy of shared/ sits beside the clone
    CORPUS_DIR = _HERE.parents[2].parent / "shared" / "corpus" / "upg"

#: The complete posts of the corpus (each has a .SRC).
FULL_PACKAGES = ("GRBL-Post", "SCL-SW-GRBL-1_1")
#: The companion files of a real package: .kin, .PINF and a .CNF (no .SRC).
COMPANION_PACKAGE = "tormach-pcnc1100-parts"

FIXED_TIME = (2024, 1, 2, 3, 4, 6)
JUNK: dict[str, bytes] = {
    "__MACOSX/._GRBL-Post.SRC": b"\x00\x05\x16\x07AppleDouble",
    "__MACOSX/sub/._x": b"\x00\x05\x16\x07",
    ".DS_Store": b"\x00\x00\x00\x01Bud1",
    "sub/Thumbs.db": b"\xd0\xcf\x11\xe0",
    "desktop.ini": b"[.ShellClassInfo]\r\n",
    "._GRBL-Post.LIB": b"\x00\x05\x16\x07",
}
SYMLINK_ATTR = (stat.S_IFLNK | 0o777) << 16
UNIX = 3


@dataclass(frozen=True)
class Entry:
    """One member with options beyond name and data."""

    name: str
    data: bytes = b""
    compression: int | None = None  # None: the archive's default
    raw_name: bytes | None = None  # exact name bytes, e.g. cp437; same length as ``name``
    utf8_flag: bool | None = None  # with raw_name: set general purpose bit 11 or not
    create_system: int | None = None
    external_attr: int | None = None
    force_zip64: bool = False
    extra: bytes = b""  # extra field bytes, written to both headers as given

    @classmethod
    def raw(cls, raw_name: bytes, data: bytes = b"", *, utf8_flag: bool = False) -> Entry:
        """A member whose name is stored as exactly ``raw_name`` (e.g. cp437)."""
        return cls("~" * len(raw_name), data, raw_name=raw_name, utf8_flag=utf8_flag)


MemberSpec = Entry | tuple[str, bytes]
Members = Mapping[str, bytes] | Iterable[MemberSpec]


def corpus_files(package: str = "GRBL-Post", corpus: Path | None = None) -> dict[str, bytes]:
    """The files of one corpus package, by file name, in sorted order."""
    folder = (corpus or CORPUS_DIR) / package
    if not folder.is_dir():
        raise FileNotFoundError(f"corpus package not found: {folder}")
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _entries(members: Members) -> list[Entry]:
    items: Iterable[MemberSpec] = members.items() if isinstance(members, Mapping) else members
    return [m if isinstance(m, Entry) else Entry(m[0], m[1]) for m in items]


def write_members(zf: zipfile.ZipFile, members: Members) -> None:
    for entry in _entries(members):
        info = zipfile.ZipInfo("placeholder", date_time=FIXED_TIME)
        # Set after construction: ZipInfo() would turn "\" into "/" on Windows,
        # and tests need the bytes a Windows tool really writes.
        info.filename = entry.name
        info.orig_filename = entry.name
        info.compress_type = zf.compression if entry.compression is None else entry.compression
        info.external_attr = (
            entry.external_attr
            if entry.external_attr is not None
            else ((0o40755 << 16) | 0x10 if entry.name.endswith(("/", "\\")) else 0o100644 << 16)
        )
        if entry.create_system is not None:
            info.create_system = entry.create_system
        info.extra = entry.extra
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # duplicate names are wanted
            with zf.open(info, "w", force_zip64=entry.force_zip64) as out:
                out.write(entry.data)


def build_zip(
    path: Path,
    members: Members,
    *,
    compression: int = zipfile.ZIP_DEFLATED,
    compresslevel: int | None = None,
    comment: bytes = b"",
    prefix: bytes = b"",
) -> Path:
    """Write a ZIP of ``members`` (a dict, ``(name, data)`` pairs or
    :class:`Entry`); ``prefix`` bytes go before it, as in a self-extractor."""
    entries = _entries(members)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression, compresslevel=compresslevel) as zf:
        write_members(zf, entries)
        zf.comment = comment
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(prefix + buffer.getvalue())
    for index, entry in enumerate(entries):
        if entry.raw_name is not None:
            patch_member(path, index, name=entry.raw_name, utf8_flag=bool(entry.utf8_flag))
    return path


def corpus_package_zip(
    tmp_path: Path,
    name: str = "GRBL-Post",
    nest: str = "GRBL-Post/",
    *,
    zip_name: str | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
    folders: bool = True,
    junk: bool = False,
    drop: Sequence[str] = (),
    extra: Members = (),
    comment: bytes = b"",
    prefix: bytes = b"",
    corpus: Path | None = None,
) -> Path:
    """A ZIP of one corpus package, each file under ``nest`` ("" for flat;
    "a/b/" deep; "a\\\\b\\\\" with Windows separators).

    ``folders`` adds the folder entries a desktop ZIP tool writes, ``junk``
    adds macOS/Windows metadata, ``drop`` leaves out corpus files by name and
    ``extra`` adds members after the package's own.
    """
    members: list[MemberSpec] = []
    if folders and nest:
        sep = "\\" if "\\" in nest and "/" not in nest else "/"
        parts = [p for p in nest.replace("\\", "/").split("/") if p]
        for depth in range(1, len(parts) + 1):
            members.append((sep.join(parts[:depth]) + sep, b""))
    for file_name, data in corpus_files(name, corpus).items():
        if file_name not in drop:
            members.append((nest + file_name, data))
    if junk:
        members.extend(JUNK.items())
    members.extend(_entries(extra))
    target = Path(tmp_path) / (zip_name or f"{name}.zip")
    return build_zip(target, members, compression=compression, comment=comment, prefix=prefix)


# ---- byte-level patching --------------------------------------------------

_CD = struct.Struct("<4s6H3L5H2L")  # 46 bytes
_LOCAL = struct.Struct("<4s5H3L2H")  # 30 bytes
_EOCD = struct.Struct("<4s4H2LH")  # 22 bytes
_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")


def _central_entries(data: bytes | bytearray, start_dir: int) -> list[int]:
    offsets, at = [], start_dir
    while data[at : at + 4] == b"PK\x01\x02":
        fields = _CD.unpack_from(data, at)
        offsets.append(at)
        at += _CD.size + fields[10] + fields[11] + fields[12]
    return offsets


def patch_member(
    path: Path,
    index: int,
    *,
    name: bytes | None = None,
    utf8_flag: bool | None = None,
    flag_bits: int | None = None,
    method: int | None = None,
    crc: int | None = None,
    file_size: int | None = None,
    compress_size: int | None = None,
    create_system: int | None = None,
    external_attr: int | None = None,
    header_offset: int | None = None,
    local: bool = True,
) -> None:
    """Rewrite fields of member ``index`` in the central directory and (with
    ``local``) its local header. ``name`` must keep the byte length."""
    path = Path(path)
    with zipfile.ZipFile(path) as zf:
        start_dir = zf.start_dir
        local_at = zf.infolist()[index].header_offset
    data = bytearray(path.read_bytes())
    cd_at = _central_entries(data, start_dir)[index]
    cd = list(_CD.unpack_from(data, cd_at))
    lh = list(_LOCAL.unpack_from(data, local_at))
    # Central: 3 flags, 4 method, 7 crc, 8 csize, 9 usize, 10 name length,
    # 1 version made by (system in the high byte), 15 external attr, 16 offset.
    # Local:   2 flags, 3 method, 6 crc, 7 csize, 8 usize, 9 name length.
    if name is not None:
        if len(name) != cd[10]:
            raise ValueError("a patched name must keep its byte length")
        data[cd_at + _CD.size : cd_at + _CD.size + len(name)] = name
        if local:
            data[local_at + _LOCAL.size : local_at + _LOCAL.size + len(name)] = name
    if utf8_flag is not None:
        cd[3] = cd[3] | 0x800 if utf8_flag else cd[3] & ~0x800
        lh[2] = lh[2] | 0x800 if utf8_flag else lh[2] & ~0x800
    for value, c_field, l_field in (
        (flag_bits, 3, 2),
        (method, 4, 3),
        (crc, 7, 6),
        (compress_size, 8, 7),
        (file_size, 9, 8),
    ):
        if value is not None:
            cd[c_field] = value
            lh[l_field] = value
    if create_system is not None:
        cd[1] = (cd[1] & 0xFF) | (create_system << 8)
    if external_attr is not None:
        cd[15] = external_attr
    if header_offset is not None:
        cd[16] = header_offset
    _CD.pack_into(data, cd_at, *cd)
    if local:
        _LOCAL.pack_into(data, local_at, *lh)
    path.write_bytes(bytes(data))


def _eocd_offset(data: bytes | bytearray) -> int:
    at = bytes(data).rfind(b"PK\x05\x06")
    if at < 0:
        raise ValueError("no end of central directory record")
    return at


def patch_end_record(
    path: Path,
    *,
    disk_number: int | None = None,
    cd_disk: int | None = None,
    entries_on_disk: int | None = None,
    entries_total: int | None = None,
    cd_size: int | None = None,
    cd_offset: int | None = None,
) -> None:
    """Rewrite fields of the classic end-of-central-directory record."""
    path = Path(path)
    data = bytearray(path.read_bytes())
    at = _eocd_offset(data)
    fields = list(_EOCD.unpack_from(data, at))
    for i, value in enumerate(
        (disk_number, cd_disk, entries_on_disk, entries_total, cd_size, cd_offset), start=1
    ):
        if value is not None:
            fields[i] = value
    _EOCD.pack_into(data, at, *fields)
    path.write_bytes(bytes(data))


def add_zip64_end_records(
    path: Path,
    *,
    disk_number: int = 0,
    cd_disk: int = 0,
    locator_disk: int = 0,
    total_disks: int = 1,
    mark_classic: bool = True,
) -> None:
    """Insert ZIP64 end records before the classic one, as a ZIP64 writer does
    for a large archive; ``mark_classic`` sets the classic fields to 0xFFFF..."""
    path = Path(path)
    data = bytearray(path.read_bytes())
    at = _eocd_offset(data)
    fields = list(_EOCD.unpack_from(data, at))
    _, _, _, on_disk, total, cd_size, cd_offset, _comment_len = fields
    record = _ZIP64_EOCD.pack(
        b"PK\x06\x06", 44, 45, 45, disk_number, cd_disk, on_disk, total, cd_size, cd_offset
    )
    locator = _LOCATOR.pack(b"PK\x06\x07", locator_disk, at, total_disks)
    if mark_classic:
        fields[1:7] = [0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF]
    classic = _EOCD.pack(*fields)
    path.write_bytes(bytes(data[:at]) + record + locator + classic + bytes(data[at + _EOCD.size :]))


def write_zip64_zeros(path: Path, name: str, size: int, *, companions: Members = ()) -> Path:
    """A ZIP64 whose member ``name`` holds ``size`` zero bytes, streamed to disk
    by zipfile (deflate level 1) so the test never holds it in memory."""
    chunk = bytes(64 * 1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        write_members(zf, companions)
        info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as out:
            left = size
            while left:
                piece = chunk if left >= len(chunk) else chunk[:left]
                out.write(piece)
                left -= len(piece)
    return Path(path)
