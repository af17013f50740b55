"""The text of a post's files as the search index takes it (issue 14).

Computed in the parse process (``analyse_package``) and carried back on
``PackageAnalysis.indexed_texts``: one decoded ``str`` per file and the
file's section spans, nothing per line, so pickling it back to the app costs
little more than the bytes themselves. The catalog cuts the lines
(``core/search/index_writer.py``).

Which files: every text file of the package but the compiled ``.CTL``
(``.SRC .LIB .LNG .ATR .KIN .PINF`` and the extra types the settings accept,
e.g. ``.RTF`` and ``.CNF``). A file holding NUL bytes is not text and is
left out. The text is decoded as the source viewer decodes it
(``text_decoding.decode_text``), so line numbers agree with what it shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from veripost_desktop.core.upg.models import _PickledAsCall
from veripost_desktop.core.upg.section_identity import split_sections
from veripost_desktop.core.upg.text_decoding import decode_text, split_lines

# Never indexed: compiled posts.
NOT_INDEXED_EXTENSIONS = frozenset({"CTL"})


@dataclass(frozen=True, slots=True)
class IndexedText(_PickledAsCall):
    """One file's text and where its sections start.

    ``sections`` holds ``(first line index (0-based), key, active)`` for each
    span of ``section_identity.split_sections``, the preamble included.
    """

    filename: str
    text: str
    sections: tuple[tuple[int, str, bool], ...] = ()


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
    spans = split_sections(split_lines(decoded.text))
    return IndexedText(filename, decoded.text, tuple((s.start, s.key, s.active) for s in spans))


def indexed_texts(files: Mapping[str, bytes]) -> tuple[IndexedText, ...]:
    """Every indexed file of a package, in the order of ``files``."""
    return tuple(t for name, data in files.items() if (t := indexed_text(name, data)) is not None)
