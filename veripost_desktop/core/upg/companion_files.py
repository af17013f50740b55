"""The small companion files of a post: .PINF, .KIN and .LNG.

Each parser takes the file's bytes and returns a result object; a malformed
file gives warnings on that object, never an exception.
"""

from __future__ import annotations

import dataclasses
import re

from veripost_desktop.core.upg.models import (
    KNOWN_KIN_LAYOUTS,
    KinematicsEntry,
    KinematicsFile,
    LanguageEntry,
    LanguageFile,
    PackageWarning,
    PostInfo,
    WarningCode,
)
from veripost_desktop.core.upg.text_decoding import decode_text, empty_file_warning, split_lines

# The PINF keys we surface, matched case-insensitively.
_PINF_FIELDS = {
    "postname": "post_name",
    "postextension": "post_extension",
    "shortinfo": "short_info",
    "longinfo": "long_info",
}

LNG_TEXT_WIDTH = 70
# After the 70 padded characters: ":NNNN:", then nothing but blanks.
_LNG_NUMBER_RE = re.compile(r":([0-9]{4}):[ \t]*+\Z")

_MAX_LISTED_LINES = 10


def _listed(line_numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in line_numbers[:_MAX_LISTED_LINES])
    more = len(line_numbers) - _MAX_LISTED_LINES
    return shown + (f" and {more} more" if more > 0 else "")


def parse_pinf(data: bytes, filename: str) -> PostInfo:
    """Read ``Key = Value`` lines; lines without ``=`` (banners, comments) are skipped.

    The first occurrence of a key wins. The value keeps any further ``=``.
    """
    decoded = decode_text(data, filename)
    if not decoded.is_text:
        return PostInfo(filename=filename, is_text=False, warnings=decoded.warnings)
    entries: list[tuple[str, str]] = []
    fields: dict[str, str] = {}
    for line in split_lines(decoded.text):
        key, equals, value = line.partition("=")
        key = key.strip()
        if not equals or not key:
            continue
        value = value.strip()
        entries.append((key, value))
        field = _PINF_FIELDS.get(key.lower())
        if field is not None and field not in fields:
            fields[field] = value
    warnings = list(decoded.warnings)
    if not decoded.text:
        warnings.append(empty_file_warning(filename))
    if not fields.get("post_name"):
        warnings.append(
            PackageWarning(
                WarningCode.PINF_MISSING_POST_NAME,
                f"{filename} has no PostName = ... line, so CAMWorks cannot show the post's name.",
                filename,
            )
        )
    return PostInfo(
        filename=filename,
        post_name=fields.get("post_name") or None,
        post_extension=fields.get("post_extension") or None,
        short_info=fields.get("short_info") or None,
        long_info=fields.get("long_info") or None,
        entries=tuple(entries),
        warnings=tuple(warnings),
    )


def parse_kin(data: bytes, filename: str) -> KinematicsFile:
    """Read ``<value> * <description>`` lines; report whether the layout is a known one.

    A line is well formed when it has a ``*`` with a single word (no blanks)
    before it. Blank lines are skipped. A file is of a known layout when it
    is exactly 19 or 22 well-formed lines and nothing malformed.
    """
    decoded = decode_text(data, filename)
    if not decoded.is_text:
        return KinematicsFile(
            filename=filename, line_count=0, is_text=False, warnings=decoded.warnings
        )
    lines = split_lines(decoded.text)
    entries: list[KinematicsEntry] = []
    malformed: list[int] = []
    blank = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            blank += 1
            continue
        value, star, description = line.partition("*")
        value = value.strip()
        if star and value and " " not in value and "\t" not in value:
            entries.append(KinematicsEntry(number, value, description.strip()))
        else:
            malformed.append(number)
    result = KinematicsFile(
        filename=filename,
        line_count=len(lines),
        entries=tuple(entries),
        malformed_lines=tuple(malformed),
        blank_line_count=blank,
    )
    warnings = list(decoded.warnings)
    if not lines:
        warnings.append(empty_file_warning(filename))
    if not result.matches_known_layout:
        layouts = " or ".join(str(n) for n in KNOWN_KIN_LAYOUTS)
        problem = f"{len(entries)} well-formed line(s)"
        if malformed:
            problem += f" and malformed line(s) {_listed(malformed)}"
        warnings.append(
            PackageWarning(
                WarningCode.KIN_UNEXPECTED_LAYOUT,
                f"{filename} has {problem}; a kinematics file has {layouts} lines of the form "
                "<value> * <description>.",
                filename,
                malformed[0] if malformed else None,
            )
        )
    return dataclasses.replace(result, warnings=tuple(warnings)) if warnings else result


def parse_lng(data: bytes, filename: str) -> LanguageFile:
    """Read the compiler's prompt strings: 70 padded characters, then ``:NNNN:``.

    Blank lines are skipped; any other line not of that shape is malformed.
    """
    decoded = decode_text(data, filename)
    if not decoded.is_text:
        return LanguageFile(
            filename=filename, line_count=0, is_text=False, warnings=decoded.warnings
        )
    lines = split_lines(decoded.text)
    entries: list[LanguageEntry] = []
    malformed: list[int] = []
    blank = 0
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            blank += 1
            continue
        match = _LNG_NUMBER_RE.match(line, LNG_TEXT_WIDTH) if len(line) > LNG_TEXT_WIDTH else None
        if match is None:
            malformed.append(number)
            continue
        entries.append(LanguageEntry(number, int(match.group(1)), line[:LNG_TEXT_WIDTH].rstrip()))
    warnings = list(decoded.warnings)
    if not lines:
        warnings.append(empty_file_warning(filename))
    if malformed:
        warnings.append(
            PackageWarning(
                WarningCode.LNG_MALFORMED_LINES,
                f"{filename}: line(s) {_listed(malformed)} are not 70 padded characters "
                "followed by :NNNN:.",
                filename,
                malformed[0],
            )
        )
    return LanguageFile(
        filename=filename,
        line_count=len(lines),
        entries=tuple(entries),
        malformed_lines=tuple(malformed),
        blank_line_count=blank,
        warnings=tuple(warnings),
    )
