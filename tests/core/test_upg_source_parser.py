"""The .SRC / .LIB parser: corpus figures exactly, then one behaviour per test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from veripost_desktop.core.upg import (
    LibraryRefKind,
    SectionKind,
    SourceFile,
    WarningCode,
    parse_source,
    parse_source_lines,
    source_parser,
)
from veripost_desktop.core.upg.text_decoding import decode_text, split_lines


def parse_text(text: str, filename: str = "TEST.SRC") -> SourceFile:
    return parse_source(text.encode("cp1252"), filename)


def codes(result: SourceFile) -> list[str]:
    return [w.code for w in result.warnings]


# -- the corpus, figure for figure (shared/corpus/README.md) ----------------

CORPUS_FIGURES = [
    # package, file, lines, active, calc, commented out, ATTRNAME, OPERID, LIBRARY
    ("GRBL-Post", "GRBL-Post.SRC", 1163, 81, 7, 44, 7, 24, 2),
    ("GRBL-Post", "GRBL-Post.LIB", 425, 1, 1, 0, 26, 0, 0),
    ("SCL-SW-GRBL-1_1", "SCL-SW-GRBL-1_1.SRC", 1006, 81, 7, 44, 7, 24, 2),
    ("SCL-SW-GRBL-1_1", "SCL-SW-GRBL-1_1.LIB", 457, 1, 1, 0, 26, 0, 0),
]


@pytest.mark.parametrize(
    "package, name, lines, active, calc, commented, attrs, opers, libraries", CORPUS_FIGURES
)
def test_corpus_figures(
    corpus_dir: Path,
    package: str,
    name: str,
    lines: int,
    active: int,
    calc: int,
    commented: int,
    attrs: int,
    opers: int,
    libraries: int,
) -> None:
    result = parse_source((corpus_dir / package / name).read_bytes(), name)

    assert result.is_text
    assert result.line_count == lines
    assert result.active_count == active
    assert result.calc_count == calc
    assert result.template_count == active - calc
    assert result.commented_out_count == commented
    assert result.attribute_count == attrs
    assert result.operation_count == opers
    assert result.library_line_count == libraries
    assert result.warnings == ()


def test_grbl_src_header_descriptors_and_libraries(corpus_dir: Path) -> None:
    src = parse_source((corpus_dir / "GRBL-Post" / "GRBL-Post.SRC").read_bytes(), "GRBL-Post.SRC")

    assert (src.system, src.machine, src.controller) == ("MILL", "RSCNC32", "GRBL")
    assert src.define_count == 0
    own, master = src.library_refs
    assert (own.kind, own.raw, own.file_name, own.line) == (
        LibraryRefKind.LIBRARY,
        ".\\GRBL-Post.LIB",
        "GRBL-Post.LIB",
        126,
    )
    assert not own.is_master and own.found is None
    assert master.file_name == "MILL.LIB" and master.is_master
    assert master.raw == "..\\..\\..\\..\\CAMWorksData\\UPG-2\\MasterLibraryFiles\\MILL.LIB"
    assert {own.from_file, master.from_file} == {"GRBL-Post.SRC"}


def test_scl_src_descriptors(corpus_dir: Path) -> None:
    path = corpus_dir / "SCL-SW-GRBL-1_1" / "SCL-SW-GRBL-1_1.SRC"
    src = parse_source(path.read_bytes(), path.name)

    assert (src.system, src.machine, src.controller) == ("MILL", "Generic CNC Mill", "GRBL v1.1")
    assert [r.file_name for r in src.library_refs] == ["SCL-SW-GRBL-1_1.LIB", "MILL.LIB"]


def test_grbl_src_section_extents_and_order(corpus_dir: Path) -> None:
    src = parse_source((corpus_dir / "GRBL-Post" / "GRBL-Post.SRC").read_bytes(), "GRBL-Post.SRC")
    active = src.active_sections

    first, last = active[0], active[-1]
    assert (first.name, first.kind, first.params, first.first_line, first.last_line) == (
        "START_OF_TAPE",
        SectionKind.TEMPLATE,
        None,
        541,
        555,
    )
    # The last section runs to the end of the file.
    assert (last.name, last.kind, last.first_line, last.last_line) == (
        "CALC_INIT_MCODES",
        SectionKind.CALC,
        1134,
        1163,
    )
    # Sections come in file order and active ones tile the file without gaps.
    assert [s.first_line for s in src.sections] == sorted(s.first_line for s in src.sections)
    for before, after in zip(active, active[1:], strict=False):
        assert before.last_line == after.first_line - 1
    # A commented-out section is one line and does not cut the active one it sits in.
    fastline = next(s for s in src.sections if s.name == "FASTLINE")
    assert (fastline.active, fastline.first_line, fastline.last_line) == (False, 685, 685)
    line_move = next(s for s in active if s.name == "LINE_MOVE_MILL")
    assert (line_move.first_line, line_move.last_line) == (681, 686)
    # Names are case-sensitive: both exist.
    names = {s.name for s in active}
    assert {"PROGRAM_STOP", "program_stop", "OPTIONAL_STOP", "optional_stop"} <= names
    assert [s.name for s in active if s.kind is SectionKind.CALC] == [
        "CALC_POST_INITIALIZE",
        "CALC_INITIALIZE",
        "CALC_INIT_CODES",
        "CALC_RESET_REGISTERS",
        "CALC_RESET_FIVE_AXIS_REGISTERS",
        "CALC_INIT_GCODES",
        "CALC_INIT_MCODES",
    ]


def test_grbl_src_calls(corpus_dir: Path) -> None:
    src = parse_source((corpus_dir / "GRBL-Post" / "GRBL-Post.SRC").read_bytes(), "GRBL-Post.SRC")

    assert [(c.target, c.line, c.section) for c in src.calls] == [
        ("CALC_RESET_REGISTERS", 976, "CALC_POST_INITIALIZE"),
        ("CALC_RESET_FIVE_AXIS_REGISTERS", 977, "CALC_POST_INITIALIZE"),
        ("CALC_INIT_GCODES", 982, "CALC_INITIALIZE"),
        ("CALC_INIT_MCODES", 983, "CALC_INITIALIZE"),
        ("CALC_INIT_CODES", 984, "CALC_INITIALIZE"),
        ("CALC_RESET_REGISTERS", 985, "CALC_INITIALIZE"),
        ("CALC_ENGMET", 986, "CALC_INITIALIZE"),
        ("CALC_ROUNDING_POINT", 987, "CALC_INITIALIZE"),
    ]


def test_grbl_lib_attributes(corpus_dir: Path) -> None:
    lib = parse_source((corpus_dir / "GRBL-Post" / "GRBL-Post.LIB").read_bytes(), "GRBL-Post.LIB")

    first = lib.attributes[0]
    assert (first.name, first.attr_type, first.default, first.first_line, first.last_line) == (
        "USING 4TH AXIS",
        "POST",
        None,
        2,
        6,
    )
    assert lib.sections[0].name == "CALC_SET_PRE_POSITION_ROTARY_TYPE"
    assert lib.machine is None and lib.system is None


def test_crlf_and_lf_give_the_same_result(corpus_dir: Path) -> None:
    crlf = (corpus_dir / "GRBL-Post" / "GRBL-Post.SRC").read_bytes()
    assert b"\r\n" in crlf
    lf = crlf.replace(b"\r\n", b"\n")

    assert parse_source(crlf, "GRBL-Post.SRC") == parse_source(lf, "GRBL-Post.SRC")


def test_bare_cr_line_ends_are_lines_too() -> None:
    result = parse_source(b"*X\r:SYSTEM=MILL\r:SECTION=A\r:T:<EOL>\r", "OLD.SRC")

    assert result.line_count == 4
    assert (result.sections[0].first_line, result.sections[0].last_line) == (3, 4)


def test_parse_source_lines_streams_lines_with_their_line_ends(corpus_dir: Path) -> None:
    data = (corpus_dir / "GRBL-Post" / "GRBL-Post.SRC").read_bytes()
    streamed = parse_source_lines(
        (line for line in data.decode("cp1252").splitlines(keepends=True)), "GRBL-Post.SRC"
    )

    assert streamed == parse_source(data, "GRBL-Post.SRC")


def test_to_dict_is_json(corpus_dir: Path) -> None:
    src = parse_source((corpus_dir / "GRBL-Post" / "GRBL-Post.SRC").read_bytes(), "GRBL-Post.SRC")
    data = json.loads(json.dumps(src.to_dict()))

    assert data["counts"]["active"] == 81 and data["counts"]["commented_out"] == 44
    assert data["sections"][0] == {
        "name": "START_OF_TAPE",
        "kind": "TEMPLATE",
        "params": None,
        "first_line": 541,
        "last_line": 555,
        "active": True,
    }


# -- keywords, sections, parameters -----------------------------------------


def test_keywords_in_any_case_with_blanks_around_equals() -> None:
    result = parse_text(
        ":system = LATHE\n"
        ":section= CALC_BREAK_LINE_LATHE\n"
        ":C: X=1\n"
        ":Section =Tail(a, b)\n"
        ":T:<EOL>\n"
    )

    assert result.system == "LATHE"
    assert [(s.name, s.kind, s.params) for s in result.sections] == [
        ("CALC_BREAK_LINE_LATHE", SectionKind.CALC, None),
        ("Tail", SectionKind.TEMPLATE, "a, b"),
    ]


def test_section_parameters() -> None:
    result = parse_text(
        ":SECTION=A(X)\n:SECTION=B()\n:SECTION=C( P1 , P2 )\n:SECTION=D(unclosed\n:SECTION=E\n"
    )

    assert [(s.name, s.params) for s in result.sections] == [
        ("A", "X"),
        ("B", ""),
        ("C", "P1 , P2"),
        ("D", "unclosed"),
        ("E", None),
    ]


def test_section_names_keep_their_case_and_kind_needs_upper_calc() -> None:
    result = parse_text(":SECTION=PROGRAM_STOP\n:SECTION=program_stop\n:SECTION=calc_x\n")

    assert [(s.name, s.kind) for s in result.sections] == [
        ("PROGRAM_STOP", SectionKind.TEMPLATE),
        ("program_stop", SectionKind.TEMPLATE),
        ("calc_x", SectionKind.TEMPLATE),
    ]
    assert result.warnings == ()


def test_commented_out_sections() -> None:
    result = parse_text(
        ":SECTION=LIVE\n"
        ":T:<EOL>\n"
        "*:SECTION=OFF_ONE\n"
        "  ** :section = OFF_TWO(p)\n"
        "* see :SECTION=NOT_A_SECTION for details\n"
        "*:SECTION=\n"
        "*SECTION=NO_COLON\n"
        ":T:<EOL>\n"
    )

    assert [(s.name, s.active, s.params, s.first_line, s.last_line) for s in result.sections] == [
        ("LIVE", True, None, 1, 8),
        ("OFF_ONE", False, None, 3, 3),
        ("OFF_TWO", False, "p", 4, 4),
    ]
    assert (result.active_count, result.commented_out_count) == (1, 2)


def test_lines_that_are_neither_comment_nor_keyword_are_ignored() -> None:
    result = parse_text("SECTION=A\n  :SECTION=B\n\t:SECTION=C\n x :SECTION=D\n")

    assert [s.name for s in result.active_sections] == ["B", "C"]


def test_section_without_name_is_warned() -> None:
    result = parse_text(":SECTION=A\n:SECTION=\n:SECTION=(x)\n")

    assert [s.name for s in result.sections] == ["A"]
    assert result.sections[0].last_line == 3
    assert codes(result) == [WarningCode.SECTION_WITHOUT_NAME] * 2
    assert [w.line for w in result.warnings] == [2, 3]


def test_duplicate_active_section_is_warned_once_per_repeat() -> None:
    result = parse_text(":SECTION=A\n:SECTION=B\n*:SECTION=A\n:SECTION=A\n:SECTION=a\n:SECTION=A\n")

    assert codes(result) == [WarningCode.DUPLICATE_SECTION] * 2
    assert [w.line for w in result.warnings] == [4, 6]
    assert "lines 1 and 4" in result.warnings[0].text


# -- attribute and operation blocks, references, defines --------------------


def test_attribute_blocks_and_descriptors() -> None:
    result = parse_text(
        ":ATTRNAME=MACHINE NAME\n"
        ":ATTRTYPE=DESCRIPTOR\n"
        ":attrdefault = Haas VF-2\n"
        ":ATTRDEFAULT=ignored second default\n"
        ":ATTREND\n"
        ":ATTRNAME=controller  type\n"
        ":ATTRTYPE=descriptor\n"
        ":ATTRDEFAULT=NGC\n"
        ":ATTREND\n"
        ":ATTRNAME=MACHINE NAME\n"
        ":ATTRTYPE=DESCRIPTOR\n"
        ":ATTRDEFAULT=not the first\n"
        ":ATTREND\n"
    )

    assert [(a.name, a.attr_type, a.default, a.first_line, a.last_line) for a in result.attributes][
        0
    ] == ("MACHINE NAME", "DESCRIPTOR", "Haas VF-2", 1, 5)
    assert (result.machine, result.controller) == ("Haas VF-2", "NGC")


def test_machine_needs_a_descriptor_with_a_default() -> None:
    result = parse_text(
        ":ATTRNAME=MACHINE NAME\n:ATTRTYPE=LIST\n:ATTRDEFAULT=NOPE\n:ATTREND\n"
        ":ATTRNAME=CONTROLLER TYPE\n:ATTRTYPE=DESCRIPTOR\n:ATTRDEFAULT=\n:ATTREND\n"
        ":ATTRDEFAULT=outside any block\n"
    )

    assert (result.machine, result.controller) == (None, None)
    assert result.attributes[1].default == ""


def test_unterminated_blocks_are_closed_and_warned() -> None:
    result = parse_text(
        ":ATTRNAME=ONE\n:ATTRTYPE=POST\n"
        ":ATTRNAME=TWO\n:ATTREND\n"
        ":OPERID=MILL_LACE\n"
        ":OPERID=MILL_POCKET\n:OPEREND\n"
        ":ATTRNAME=THREE\n"
        ":SECTION=A\n"
        ":OPERID=LAST\n"
    )

    assert [(a.name, a.first_line, a.last_line) for a in result.attributes] == [
        ("ONE", 1, 2),
        ("TWO", 3, 4),
        ("THREE", 8, 8),
    ]
    assert [(o.oper_id, o.line) for o in result.operations] == [
        ("MILL_LACE", 5),
        ("MILL_POCKET", 6),
        ("LAST", 10),
    ]
    assert codes(result) == [
        WarningCode.UNTERMINATED_ATTRIBUTE_BLOCK,
        WarningCode.UNTERMINATED_OPERATION_BLOCK,
        WarningCode.UNTERMINATED_ATTRIBUTE_BLOCK,
        WarningCode.UNTERMINATED_OPERATION_BLOCK,
    ]


def test_library_and_include_references() -> None:
    result = parse_text(
        ":LIBRARY=.\\POST.LIB\n"
        ":library = C:\\CAMWorksData\\UPG-2\\MasterLibraryFiles\\LATHE.LIB\n"
        ":INCLUDE=../common/Shared.lib\n"
        ':LIBRARY="C:\\Program Files\\Posts\\My Lib.LIB"\n'
        "*:LIBRARY=.\\OFF.LIB\n"
        ":LIBRARY=\n"
    )

    assert [(r.kind, r.file_name, r.is_master, r.line) for r in result.library_refs] == [
        (LibraryRefKind.LIBRARY, "POST.LIB", False, 1),
        (LibraryRefKind.LIBRARY, "LATHE.LIB", True, 2),
        (LibraryRefKind.INCLUDE, "Shared.lib", False, 3),
        (LibraryRefKind.LIBRARY, "My Lib.LIB", False, 4),
    ]
    assert result.library_refs[3].raw == "C:\\Program Files\\Posts\\My Lib.LIB"
    assert result.library_line_count == 3
    assert codes(result) == [WarningCode.EMPTY_LIBRARY_REFERENCE]


def test_define_count_and_first_system_wins() -> None:
    result = parse_text(
        ":DEFINE X=1\n:define Y = 2\n:DEFINE=Z\n*:DEFINE OFF=3\n:DEFINED_ELSEWHERE=4\n"
        ":SYSTEM=LATHE/MILL\n:SYSTEM=EDM\n"
    )

    assert result.define_count == 3
    assert result.system == "LATHE/MILL"


def test_calls_only_in_calc_lines() -> None:
    result = parse_text(
        ":C: CALL(BEFORE_ANY_SECTION)\n"
        ":SECTION=CALC_MAIN\n"
        ":C: CALL(CALC_A)\n"
        ":c2:    IF X THEN call( CALC_B ) ENDIF CALL(CALC_C)\n"
        ":C: RECALL(NOT_A_CALL) SECTIONEXIST(NOT_A_CALL)\n"
        ":T: CALL(IN_A_TEMPLATE)\n"
        "*:C: CALL(COMMENTED)\n"
        ":ATTRCFUNC=CALC_REG_N(SEQ)\n"
    )

    assert [(c.target, c.line, c.section) for c in result.calls] == [
        ("BEFORE_ANY_SECTION", 1, None),
        ("CALC_A", 3, "CALC_MAIN"),
        ("CALC_B", 4, "CALC_MAIN"),
        ("CALC_C", 4, "CALC_MAIN"),
    ]


# -- encodings, binary and empty input ---------------------------------------


def test_cp1252_characters_are_decoded() -> None:
    data = ":ATTRNAME=MACHINE NAME\n:ATTRTYPE=DESCRIPTOR\n:ATTRDEFAULT=Fräse Ø 40€\n:ATTREND\n"
    result = parse_source(data.encode("cp1252"), "EU.SRC")

    assert result.machine == "Fräse Ø 40€"
    assert result.warnings == ()


def test_undefined_cp1252_bytes_are_replaced_and_warned() -> None:
    result = parse_source(b":SECTION=A\x81B\n:SYSTEM=MILL\n", "ODD.SRC")

    assert result.sections[0].name == "A\ufffdB"
    assert result.system == "MILL"
    assert codes(result) == [WarningCode.UNDECODABLE_CHARACTERS]


def test_utf8_signature_is_honoured() -> None:
    result = parse_source(b"\xef\xbb\xbf:SYSTEM=MILL\n:SECTION=Gr\xc3\xbc\xc3\x9fe\n", "BOM.SRC")

    assert result.system == "MILL"
    assert result.sections[0].name == "Grüße"


def test_binary_content_is_a_warning_not_a_crash(corpus_dir: Path) -> None:
    ctl = (corpus_dir / "GRBL-Post" / "GRBL-Post.ctl").read_bytes()
    result = parse_source(ctl, "GRBL-Post.SRC")

    assert not result.is_text
    assert result.sections == () and result.line_count == 0
    assert codes(result) == [WarningCode.NOT_TEXT]
    assert result.warnings[0].filename == "GRBL-Post.SRC"


def test_utf16_export_is_not_text_with_a_hint() -> None:
    result = parse_source(":SECTION=A\r\n".encode("utf-16"), "U16.SRC")

    assert codes(result) == [WarningCode.NOT_TEXT]
    assert "UTF-16" in result.warnings[0].text


@pytest.mark.parametrize("data", [b"", b"\n\n", b"   \r\n\t\r\n"])
def test_empty_or_blank_file(data: bytes) -> None:
    result = parse_source(data, "EMPTY.SRC")

    assert result.is_text
    assert result.sections == () and result.active_count == 0
    assert result.line_count == data.count(b"\n")
    assert codes(result) == ([WarningCode.EMPTY_FILE] if not data else [])


def test_pathological_lines_do_not_blow_up() -> None:
    lines = [
        ":C: " + "CALL(" * 20_000,
        ":SECTION=" + "(" * 20_000,
        "*" * 20_000 + ":SECTION=" + "X" * 20_000,
        ":" + "A" * 50_000,
    ]
    result = parse_text("\n".join(lines))

    assert result.line_count == 4
    assert result.commented_out_count == 1


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
@example(b"*:SECTION=OFF\r\n:SECTION=A\x85:SECTION=B\r:T:\n")
def test_any_bytes_parse_without_raising(data: bytes) -> None:
    result = parse_source(data, "FUZZ.SRC")

    decoded = decode_text(data, "FUZZ.SRC")
    if not decoded.is_text:
        assert result.sections == () and result.line_count == 0
        return
    # What parse_source reads by skipping lines in C is what feeding every
    # line gives (parse_line_by_line, below), on any bytes, not only the corpus.
    reference = parse_line_by_line(decoded.text, "FUZZ.SRC")
    assert result.sections == reference.sections
    assert result.calls == reference.calls and result.attributes == reference.attributes
    assert result.line_count == len(split_lines(decoded.text))
    for section in result.sections:
        assert 1 <= section.first_line <= section.last_line <= result.line_count


_LINE = st.sampled_from(
    [
        ":SECTION=A",
        ":SECTION=CALC_B(x)",
        "*:SECTION=OFF",
        ":section = A",
        ":T:<EOL>",
        ":C: CALL(CALC_B)",
        ":ATTRNAME=MACHINE NAME",
        ":ATTRTYPE=DESCRIPTOR",
        ":ATTRDEFAULT=M",
        ":ATTREND",
        ":OPERID=X",
        ":OPEREND",
        ":LIBRARY=.\\L.LIB",
        "",
        "*",
        "junk",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_LINE, max_size=60))
def test_section_ranges_are_consistent(lines: list[str]) -> None:
    result = parse_text("\r\n".join(lines) + ("\r\n" if lines else ""))
    active = result.active_sections

    assert result.line_count == len(lines)
    for section in result.sections:
        assert 1 <= section.first_line <= section.last_line <= max(1, result.line_count)
    for before, after in zip(active, active[1:], strict=False):
        assert before.last_line == after.first_line - 1
    if active:
        assert active[-1].last_line == result.line_count


# -- the fast path (only candidate lines fed) equals feeding every line ------


def parse_line_by_line(text: str, filename: str = "TEST.SRC") -> SourceFile:
    """The reference: ``feed`` on every line ``split_lines`` gives."""
    return parse_source_lines(split_lines(text), filename)


def corpus_source_files(corpus_dir: Path) -> list[Path]:
    files = sorted(
        path for path in corpus_dir.glob("*/*") if path.suffix.upper() in (".SRC", ".LIB")
    )
    assert files, f"no .SRC or .LIB files under {corpus_dir}"
    return files


def test_fast_path_equals_line_by_line_on_the_corpus(corpus_dir: Path) -> None:
    for path in corpus_source_files(corpus_dir):
        text = decode_text(path.read_bytes(), path.name).text
        # As stored (CRLF), LF only, bare CR, and without the final line end.
        variants = [
            text,
            text.replace("\r\n", "\n"),
            text.replace("\r\n", "\r"),
            text.rstrip("\r\n"),
        ]
        for variant in variants:
            expected = parse_line_by_line(variant, path.name)
            assert source_parser._parse_text(variant, path.name) == expected, path.name
            assert expected.sections and expected.line_count > 100


def test_parse_source_feeds_only_candidate_lines(
    corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = (corpus_dir / "GRBL-Post" / "GRBL-Post.SRC").read_bytes()
    fed: list[str] = []
    feed = source_parser._SourceParser.feed

    def counting_feed(self: source_parser._SourceParser, raw: str) -> None:
        fed.append(raw)
        feed(self, raw)

    monkeypatch.setattr(source_parser._SourceParser, "feed", counting_feed)
    result = parse_source(data, "GRBL-Post.SRC")

    assert result.line_count == 1163 and result.active_count == 81
    # Keyword, commented-out section and CALL lines only; CRLF lines keep their CR.
    assert len(fed) < result.line_count // 2
    assert all(line.endswith("\r") for line in fed)


# What a line can start with, blanks that str.lstrip() drops (some of them
# end a line for str.splitlines but not for split_lines or the scan), line
# ends, and letters that unicode IGNORECASE folds onto ASCII ones (S, K, I)
# while KEYWORD_RE's ASCII \w does not.
_HEADS = [
    ":SECTION=",
    ":section =",
    "*:SECTION=X",
    "** :SECTION=",
    "*\t*:Section\t=",
    ":C:",
    ":c12:",
    ":T:",
    ":ATTRNAME=",
    ":ATTRTYPE=DESCRIPTOR",
    ":ATTRDEFAULT=",
    ":ATTREND",
    ":OPERID=",
    ":OPEREND",
    ":LIBRARY=",
    ":INCLUDE=",
    ":DEFINE",
    ":SYSTEM=",
]
_BLANKS = [" ", "\t", "\xa0", "\x0c", "\x0b", "\x1c", "\x85", "\u2028"]
_LINE_ENDS = ["\n", "\r\n", "\r"]
_OTHERS = [
    "CALL(",
    "CALL (X)",
    "call(\tY )",
    "MACHINE NAME",
    "*",
    ":",
    "=",
    "(",
    ")",
    "X",
    "1",
    "_",
    "\u017f",  # long s: folds to S
    "\u212a",  # Kelvin sign: folds to K
    "\u0131",  # dotless i: folds to I
    "\u0130",  # I with dot
]
_FRAGMENTS = st.sampled_from(_HEADS + _BLANKS + _LINE_ENDS + _OTHERS)
# Free soup of fragments, and lines that start (after blanks) with a head.
_LINE = st.builds(
    lambda blanks, head, rest, end: "".join(blanks) + head + "".join(rest) + end,
    st.lists(st.sampled_from(_BLANKS), max_size=2),
    st.sampled_from(_HEADS),
    st.lists(st.sampled_from([*_OTHERS, " ", "\t", "\xa0", "="]), max_size=5),
    st.sampled_from([*_LINE_ENDS, ""]),
)
_TEXT = st.one_of(
    st.lists(_FRAGMENTS, max_size=40).map("".join),
    st.lists(_LINE, max_size=12).map("".join),
)


@settings(max_examples=500, deadline=None)
@given(_TEXT)
@example(":DEFINE\u017f\n:DEFINEK\n:ATTREND\u0131\n")
@example("\xa0:SECTION=A\n\x0c*:SECTION=B\r\n\u2028:OPERID=C\x85\n:C1: CALL(D)")
@example("x\u2028:SECTION=A\r:SECTION=B\x85:SECTION=C\n:SYSTEM=M")
@example(":SECTION=A\r:C: CALL(B)\r")
@example("")
def test_fast_path_equals_line_by_line(text: str) -> None:
    assert source_parser._parse_text(text, "FUZZ.SRC") == parse_line_by_line(text, "FUZZ.SRC")
