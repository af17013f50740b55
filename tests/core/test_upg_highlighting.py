"""Highlighter spans for the source viewer: categories, bounds, agreement with the parser."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veripost_desktop.core.upg import parse_source, tokenize_line
from veripost_desktop.core.upg.highlighting import CATEGORIES


def spans_text(line: str) -> list[tuple[str, str]]:
    return [
        (line[start : start + length], category) for start, length, category in tokenize_line(line)
    ]


@pytest.mark.parametrize(
    "line, expected",
    [
        ("*FANUCM", [("*FANUCM", "comment")]),
        ("  *:SECTION=FASTLINE\r\n", [("*:SECTION=FASTLINE", "comment")]),
        (
            "* <EOL> in a comment is not a token",
            [("* <EOL> in a comment is not a token", "comment")],
        ),
        (":SYSTEM=MILL", [(":SYSTEM=", "keyword")]),
        (":section = CALC_X(a)", [(":section =", "keyword")]),
        (":ATTREND", [(":ATTREND", "keyword")]),
        (":DEFINE X=1", [(":DEFINE", "keyword")]),
        ("\t:OPERID=MILL_LACE", [(":OPERID=", "keyword")]),
        (":ATTRDEFAULT=<N>", [(":ATTRDEFAULT=", "keyword"), ("<N>", "token")]),
        (
            ":T:<N><G:90><EOL>",
            [(":T:", "template"), ("<N>", "token"), ("<G:90>", "token"), ("<EOL>", "token")],
        ),
        (
            ':T:O<"%4LT":(program_number+1)><EOL>',
            [(":T:", "template"), ('<"%4LT":(program_number+1)>', "token"), ("<EOL>", "token")],
        ),
        (
            ":t:IF A<5 THEN <N><M:00><EOL>ENDIF",
            [(":t:", "template"), ("<N>", "token"), ("<M:00>", "token"), ("<EOL>", "token")],
        ),
        (":C: IF X<5 AND Y>3 THEN CALL(CALC_A)", [(":C:", "calc")]),
        (":C1: X=1", [(":C1:", "calc")]),
        (":c12:", [(":c12:", "calc")]),
        (":Q: odd marker", [(":Q:", "keyword")]),
        ("", []),
        ("   \r\n", []),
        ("plain text <EOL>", []),
        (":", []),
        (": SECTION=X", []),
    ],
)
def test_categories(line: str, expected: list[tuple[str, str]]) -> None:
    assert spans_text(line) == expected


def test_spans_stop_before_the_line_end() -> None:
    assert tokenize_line("*comment\r\n") == [(0, 8, "comment")]
    assert tokenize_line(":T:<EOL>\r") == [(0, 3, "template"), (3, 5, "token")]


def test_every_corpus_line_agrees_with_the_parser(corpus_dir: Path) -> None:
    path = corpus_dir / "GRBL-Post" / "GRBL-Post.SRC"
    data = path.read_bytes()
    parsed = parse_source(data, path.name)
    lines = data.decode("cp1252").split("\r\n")
    section_lines = set()
    commented_lines = set()
    for number, line in enumerate(lines, start=1):
        spans = tokenize_line(line)
        if (
            spans
            and spans[0][2] == "keyword"
            and line[spans[0][0] :].upper().startswith(":SECTION")
        ):
            section_lines.add(number)
        if spans and spans[0][2] == "comment" and ":SECTION=" in line:
            commented_lines.add(number)

    assert section_lines == {s.first_line for s in parsed.sections if s.active}
    assert commented_lines == {s.first_line for s in parsed.sections if not s.active}


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list(' \t*:<>=TC1AZ_()"%')), max_size=80),
    st.sampled_from(["", "\n", "\r\n", "\r"]),
)
def test_spans_are_sorted_disjoint_and_in_bounds(body: str, line_end: str) -> None:
    end = 0
    for start, length, category in tokenize_line(body + line_end):
        assert category in CATEGORIES
        assert length > 0
        assert start >= end
        end = start + length
        assert end <= len(body.rstrip("\r\n"))
