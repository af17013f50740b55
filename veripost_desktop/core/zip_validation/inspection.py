"""The drop-time check: reads the central directory only, never member data.

Checks run in a fixed order and the first failing one is reported, with every
offending path of that kind in the detail (docs/ERROR_CODES.md lists the
order). Bounds that protect the machine (entry count, encryption, links,
compression, structure, sizes) come before the package rules (names, types,
duplicates, the .SRC), so a hostile archive is refused as such.
"""

from __future__ import annotations

import io
import re
import stat
import struct
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from veripost_desktop.core.config import UPG_EXTENSIONS, ZipLimits
from veripost_desktop.core.errors import UserError, internal_error
from veripost_desktop.core.zip_validation import limit_checks, refusals
from veripost_desktop.core.zip_validation.end_record import (
    LOCAL_HEADER_SIGNATURE,
    SPLIT_SIGNATURE,
    read_end_record,
)
from veripost_desktop.core.zip_validation.model import ValidationResult, ZipMember
from veripost_desktop.core.zip_validation.names import (
    duplicate_key,
    extension_of,
    filename_problem,
    flatten_name,
    is_junk,
    show,
)

SUPPORTED_METHODS = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)
# General purpose flag bits (APPNOTE 4.4.4).
FLAG_ENCRYPTED = 0x0001
FLAG_PATCHED_DATA = 0x0020
FLAG_STRONG_ENCRYPTION = 0x0040
FLAG_ENCRYPTED_DIRECTORY = 0x2000
_ANY_ENCRYPTION = FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION | FLAG_ENCRYPTED_DIRECTORY
UNIX_SYSTEM = 3
_DOS_DIRECTORY_ATTR = 0x10
LOCAL_HEADER_SIZE = 30
# "pkg.z01", "pkg.zip.001": the other parts of a split archive.
# What zipfile may raise on hostile bytes beyond BadZipFile (seek before the
# start, truncated structs, absurd offsets...).
_DIRECTORY_ERRORS = (
    OSError,
    EOFError,
    ValueError,
    OverflowError,
    struct.error,
    KeyError,
    IndexError,
)
_SPLIT_PART_NAME = re.compile(r"\.(z\d{2,}|zip\.\d{3,})$", re.IGNORECASE)


class Refused(Exception):
    """Internal: carries a refusal out of the nested checks."""

    def __init__(self, error: UserError) -> None:
        super().__init__(error.code)
        self.error = error


@dataclass(frozen=True)
class _Candidate:
    info: zipfile.ZipInfo
    path: str
    name: str
    extension: str


def normalise_extensions(extensions: Sequence[str]) -> tuple[str, ...]:
    out: list[str] = []
    for ext in extensions:
        e = ext.strip().upper()
        e = e if e.startswith(".") else "." + e
        if e != "." and e not in out:
            out.append(e)
    return tuple(out)


def inspect_zip(
    path: Path,
    *,
    accepted_extensions: Sequence[str] = UPG_EXTENSIONS,
    limits: ZipLimits | None = None,
) -> ValidationResult:
    """Check a dropped file from its central directory alone. Never raises."""
    path = Path(path)
    skipped: list[str] = []
    try:
        members = _inspect(
            path, normalise_extensions(accepted_extensions), limits or ZipLimits(), skipped
        )
    except Refused as refusal:
        return ValidationResult(path, (), tuple(skipped), refusal.error)
    except Exception as exc:  # a bug must still not take the GUI thread down
        return ValidationResult(path, (), tuple(skipped), internal_error(exc))
    return ValidationResult(path, tuple(members), tuple(skipped), None)


def _inspect(
    path: Path, accepted: tuple[str, ...], limits: ZipLimits, skipped: list[str]
) -> list[ZipMember]:
    _check_file_name(path)
    try:
        fp = path.open("rb")
    except OSError as exc:
        raise Refused(refusals.file_not_found(path, str(exc))) from exc
    with fp, open_directory(path, fp, limits) as zf:
        infos, start_dir = zf.infolist(), zf.start_dir

    _refuse(limit_checks.member_count(len(infos), limits))
    candidates: list[_Candidate] = []
    for info in infos:
        p = info.orig_filename
        if is_directory(info) or is_junk(p):
            skipped.append(p)
            continue
        name = flatten_name(p)
        candidates.append(_Candidate(info, p, name, extension_of(name)))
    if not candidates:
        raise Refused(refusals.empty_zip([show(s) for s in skipped]))

    _check_safety(path, candidates, start_dir, limits)
    _check_package_rules(candidates, accepted)
    return [
        ZipMember(
            name=c.name,
            path_in_zip=c.path,
            size=c.info.file_size,
            compressed_size=c.info.compress_size,
            extension=c.extension,
            zip_name=c.info.filename,
        )
        for c in candidates
    ]


