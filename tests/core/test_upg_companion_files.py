"""The companion files: .PINF, .KIN and .LNG, on the corpus and on their edge cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from veripost_desktop.core.upg import WarningCode, parse_kin, parse_lng, parse_pinf

TORMACH = "tormach-pcnc1100-parts"
TORMACH_NAME = "Tormach PCNC1100 Series 3"


# -- .PINF -------------------------------------------------------------------


def test_tormach_pinf(corpus_dir: Path) -> None:
    path = corpus_dir / TORMACH / f"{TORMACH_NAME}.PINF"
    info = parse_pinf(path.read_bytes(), path.name)

    assert info.post_name == "Tormach PCNC1100 Series 3"
    assert info.post_extension == "nc"
    assert (info.short_info, info.long_info) == (None, None)
    assert info.entries == (
        ("PostName", "Tormach PCNC1100 Series 3"),
        ("PostExtension", "nc"),
    )
    assert info.warnings == ()
    assert json.loads(json.dumps(info.to_dict()))["entries"][1] == {
        "key": "PostExtension",
        "value": "nc",
    }


def test_pinf_keys_in_any_case_and_values_keep_equals() -> None:
    data = (
        b"  ///// banner /////\r\n"
        b"postname=Mill=Turn 5000\r\n"
        b"POSTEXTENSION =  .tap \r\n"
        b"ShortInfo = Setup Sheet.rtf\r\n"
        b"LongInfo= Long Sheet.rtf\r\n"
        b"PostName = second one is ignored\r\n"
        b" = no key\r\n"
    )
    info = parse_pinf(data, "X.PINF")

    assert info.post_name == "Mill=Turn 5000"
    assert info.post_extension == ".tap"
    assert (info.short_info, info.long_info) == ("Setup Sheet.rtf", "Long Sheet.rtf")
    assert len(info.entries) == 5


def test_pinf_without_post_name_is_warned() -> None:
    info = parse_pinf(b"PostExtension = nc\n", "X.PINF")

    assert info.post_name is None
    assert [w.code for w in info.warnings] == [WarningCode.PINF_MISSING_POST_NAME]


def test_pinf_binary_and_empty() -> None:
    binary = parse_pinf(b"PostName\x00=x", "B.PINF")
    empty = parse_pinf(b"", "E.PINF")

    assert not binary.is_text
    assert [w.code for w in binary.warnings] == [WarningCode.NOT_TEXT]
    assert [w.code for w in empty.warnings] == [
        WarningCode.EMPTY_FILE,
        WarningCode.PINF_MISSING_POST_NAME,
    ]


# -- .KIN --------------------------------------------------------------------


def test_tormach_kin(corpus_dir: Path) -> None:
    path = corpus_dir / TORMACH / f"{TORMACH_NAME}.kin"
    kin = parse_kin(path.read_bytes(), path.name)

    assert kin.line_count == 19
    assert kin.well_formed_count == 19
    assert kin.malformed_lines == ()
    assert kin.known_layout == 19 and kin.matches_known_layout
    assert kin.warnings == ()
    first, last = kin.entries[0], kin.entries[-1]
    assert (first.line, first.value) == (1, "0")
    assert first.description.startswith("5 Axis Type 0-TABLE_TABLE")
    assert (last.line, last.value, last.description) == (
        19,
        "TableTable",
        "Default Machine Simulation",
    )
    assert json.loads(json.dumps(kin.to_dict()))["known_layout"] == 19


def test_kin_newer_22_line_layout(corpus_dir: Path) -> None:
    data = (corpus_dir / TORMACH / f"{TORMACH_NAME}.kin").read_bytes()
    newer = data + b"0 * Extra A\r\n1.5 * Extra B\r\n-2 * Extra C\r\n\r\n"
    kin = parse_kin(newer, "new.kin")

    assert (kin.line_count, kin.blank_line_count, kin.well_formed_count) == (23, 1, 22)
    assert kin.known_layout == 22
    assert kin.warnings == ()


def test_kin_unknown_layout_and_malformed_lines(corpus_dir: Path) -> None:
    data = (corpus_dir / TORMACH / f"{TORMACH_NAME}.kin").read_bytes()
    kin = parse_kin(data + b"no star here\n1 2 * two words before the star\n", "bad.kin")

    assert kin.well_formed_count == 19
    assert kin.malformed_lines == (20, 21)
    assert kin.known_layout is None
    assert [(w.code, w.line) for w in kin.warnings] == [(WarningCode.KIN_UNEXPECTED_LAYOUT, 20)]
    assert "20, 21" in kin.warnings[0].text

    short = parse_kin(b"0 * a\n1 * b\n", "short.kin")
    assert [w.code for w in short.warnings] == [WarningCode.KIN_UNEXPECTED_LAYOUT]


def test_kin_binary() -> None:
    kin = parse_kin(b"\x00\x01\x02", "b.kin")

    assert not kin.is_text and kin.entries == ()
    assert [w.code for w in kin.warnings] == [WarningCode.NOT_TEXT]


# -- .LNG --------------------------------------------------------------------


@pytest.mark.parametrize(
    "package, name", [("GRBL-Post", "GRBL-Post.lng"), ("SCL-SW-GRBL-1_1", "SCL-SW-GRBL-1_1.lng")]
)
def test_corpus_lng(corpus_dir: Path, package: str, name: str) -> None:
    lng = parse_lng((corpus_dir / package / name).read_bytes(), name)

    assert lng.line_count == 168
    assert lng.entry_count == 168
    assert lng.malformed_count == 0
    assert lng.numbers_sequential
    assert lng.warnings == ()
    assert (lng.entries[0].number, lng.entries[0].text) == (1, "DRILLING")
    assert (lng.entries[-1].number, lng.entries[-1].text) == (168, "|)")


def entry(text: str, number: int) -> str:
    return f"{text:<70}:{number:04d}:"


def test_lng_malformed_lines_are_counted_and_warned() -> None:
    lines = [
        entry("ONE", 1),
        "",
        entry("TWO", 2) + "   ",  # trailing blanks after the number are tolerated
        "SHORT LINE :0003:",
        entry("X" * 70, 4)[:-1],  # no closing colon
        "Y" * 71 + ":0005:",  # text too long
        entry("SUPERSCRIPT", 6).replace("0006", "000\u00b2"),  # not an ASCII digit
        entry("SEVEN", 9),
    ]
    lng = parse_lng("\r\n".join(lines).encode("cp1252"), "x.lng")

    assert [(e.line, e.number, e.text) for e in lng.entries] == [
        (1, 1, "ONE"),
        (3, 2, "TWO"),
        (8, 9, "SEVEN"),
    ]
    assert lng.blank_line_count == 1
    assert lng.malformed_lines == (4, 5, 6, 7)
    assert not lng.numbers_sequential
    assert [(w.code, w.line) for w in lng.warnings] == [(WarningCode.LNG_MALFORMED_LINES, 4)]


def test_lng_empty_and_binary() -> None:
    assert [w.code for w in parse_lng(b"", "e.lng").warnings] == [WarningCode.EMPTY_FILE]
    binary = parse_lng(b"A\x00B", "b.lng")
    assert not binary.is_text
    assert [w.code for w in binary.warnings] == [WarningCode.NOT_TEXT]
