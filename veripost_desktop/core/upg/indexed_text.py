"""The text of a post's files as the search index takes it (issue 14).

Computed in the parse process (``analyse_package``), which writes it into
the search index itself (``core/ingestion/parse_and_index.py``); a package
read in-process carries it on ``PackageAnalysis.indexed_texts`` for the
catalog to write. For each file: its *distinct* lines once, how many lines
hold each, and every line in order. The writer
(``core/search/index_writer.py``) stores each distinct line once for the
whole index, however often posts repeat it (``*``, ``:T:<EOL>``, whole
sections copied between posts), and each line of a file as its text id.

Which files: every text file of the package but the compiled ``.CTL``
(``.SRC .LIB .LNG .ATR .KIN .PINF`` and the extra types the settings accept,
e.g. ``.RTF`` and ``.CNF``). A file holding NUL bytes is not text and is
left out. The text is decoded as the source viewer decodes it
(``text_decoding.decode_text``) and cut into lines as the viewer and the
parser count them, each without its line end, so line numbers agree. A file
is read once (``section_identity.read_sectioned_lines``) for both the index
and the section hashes of compare: one pass finds its section headers.
"""

from __future__ import annotations

import json
import sys
from array import array
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from veripost_desktop.core.upg.file_names import split_extension
from veripost_desktop.core.upg.models import _PickledAsCall
from veripost_desktop.core.upg.section_identity import (
    SectionedLines,
    SectionStart,
    read_sectioned_lines,
)

# Never indexed: compiled posts.
NOT_INDEXED_EXTENSIONS = frozenset({"CTL"})
# Line numbers are stored as unsigned 32-bit integers, little-endian.
LINE_ARRAY_TYPE = "I"


@dataclass(frozen=True, slots=True)
class IndexedText(_PickledAsCall):
    """One file's lines.

    ``texts`` are the distinct lines in order of first appearance, ``counts``
    how many lines hold each (``array('I')`` bytes, little-endian), ``lines``
    every line in order (the writer turns each into its text id with the
    same dictionary that gives the distinct ones theirs: numbering them here
    first cost the parse process another pass).
    ``sections_json`` holds ``[first line index (0-based), key, active]`` for
    each span of ``section_identity.split_sections``, the preamble included
    (``section_identity.section_starts``), as the JSON the index stores: made
    here, in the parse process, it costs the index's write transaction nothing.
    """

    filename: str
    texts: tuple[str, ...]
    lines: Sequence[str]
    counts: bytes
    sections_json: str = "[]"

    @property
    def line_count(self) -> int:
        return len(self.lines)

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


def is_indexed(filename: str, data: bytes) -> bool:
    """Every non-empty file but a compiled post is indexed (when it is text)."""
    return bool(data) and split_extension(filename)[1] not in NOT_INDEXED_EXTENSIONS


def indexed_text_of(filename: str, read: SectionedLines) -> IndexedText:
    """The ``IndexedText`` of a file already read (``read_sectioned_lines``)."""
    counted = Counter(read.lines)  # C speed; its keys in order of first appearance
    return IndexedText(
        filename,
        tuple(counted),
        tuple(read.lines),
        pack_numbers(array(LINE_ARRAY_TYPE, counted.values())),
        sections_json(read.starts),
    )


def sections_json(starts: Sequence[SectionStart]) -> str:
    # Raw UTF-8 (as ``index_writer`` stores texts), no spaces.
    return json.dumps(starts, ensure_ascii=False, separators=(",", ":"))


ReadFile = Callable[[str], SectionedLines | None]


def indexed_texts(
    files: Mapping[str, bytes], read: ReadFile | None = None
) -> tuple[IndexedText, ...]:
    """Every indexed file of a package, in the order of ``files``; ``read``
    gives a file's lines when the caller has read them already."""
    out: list[IndexedText] = []
    for name, data in files.items():
        if not is_indexed(name, data):
            continue
        lines = read(name) if read is not None else read_sectioned_lines(data, name)
        if lines is not None:
            out.append(indexed_text_of(name, lines))
    return tuple(out)
