"""The section rule compare and search share: headers, keys, spans, equal bodies."""

from __future__ import annotations

from pathlib import Path

import pytest

from veripost_desktop.core.upg.section_identity import (
    PREAMBLE_KEY,
    body_hash,
    copies_hash,
    key_copies,
    own_library,
    parse_header,
    section_at,
    section_hashes,
    split_sections,
)
from veripost_desktop.core.upg.text_decoding import decode_text, split_lines


@pytest.mark.parametrize(
    ("line", "key", "active"),
    [
        (":SECTION=START_OF_TAPE", "START_OF_TAPE", True),
        (":SECTION=CALC_PARTS_CATCHER_IN(PVAL,CVAL)", "CALC_PARTS_CATCHER_IN", True),
        (":section = program_stop", "PROGRAM_STOP", True),
        (":SECTION=NAME  trailing words", "NAME", True),
        ("  :SECTION=INDENTED\r", "INDENTED", True),
        ("*:SECTION=FASTLINE", "FASTLINE", False),
        ("*** :SECTION=X(A)", "X", False),
        ("* * :section=y", "Y", False),
    ],
)
def test_headers_and_their_keys(line: str, key: str, active: bool) -> None:
    header = parse_header(line)
    assert header is not None
    assert (header.key, header.active) == (key, active)


@pytest.mark.parametrize(
    "line",
    [":SECTION=", ":SECTION= (A)", "*SECTION=X", ":T:<N>:SECTION=X", "; :SECTION=X", ":SECTIONS=X"],
)
def test_lines_that_are_not_headers(line: str) -> None:
    assert parse_header(line) is None


def test_spans_cover_the_file_in_order() -> None:
    lines = ["pre 1", "pre 2", ":SECTION=A", "a", "*:SECTION=B", "b", ":SECTION=C(P)", "c", ""]
    spans = split_sections(lines)
    assert [(s.key, s.active, s.start, s.end) for s in spans] == [
        (PREAMBLE_KEY, True, 0, 2),
        ("A", True, 2, 4),
        ("B", False, 4, 6),
        ("C", True, 6, 9),
    ]
    assert [s.header_line for s in spans] == [None, 3, 5, 7]
    assert section_at(spans, 0).key == PREAMBLE_KEY  # type: ignore[union-attr]
    assert section_at(spans, 5).key == "B"  # type: ignore[union-attr]
    assert section_at(spans, 8).key == "C"  # type: ignore[union-attr]
    assert section_at(spans, 9) is None


def test_a_file_starting_with_a_header_has_no_preamble() -> None:
    assert [s.key for s in split_sections([":SECTION=A", "x"])] == ["A"]
    assert split_sections([]) == []


def test_bodies_equal_across_line_endings_and_trailing_blanks() -> None:
    crlf = split_lines(":SECTION=A\r\n:T:G0 X0   \r\n\r\n\r\n")
    lf = split_lines(":SECTION=A\n:T:G0 X0\n")
    assert body_hash(crlf) == body_hash(lf)
    assert body_hash(lf) != body_hash(split_lines(":SECTION=A\n:T:G0  X0\n"))
    assert body_hash(lf) != body_hash(split_lines(":SECTION=A\n\n:T:G0 X0\n"))


def test_the_corpus_sources_split_into_their_measured_sections(corpus_dir: Path) -> None:
    # shared/corpus/README.md: GRBL-Post.SRC has 81 active sections and 44
    # commented-out header lines; every header line opens a span here.
    data = (corpus_dir / "GRBL-Post" / "GRBL-Post.SRC").read_bytes()
    lines = split_lines(decode_text(data, "GRBL-Post.SRC").text)
    spans = split_sections(lines)
    assert sum(1 for s in spans if not s.is_preamble and s.active) == 81
    assert sum(1 for s in spans if not s.active) == 44
    assert spans[0].is_preamble
    assert spans[-1].end == len(lines)
    assert all(a.end == b.start for a, b in zip(spans, spans[1:], strict=False))


def test_a_keys_copies_hash_together() -> None:
    lines = [":SECTION=S", "x", ":SECTION=T", ":SECTION=S", "y", "*:SECTION=S"]
    groups = key_copies(split_sections(lines))
    assert [(k, a, len(v)) for (k, a), v in groups.items()] == [
        ("S", True, 2),
        ("T", True, 1),
        ("S", False, 1),
    ]
    both = groups[("S", True)]
    assert copies_hash(lines, both[:1]) == body_hash(lines[0:2])
    swapped = [":SECTION=S", "y", ":SECTION=T", ":SECTION=S", "x", "*:SECTION=S"]
    swapped_copies = key_copies(split_sections(swapped))[("S", True)]
    assert copies_hash(lines, both) != copies_hash(swapped, swapped_copies)
    keys = [(k, a) for k, a, _h in section_hashes(lines)]
    assert keys == [("S", True), ("T", True), ("S", False)]


@pytest.mark.parametrize(
    ("refs", "files", "own"),
    [
        ([".\\MINE.LIB", "..\\Masters\\MILL.LIB"], ["P.SRC", "MINE.LIB", "P.LIB"], "MINE.LIB"),
        (["./mine.lib"], ["post/P.SRC", "post/MINE.LIB"], "post/MINE.LIB"),
        ([".\\ABSENT.LIB"], ["P.SRC", "p.lib"], "p.lib"),
        (["C:\\libs\\OTHER.LIB"], ["P.SRC", "OTHER.LIB"], None),
        ([], ["P.SRC"], None),
    ],
)
def test_the_own_library(refs: list[str], files: list[str], own: str | None) -> None:
    assert own_library(files[0], refs, files) == own


def _spans_line_by_line(lines: list[str]) -> list[tuple[str, bool, int, int]]:
    """The rule read the slow, obvious way: ``parse_header`` on every line."""
    spans: list[tuple[str, bool, int, int]] = []
    key, active, start = PREAMBLE_KEY, True, 0
    for index, line in enumerate(lines):
        header = parse_header(line)
        if header is None:
            continue
        if index > start or key != PREAMBLE_KEY:
            spans.append((key, active, start, index))
        key, active, start = header.key, header.active, index
    if len(lines) > start or key != PREAMBLE_KEY:
        spans.append((key, active, start, len(lines)))
    return spans


def test_the_one_pass_split_agrees_with_parse_header_on_every_line(corpus_dir: Path) -> None:
    # split_sections finds headers with one regex pass over the whole text;
    # parse_header, line by line, is the rule it must agree with: on every
    # source and library of the corpus, and on the edge cases of a header.
    tricky = [
        "preamble",
        ":SECTION=",
        "  :section = a(b)",
        "*:SECTION=X\r",
        "***  * :SeCtIoN=\tY  rest",
        ":SECTION= (A)",
        ":T:<N>:SECTION=NO",
        "; :SECTION=NO",
        ":SECTIONS=NO",
        "\t:SECTION=AB\rCD",
        "",
    ]
    files = [tricky, [], [":SECTION=ONLY"], ["no headers at all", "at all"]]
    for path in sorted(corpus_dir.rglob("*")):
        if path.suffix.upper() in {".SRC", ".LIB"}:
            decoded = decode_text(path.read_bytes(), path.name)
            files.append(split_lines(decoded.text))
    assert len(files) > 4  # the corpus sources were found
    for lines in files:
        fast = [(s.key, s.active, s.start, s.end) for s in split_sections(lines)]
        assert fast == _spans_line_by_line(lines)