def _refuse(error: UserError | None) -> None:
    if error is not None:
        raise Refused(error)


def _check_file_name(path: Path) -> None:
    try:
        exists, is_dir = path.exists(), path.is_dir()
    except (OSError, ValueError) as exc:
        raise Refused(refusals.file_not_found(path, str(exc))) from exc
    if not exists:
        raise Refused(refusals.file_not_found(path, "no such file"))
    if is_dir:
        raise Refused(refusals.folder_not_zip(path))
    if _SPLIT_PART_NAME.search(path.name):
        raise Refused(
            refusals.split_archive(path, f"{path.name!r} is named like one part of a split ZIP")
        )
    # The name is checked as well as the content: a .txt that happens to be a
    # ZIP was most likely dropped by mistake.
    if not path.name.lower().endswith(".zip"):
        raise Refused(refusals.not_a_zip(path, "the file name does not end in .zip"))


def open_directory(path: Path, fp: BinaryIO, limits: ZipLimits) -> zipfile.ZipFile:
    """A ZipFile on ``fp``, its central directory parsed, or ``Refused``.

    Every exception zipfile may raise on hostile bytes is turned into a refusal.
    """
    try:
        file_size = fp.seek(0, io.SEEK_END)
        end = read_end_record(fp, file_size)
        if end is None:
            fp.seek(0)
            head = fp.read(8)
            if head[:4] == SPLIT_SIGNATURE:
                raise Refused(
                    refusals.split_archive(
                        path,
                        "starts with the split-archive signature PK\\x07\\x08 and has no "
                        "end of central directory: it is the first part (.z01) of a split ZIP",
                    )
                )
            if head[:4] == LOCAL_HEADER_SIGNATURE:
                raise Refused(
                    refusals.corrupt(
                        path, "no end of central directory record: the file is truncated"
                    )
                )
            raise Refused(
                refusals.not_a_zip(path, f"the content is not a ZIP archive (starts with {head!r})")
            )
        split = end.split_reason()
        if split is not None:
            raise Refused(refusals.split_archive(path, split))
        # Bound the work before zipfile parses a directory of any size.
        if end.entries_total is not None:
            _refuse(limit_checks.member_count(end.entries_total, limits))
        return zipfile.ZipFile(fp)
    except Refused:
        raise
    except zipfile.BadZipFile as exc:
        if "span multiple disks" in str(exc):
            raise Refused(refusals.split_archive(path, str(exc))) from exc
        raise Refused(refusals.corrupt(path, f"central directory: {exc}")) from exc
    except NotImplementedError as exc:
        raise Refused(
            refusals.unsupported_compression([f"the ZIP needs a newer reader: {exc}"])
        ) from exc
    except UnicodeDecodeError as exc:
        raise Refused(
            refusals.invalid_names([f"{exc.object!r}: marked as UTF-8 but is not valid UTF-8"])
        ) from exc
    except _DIRECTORY_ERRORS as exc:
        reason = f"central directory: {type(exc).__name__}: {exc}"
        raise Refused(refusals.corrupt(path, reason)) from exc


def is_directory(info: zipfile.ZipInfo) -> bool:
    if info.file_size != 0:
        return False
    if info.orig_filename.endswith(("/", "\\")):
        return True
    if info.external_attr & _DOS_DIRECTORY_ATTR:
        return True
    return info.create_system == UNIX_SYSTEM and stat.S_ISDIR(info.external_attr >> 16)


def is_symlink(info: zipfile.ZipInfo) -> bool:
    return info.create_system == UNIX_SYSTEM and stat.S_ISLNK(info.external_attr >> 16)


