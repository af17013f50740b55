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

import sys
from array import array
from collections.abc import Mapping
from dataclasses import dataclass

from veripost_desktop.core.upg.models import _PickledAsCall
from veripost_desktop.core.upg.section_identity import split_sections
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
    numbers: dict[str, int] = {}
    indexes = array(LINE_ARRAY_TYPE, [numbers.setdefault(line, len(numbers)) for line in lines])
    counts = array(LINE_ARRAY_TYPE, bytes(4 * len(numbers)))
    for index in indexes:
        counts[index] += 1
    spans = split_sections(lines)
    return IndexedText(
        filename,
        tuple(numbers),
        pack_numbers(indexes),
        pack_numbers(counts),
        tuple((s.start, s.key, s.active) for s in spans),
    )


def indexed_texts(files: Mapping[str, bytes]) -> tuple[IndexedText, ...]:
    """Every indexed file of a package, in the order of ``files``."""
    return tuple(t for name, data in files.items() if (t := indexed_text(name, data)) is not None)
