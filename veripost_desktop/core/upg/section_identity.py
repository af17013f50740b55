"""Which section a line of a .SRC / .LIB belongs to: the one rule that compare,
similar-post ranking and search share (issues 13 and 14), so the GUI, the CLI
and the tests always agree on a section's name and extent.

- A section starts at a ``:SECTION=`` header (active) or a ``*:SECTION=``
  header (commented out: any number of leading ``*``, blanks allowed before
  the ``:``), keyword in any case, blanks allowed around ``=``. It runs to the
  line before the next header of either kind, or to the end of the file.
- Its *key* is the header's text up to the first blank or ``(``, upper-case:
  ``CALC_PARTS_CATCHER_IN(PVAL,CVAL)`` has the key ``CALC_PARTS_CATCHER_IN``.
  A header with no name opens no section (UPG-2 ignores it; the parser warns).
- Lines before the first header form the preamble, key ``(preamble)``.
- Two bodies are equal when they are equal line by line after line endings
  are normalised, trailing blanks are dropped from each line and trailing
  blank lines are dropped (``normalised_body``); ``body_hash`` hashes that.
- A key written twice as an active section of one file is one key whose
  copies are compared together (``copies_hash``): it differs when either
  copy does.
- A package's ``.SRC`` is compared with the other's ``.SRC``, and its own
  ``.LIB`` (``own_library``) with the other's own ``.LIB``.

This differs on purpose from the parser's view (``source_parser.py``), which
keeps names case-sensitive as UPG-2 does and lets a commented-out header sit
inside an active section: a person comparing or searching posts thinks of
``*:SECTION=X`` as "section X, commented out".
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from veripost_desktop.core.upg.file_names import base_name, split_extension
from veripost_desktop.core.upg.library_refs import clean_path, resolved_file_name
from veripost_desktop.core.upg.text_decoding import decode_text, text_lines

PREAMBLE_KEY = "(preamble)"

# Leading blanks; for a commented-out header a ``*`` then any ``*``/blanks;
# ``:``, the keyword (any case), blanks, ``=``; group 2 is the rest of the line.
_HEADER_RE = re.compile(r"[ \t]*(\*[* \t]*)?:[ \t]*SECTION[ \t]*=(.*)", re.IGNORECASE)
_KEY_END_RE = re.compile(r"[ \t(]")


@dataclass(frozen=True, slots=True)
class SectionHeader:
    key: str
    active: bool


def parse_header(line: str) -> SectionHeader | None:
    """The header on ``line`` (a line without its line end), or None."""
    match = _HEADER_RE.match(line)
    if match is None:
        return None
    value = match.group(2).lstrip(" \t")
    end = _KEY_END_RE.search(value)
    key = (value[: end.start()] if end else value).rstrip("\r").upper()
    if not key:
        return None
    return SectionHeader(key, match.group(1) is None)


@dataclass(frozen=True, slots=True)
class SectionSpan:
    """One section of a file: lines ``start`` to ``end - 1`` (0-based,
    the header included), or the preamble (``header_line`` None)."""

    key: str
    active: bool
    start: int
    end: int

    @property
    def header_line(self) -> int | None:
        """The header's line number, 1-based; None for the preamble."""
        return None if self.key == PREAMBLE_KEY else self.start + 1

    @property
    def is_preamble(self) -> bool:
        return self.key == PREAMBLE_KEY


# Every header line of a whole text at once: one regex pass (C speed) instead
# of a ``parse_header`` call per line. It is ``_HEADER_RE`` anchored at line
# starts, with the key taken as ``parse_header`` takes it (group 2: blanks
# after ``=`` skipped, then up to a blank or ``(``); ``test_section_identity``
# checks the two agree line by line on every corpus source.
_HEADER_LINES_RE = re.compile(
    r"^[ \t]*(\*[* \t]*)?:[ \t]*SECTION[ \t]*=[ \t]*([^ \t(\n]*)", re.IGNORECASE | re.MULTILINE
)

SectionStart = tuple[int, str, bool]


def section_starts(lines: Sequence[str]) -> tuple[SectionStart, ...]:
    """``(first line index (0-based), key, active)`` of every span of
    ``split_sections``, the preamble included: the compact form the search
    index stores and the section hashes are cut by."""
    joined = "\n".join(lines)
    starts: list[SectionStart] = []
    count = joined.count
    line_index, counted_to = 0, 0
    for match in _HEADER_LINES_RE.finditer(joined):
        key = match.group(2).rstrip("\r").upper()
        if not key:
            continue  # a header with no name opens no section
        position = match.start()
        line_index += count("\n", counted_to, position)
        counted_to = position
        if not starts and line_index > 0:
            starts.append((0, PREAMBLE_KEY, True))
        starts.append((line_index, key, match.group(1) is None))
    if not starts and lines:
        starts.append((0, PREAMBLE_KEY, True))
    return tuple(starts)