def compression_problem(info: zipfile.ZipInfo) -> str | None:
    if info.flag_bits & FLAG_PATCHED_DATA:
        return "patch data (flag bit 5)"
    if info.compress_type not in SUPPORTED_METHODS:
        return refusals.compression_label(info.compress_type)
    return None


def _check_safety(
    path: Path, candidates: list[_Candidate], start_dir: int, limits: ZipLimits
) -> None:
    enc = [show(c.path) for c in candidates if c.info.flag_bits & _ANY_ENCRYPTION]
    if enc:
        raise Refused(refusals.encrypted(enc))
    links = [show(c.path) for c in candidates if is_symlink(c.info)]
    if links:
        raise Refused(refusals.symlinks(links))
    methods = [
        f"{show(c.path)}: {problem}"
        for c in candidates
        if (problem := compression_problem(c.info)) is not None
    ]
    if methods:
        raise Refused(refusals.unsupported_compression(methods))
    _check_structure(path, candidates, start_dir)
    _refuse(limit_checks.total_size(sum(c.info.file_size for c in candidates), limits))
    ratios = [
        line
        for c in candidates
        if (
            line := limit_checks.ratio_problem(
                c.path, c.info.file_size, c.info.compress_size, limits
            )
        )
    ]
    if ratios:
        raise Refused(limit_checks.ratio(ratios))


def _check_structure(path: Path, candidates: list[_Candidate], start_dir: int) -> None:
    """Catch lying offsets and sizes without reading data: member data must sit
    before the central directory, and no two members may share bytes (the
    "overlapping files" ZIP bomb)."""
    problems: list[str] = []
    spans: list[tuple[int, int, str]] = []
    for c in candidates:
        info = c.info
        # A lower bound: the local name and extra field only make it longer.
        end = info.header_offset + LOCAL_HEADER_SIZE + info.compress_size
        if info.header_offset < 0 or end > start_dir:
            problems.append(
                f"{show(c.path)}: data at offset {info.header_offset:,} with "
                f"{info.compress_size:,} compressed bytes runs past the central directory "
                f"at {start_dir:,}"
            )
        if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
            problems.append(
                f"{show(c.path)}: stored without compression, yet the header gives "
                f"{info.file_size:,} bytes and {info.compress_size:,} compressed bytes"
            )
        spans.append((info.header_offset, end, c.path))
    spans.sort()
    for (_, a_end, a_path), (b_start, _, b_path) in zip(spans, spans[1:], strict=False):
        if b_start < a_end:
            problems.append(f"{show(a_path)} and {show(b_path)} overlap in the file")
    if problems:
        raise Refused(
            refusals.corrupt(
                path,
                "the central directory does not match the file:\n" + refusals.listing(problems),
            )
        )


def _check_package_rules(candidates: list[_Candidate], accepted: tuple[str, ...]) -> None:
    invalid = [
        f"{show(c.path)}: {problem}"
        for c in candidates
        if (problem := filename_problem(c.name)) is not None
    ]
    if invalid:
        raise Refused(refusals.invalid_names(invalid))
    nested = [show(c.path) for c in candidates if c.extension == ".ZIP"]
    if nested:
        raise Refused(refusals.nested_zip(nested))
    unknown = [
        f"{show(c.path)} ({c.extension or 'no extension'})"
        for c in candidates
        if c.extension not in accepted
    ]
    if unknown:
        raise Refused(refusals.unrecognized_extensions(unknown, accepted))
    groups: dict[str, list[_Candidate]] = {}
    for c in candidates:
        groups.setdefault(duplicate_key(c.name), []).append(c)
    dupes = [_same_name(group) for group in groups.values() if len(group) > 1]
    if dupes:
        raise Refused(refusals.duplicates(dupes))
    if not any(c.extension == ".SRC" for c in candidates):
        raise Refused(refusals.missing_src([show(c.path) for c in candidates]))
    empty = [show(c.path) for c in candidates if c.extension == ".SRC" and c.info.file_size == 0]
    if empty:
        raise Refused(refusals.empty_src(empty))


def _same_name(group: list[_Candidate]) -> str:
    paths = [show(c.path) for c in group]
    both = "both" if len(paths) == 2 else "all"
    return f"{', '.join(paths[:-1])} and {paths[-1]} are {both} named {show(group[0].name)}"
