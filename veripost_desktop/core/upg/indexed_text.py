"""The text of a post's files as the search index takes it (issue 14).

Computed in the parse process (``analyse_package``) and carried back on
``PackageAnalysis.indexed_texts``: for each file its *distinct* lines once,
and each line as a number (its index among them), so the app receives and
indexes every distinct line once, however often a post repeats it (``*``,
``:T:<EOL>``, whole sections copied between posts). The catalog turns the
numbers into catalog-wide text ids (``core/search/index_writer.py``).

Which files: every text file of the package but the compiled ``.CTL``
(``.SRC .LIB .LNG .ATR .KIN .PINF`` and the extra types the settings accept,
e.g. ``.RTF`` and ``.CNF``). A file holding NUL bytes is not text and is
left out. The text is decoded as the source viewer decodes it
(``text_decoding.decode_text``) and cut into lines as the viewer and the
parser count them, each without its line end, so line numbers agree.
"""

from __future__ import annotations

import re
import sys
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import accumulate, compress

from veripost_desktop.core.upg.models import _PickledAsCall
from veripost_desktop.core.upg.section_identity import PREAMBLE_KEY, parse_header
from veripost_desktop.core.upg.text_decoding import decode_text, split_lines

# Never indexed: compiled posts.
NOT_INDEXED_EXTENSIONS = frozenset({"CTL"})
# Line numbers are stored as unsigned 32-bit integers, little-endian.
LINE_ARRAY_TYPE = "I"


@dataclass(frozen=True, slots=True)
class IndexedText(_PickledAsCall):
    """One file's lines, each distinct line once.

    ``texts`` are the distinct lines in order of first appearance, ``counts``
    how many lines hold each (``array('I')`` bytes, little-endian), ``lines``
    the index in ``texts`` of every line in order (same format).
    ``sections`` holds ``(first line index (0-based), key, active)`` for each
    span of ``section_identity.split_sections``, the preamble included.
    """

    filename: str
    texts: tuple[str, ...]
    lines: bytes
    counts: bytes
    sections: tuple[tuple[int, str, bool], ...] = ()

    @property
    def line_count(self) -> int:
        return len(self.lines) // 4

    def line_indexes(self) -> array[int]:
        return unpack_numbers(self.lines)

    def text_counts(self) -> array[int]:
        return unpack_numbers(self.counts)


def pack_numbers(numbers: array[int]) -> bytes:
    if sys.byteorder != "little":
        numbers = array(LINE_ARRAY_TYPE, numbers)
        numbers.byteswap()
    return numbers.tobytes()


def unpack_numbers(data: bytes) -> array[int]:
    numbers = array(LINE_ARRAY_TYPE)
    numbers.frombytes(data)
    if sys.byteorder != "little":
        numbers.byteswap()
    return numbers


def text_lines(text: str) -> list[str]:
    """The lines of a decoded file as search shows them: split as the viewer
    and the parser count lines (``split_lines``), each without its CR."""
    return split_lines(text.replace("\r\n", "\n"))


def _extension(filename: str) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, extension = name.rpartition(".")
    return extension.upper() if dot and stem else ""


def indexed_text(filename: str, data: bytes) -> IndexedText | None:
    """The file's ``IndexedText``, or None when it is not indexed."""
    if not data or _extension(filename) in NOT_INDEXED_EXTENSIONS:
        return None
    decoded = decode_text(data, filename)
    if not decoded.is_text:
        return None
    lines = text_lines(decoded.text)
    distinct = list(dict.fromkeys(lines))  # C speed: every line hashed once
    number = {text: i for i, text in enumerate(distinct)}
    indexes = array(LINE_ARRAY_TYPE, map(number.__getitem__, lines))
    counted = Counter(indexes)
    counts = array(LINE_ARRAY_TYPE, [counted[i] for i in range(len(distinct))])
    return IndexedText(
        filename,
        tuple(distinct),
        pack_numbers(indexes),
        pack_numbers(counts),
        _section_starts(distinct, indexes),
    )


# What every ``section_identity`` header line starts with; ``parse_header``
# stays the judge; this only spares it the lines that cannot be one.
_MAYBE_HEADER = re.compile(r"^[ \t]*(?:\*[* \t]*)?:[ \t]*SECTION", re.IGNORECASE | re.MULTILINE)


def _header_candidates(distinct: list[str]) -> list[int]:
    """Indexes of the distinct lines that may be headers, found by one regex
    pass over them all (C speed) instead of a call per line."""
    joined = "\n".join(distinct)
    offsets = list(accumulate((len(t) + 1 for t in distinct), initial=0))
    return [bisect_right(offsets, m.start()) - 1 for m in _MAYBE_HEADER.finditer(joined)]


def _section_starts(distinct: list[str], indexes: array[int]) -> tuple[tuple[int, str, bool], ...]:
    """``section_identity.split_sections`` of the file, as (start, key, active):
    each distinct line is read once (``parse_header``), not each line."""
    headers = {
        i: header
        for i in _header_candidates(distinct)
        if (header := parse_header(distinct[i])) is not None
    }
    if not indexes:
        return ()
    starts: list[tuple[int, str, bool]] = []
    if indexes[0] not in headers:
        starts.append((0, PREAMBLE_KEY, True))
    # The header lines' numbers, found in C (map, compress) rather than a loop.
    for line_index in compress(range(len(indexes)), map(headers.__contains__, indexes)):
        header = headers[indexes[line_index]]
        starts.append((line_index, header.key, header.active))
    return tuple(starts)


def indexed_texts(files: Mapping[str, bytes]) -> tuple[IndexedText, ...]:
    """Every indexed file of a package, in the order of ``files``."""
    return tuple(t for name, data in files.items() if (t := indexed_text(name, data)) is not None)