def spans_of(starts: Sequence[SectionStart], line_count: int) -> list[SectionSpan]:
    """The spans that ``section_starts`` describes, for a file of ``line_count`` lines."""
    if not starts:
        return []
    ends = [start for start, _key, _active in starts[1:]] + [line_count]
    return [
        SectionSpan(key, active, start, end)
        for (start, key, active), end in zip(starts, ends, strict=True)
    ]


@dataclass(frozen=True, slots=True)
class SectionedLines:
    """A text file read once for everything that reads it by line and by
    section (the section hashes, the search index): its lines (``text_lines``)
    and its ``section_starts``."""

    lines: list[str]
    starts: tuple[SectionStart, ...]

    def spans(self) -> list[SectionSpan]:
        return spans_of(self.starts, len(self.lines))


def read_sectioned_lines(data: bytes, filename: str) -> SectionedLines | None:
    """The file decoded as the source viewer decodes it, cut into lines and
    sections; None when it is not text (NUL bytes)."""
    decoded = decode_text(data, filename)
    if not decoded.is_text:
        return None
    lines = text_lines(decoded.text)
    return SectionedLines(lines, section_starts(lines))


def split_sections(lines: Sequence[str]) -> list[SectionSpan]:
    """The file cut into its preamble (when it has lines) and its sections, in order.

    ``lines`` as ``text_decoding.split_lines`` gives them (a CR left at a
    line's end is ignored here)."""
    return spans_of(section_starts(lines), len(lines))


def normalised_body(lines: Sequence[str]) -> list[str]:
    """Line endings and trailing blanks dropped from each line, trailing blank lines dropped."""
    body = [line.rstrip() for line in lines]
    while body and not body[-1]:
        body.pop()
    return body


def body_hash(lines: Sequence[str]) -> str:
    """SHA-256 (hex) of the normalised body: equal bodies, equal hashes."""
    text = "\n".join(normalised_body(lines))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def section_at(spans: Sequence[SectionSpan], line_index: int) -> SectionSpan | None:
    """The span holding ``line_index`` (0-based), by bisection over ``spans``."""
    lo, hi = 0, len(spans)
    while lo < hi:
        mid = (lo + hi) // 2
        if spans[mid].end <= line_index:
            lo = mid + 1
        else:
            hi = mid
    if lo < len(spans) and spans[lo].start <= line_index < spans[lo].end:
        return spans[lo]
    return None


def key_copies(spans: Sequence[SectionSpan]) -> dict[tuple[str, bool], list[SectionSpan]]:
    """The spans of each (key, active) pair, in file order; the dict in order
    of each pair's first span. A key written twice as an active section is
    one entry with two copies."""
    groups: dict[tuple[str, bool], list[SectionSpan]] = {}
    for span in spans:
        groups.setdefault((span.key, span.active), []).append(span)
    return groups


def copies_hash(lines: Sequence[str], copies: Sequence[SectionSpan]) -> str:
    """The hash of a key's copies taken together: equal exactly when both
    files hold as many copies and each is equal to its counterpart (one copy:
    its ``body_hash``)."""
    hashes = [body_hash(lines[s.start : s.end]) for s in copies]
    if len(hashes) == 1:
        return hashes[0]
    return hashlib.sha256("\n".join(hashes).encode("ascii")).hexdigest()


def section_hashes(
    lines: Sequence[str], spans: Sequence[SectionSpan] | None = None
) -> list[tuple[str, bool, str]]:
    """``(key, active, copies_hash)`` for every key of a file, active and
    commented-out apart, in order of first appearance (``spans``: the file's
    ``split_sections`` when the caller has them already)."""
    groups = key_copies(split_sections(lines) if spans is None else spans)
    return [(key, active, copies_hash(lines, spans)) for (key, active), spans in groups.items()]


# ---- which files of a package are compared --------------------------------


def own_library(
    src_filename: str, library_paths: Iterable[str], filenames: Iterable[str]
) -> str | None:
    """The package's own ``.LIB`` among ``filenames``, or None.

    It is the one the ``.SRC``'s ``:LIBRARY=`` names with a ``.\\`` (or
    ``./``) path, the first such line that names a file of the package; else
    the ``.LIB`` with the ``.SRC``'s stem. Names are matched case-insensitively
    on their last component. ``library_paths`` are the ``:LIBRARY=`` values as
    written (``LibraryRef.raw``), in file order.
    """
    libs = [name for name in filenames if base_name(name).upper().endswith(".LIB")]
    by_name = {base_name(name).upper(): name for name in reversed(libs)}
    for raw in library_paths:
        path = clean_path(raw)
        if path.startswith((".\\", "./")):
            found = by_name.get(resolved_file_name(path).upper())
            if found is not None:
                return found
    stem = split_extension(src_filename)[0].upper()
    return next((name for name in libs if split_extension(name)[0].upper() == stem), None)
