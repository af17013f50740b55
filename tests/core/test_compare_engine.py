"""The comparison engine on built posts (every change kind and edge case)
and on the real corpus (GRBL-Post against SCL-SW-GRBL-1_1)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.core.compare_helpers import corpus_post, post, src
from veripost_desktop.core.compare import compare_posts
from veripost_desktop.core.compare.line_diff import Edit, edits, side_by_side
from veripost_desktop.core.compare.model import ChangeKind, FileRole, PackageComparison
from veripost_desktop.core.upg.section_identity import PREAMBLE_KEY, split_sections
from veripost_desktop.core.upg.text_decoding import decode_text, split_lines


def kinds(c: PackageComparison) -> list[tuple[str, str, str]]:
    return [(s.file.value, s.name, s.change.value) for s in c.sections]


def test_identical_posts_have_similarity_one_and_no_sections() -> None:
    files = {"P.SRC": src(":SECTION=A\n:T:a<EOL>\n", ":SECTION=B\n:T:b<EOL>\n"), "P.ctl": b"\0x"}
    c = compare_posts(post("A", files), post("B", files))
    assert c.similarity == 1.0
    assert c.sections == () and c.patterns == ()
    assert c.unchanged_sections == 3  # the preamble, A and B
    assert [f.change for f in c.files] == ["unchanged", "unchanged"]


def test_every_change_kind_in_report_order() -> None:
    a = src(
        ":SECTION=KEEP\n:T:k<EOL>\n",
        ":SECTION=EDIT\n:T:<N>X<EOL>\n",
        ":SECTION=GONE\n:T:g<EOL>\n",
        ":SECTION=HIDE\n:T:h<EOL>\n",
        "*:SECTION=SHOW\n*:T:s<EOL>\n",
        ":SECTION=LAST\n:T:l<EOL>\n",
    )
    b = src(
        ":SECTION=NEW\n:T:n<EOL>\n",
        ":SECTION=KEEP\n:T:k<EOL>\n",
        ":SECTION=EDIT\n:T:X<EOL>\n",
        "*:SECTION=HIDE\n*:T:h<EOL>\n",
        ":SECTION=SHOW\n:T:s<EOL>\n",
        ":SECTION=LAST\n:T:l<EOL>\n",
    )
    c = compare_posts(post("A", {"P.SRC": a}), post("B", {"P.SRC": b}))
    # B's order; GONE stands where it stood in A (after EDIT).
    assert kinds(c) == [
        ("src", "NEW", "added"),
        ("src", "EDIT", "changed"),
        ("src", "GONE", "removed"),
        ("src", "HIDE", "commented_out"),
        ("src", "SHOW", "uncommented"),
    ]
    by = {s.name: s for s in c.sections}
    assert (by["NEW"].a_line, by["NEW"].b_line) == (None, 2)
    assert (by["GONE"].a_line, by["GONE"].b_line) == (6, None)
    # The commented-out copy is the other side's body and header line.
    assert by["HIDE"].b_line == 8 and by["HIDE"].b_body == ("*:SECTION=HIDE", "*:T:h<EOL>")
    assert by["HIDE"].b_numbers == (8, 9) and by["NEW"].a_numbers == ()
    assert by["SHOW"].a_line == 10 and by["SHOW"].a_body[0] == "*:SECTION=SHOW"
    assert (by["EDIT"].lines_added, by["EDIT"].lines_removed) == (1, 1)
    assert (by["NEW"].lines_added, by["NEW"].lines_removed) == (2, 0)
    assert (by["GONE"].lines_added, by["GONE"].lines_removed) == (0, 2)
    # preamble, KEEP, LAST equal; keys active in either: those + NEW EDIT GONE HIDE SHOW.
    assert c.unchanged_sections == 3
    assert c.similarity == 3 / 8
    assert c.counts() == {
        "changed": 1,
        "added": 1,
        "uncommented": 1,
        "removed": 1,
        "commented_out": 1,
    }


def test_a_renamed_section_is_removed_and_added() -> None:
    a = src(":SECTION=OLD_NAME\n:T:body<EOL>\n", ":SECTION=Z\n:T:z<EOL>\n")
    b = src(":SECTION=NEW_NAME\n:T:body<EOL>\n", ":SECTION=Z\n:T:z<EOL>\n")
    c = compare_posts(post("A", {"P.SRC": a}), post("B", {"P.SRC": b}))
    # OLD_NAME stands where it stood in A: after the preamble, before NEW_NAME.
    assert kinds(c) == [("src", "OLD_NAME", "removed"), ("src", "NEW_NAME", "added")]


def test_parameterised_calc_sections_are_one_key() -> None:
    a = src(":SECTION=CALC_PARTS_CATCHER_IN(PVAL,CVAL)\n:C: X=PVAL\n")
    b = src(":section = calc_parts_catcher_in(P,C)\n:C: X=PVAL\n")
    c = compare_posts(post("A", {"P.SRC": a}), post("B", {"P.SRC": b}))
    assert kinds(c) == [("src", "CALC_PARTS_CATCHER_IN", "changed")]
    assert c.sections[0].lines_added == 1 and c.sections[0].lines_removed == 1
    same = compare_posts(post("A", {"P.SRC": a}), post("B", {"P.SRC": a}))
    assert same.similarity == 1.0


def test_a_duplicate_key_is_reported_once_and_changed_if_either_copy_differs() -> None:
    stop = ":SECTION=PROGRAM_STOP\n:T:<M:00><EOL>\n"
    a = src(stop, ":SECTION=X\n:T:x<EOL>\n", stop)
    b_second_differs = src(stop, ":SECTION=X\n:T:x<EOL>\n", ":SECTION=PROGRAM_STOP\n:T:M0<EOL>\n")
    c = compare_posts(post("A", {"P.SRC": a}), post("B", {"P.SRC": b_second_differs}))
    assert kinds(c) == [("src", "PROGRAM_STOP", "changed")]
    assert c.sections[0].a_line == 2  # the first copy's header
    assert c.sections[0].a_body == tuple(stop.splitlines() * 2)
    # Each body line knows its line in the file: the copies are lines 2-3 and 6-7.
    assert c.sections[0].a_numbers == (2, 3, 6, 7)
    # One copy fewer is a change too; both copies equal is no change.
    c = compare_posts(
        post("A", {"P.SRC": a}), post("B", {"P.SRC": src(stop, ":SECTION=X\n:T:x<EOL>\n")})
    )
    assert kinds(c) == [("src", "PROGRAM_STOP", "changed")]
    assert compare_posts(post("A", {"P.SRC": a}), post("B", {"P.SRC": a})).sections == ()


def test_crlf_against_lf_and_trailing_blanks_are_equal() -> None:
    text = src(":SECTION=A\n:T:a<EOL>\n\n", ":SECTION=B\n:T:b<EOL>\n")
    padded = text.replace("<EOL>\n", "<EOL>   \t\n") + "\n\n"
    c = compare_posts(post("A", {"P.SRC": text}, crlf=True), post("B", {"P.SRC": padded}))
    assert c.similarity == 1.0 and c.sections == ()
    # The bytes differ, so the file itself is listed as changed.
    assert [(f.extension, f.change) for f in c.files] == [(".SRC", "changed")]


def test_a_preamble_only_change() -> None:
    body = ":SECTION=A\n:T:a<EOL>\n"
    a = src(body, preamble=":SYSTEM=MILL\n:G_RIGHT_PLACES=5\n")
    b = src(body, preamble=":SYSTEM=MILL\n:G_RIGHT_PLACES=4\n")
    c = compare_posts(post("A", {"P.SRC": a}), post("B", {"P.SRC": b}))
    assert kinds(c) == [("src", PREAMBLE_KEY, "changed")]
    assert (c.sections[0].a_line, c.sections[0].b_line) == (None, None)
    assert c.similarity == 1 / 2
    assert edits(c.sections[0].a_body, c.sections[0].b_body) == [Edit("5", "4")]


def test_the_own_lib_is_compared_and_a_package_without_one() -> None:
    lib = ":SECTION=CALC_LIB\n:C: A=1\n"
    own = src(":LIBRARY=.\\MINE.LIB\n:SECTION=A\n:T:a<EOL>\n")
    a = post("A", {"P.SRC": own, "MINE.LIB": lib, "P.LIB": ":SECTION=NOT_OWN\n"})
    b = post("B", {"P.SRC": own, "MINE.LIB": lib.replace("1", "2")})
    c = compare_posts(a, b)
    # MINE.LIB is named with .\ so it is the own library; P.LIB is not read.
    assert kinds(c) == [("lib", "CALC_LIB", "changed")]
    assert [(f.extension, f.a_name, f.b_name, f.change) for f in c.files] == [
        (".SRC", "P.SRC", "P.SRC", "unchanged"),
        (".LIB", "MINE.LIB", "MINE.LIB", "changed"),
        (".LIB", "P.LIB", None, "removed"),
    ]
    # Against a package without a .LIB every lib section is removed.
    c = compare_posts(a, post("B", {"P.SRC": own}))
    assert kinds(c) == [("lib", "CALC_LIB", "removed")]
    # Neither has one: nothing about libs, and the sources are equal.
    c = compare_posts(post("A", {"P.SRC": own}), post("B", {"P.SRC": own}))
    assert c.similarity == 1.0 and c.sections == ()


def test_the_lib_with_the_src_stem_is_the_own_one() -> None:
    a = post("A", {"GRBL.SRC": src(":SECTION=A\n"), "grbl.lib": ":SECTION=L\n:C: X=1\n"})
    b = post("B", {"GRBL.SRC": src(":SECTION=A\n"), "GRBL.LIB": ":SECTION=L\n:C: X=2\n"})
    assert kinds(compare_posts(a, b)) == [("lib", "L", "changed")]


def test_patterns_count_sections_and_explain_them() -> None:
    sections_a = [f":SECTION=S{i}\n:T:<N>G{i}<EOL>\n" for i in range(4)]
    sections_b = [f":SECTION=S{i}\n:T:G{i}<EOL>\n" for i in range(4)]
    sections_a.append(":SECTION=T\n:T:<N>X<EOL>\n:T:old<EOL>\n")
    sections_b.append(":SECTION=T\n:T:X<EOL>\n:T:new<EOL>\n")
    # Only two sections lose "<F>": not a pattern.
    sections_a += [":SECTION=U1\n:T:<F>1<EOL>\n", ":SECTION=U2\n:T:<F>2<EOL>\n"]
    sections_b += [":SECTION=U1\n:T:1<EOL>\n", ":SECTION=U2\n:T:2<EOL>\n"]
    c = compare_posts(
        post("A", {"P.SRC": src(*sections_a)}), post("B", {"P.SRC": src(*sections_b)})
    )
    assert [(p.description, p.removed, p.added, p.count) for p in c.patterns] == [
        ('removed "<N>"', "<N>", "", 5)
    ]
    assert c.patterns[0].sections == ("S0", "S1", "S2", "S3", "T")
    explained = {s.name: s.explained_by for s in c.sections}
    assert explained == {
        "S0": (0,),
        "S1": (0,),
        "S2": (0,),
        "S3": (0,),
        "T": (),
        "U1": (),
        "U2": (),
    }


def test_whole_lines_and_replacements_make_patterns_too() -> None:
    a = src(*(f":SECTION=S{i}\n:T:G{i}<EOL>\n:C: COOLANT=1\n" for i in range(3)))
    b = src(*(f":SECTION=S{i}\n:T:G{i}<EOL>\n*(warm up)\n" for i in range(3)))
    c = compare_posts(post("A", {"P.SRC": a}), post("B", {"P.SRC": b}))
    # Lines with nothing alike are a whole line removed and one added.
    assert [(p.description, p.whole_line) for p in c.patterns] == [
        ('added line "*(warm up)"', "added"),
        ('removed line ":C: COOLANT=1"', "removed"),
    ]
    assert all(s.explained_by == (0, 1) for s in c.sections)
    # A line alike enough is paired: the change within it is the edit.
    a = src(*(f":SECTION=S{i}\n:T:G{i}<EOL>\n:T:<M:05><EOL>\n" for i in range(3)))
    b = src(*(f":SECTION=S{i}\n:T:G{i}<EOL>\n:T:<BLANK><EOL>\n" for i in range(3)))
    c = compare_posts(post("A", {"P.SRC": a}), post("B", {"P.SRC": b}))
    assert [p.description for p in c.patterns] == ['replaced "M:05" with "BLANK"']
    b = src(*(f":SECTION=S{i}\n:T:G{i}<EOL>\n:T:<M:30><EOL>\n" for i in range(3)))
    c = compare_posts(post("A", {"P.SRC": a}), post("B", {"P.SRC": b}))
    assert [p.description for p in c.patterns] == ['replaced "05" with "30"']


def test_a_removal_reads_the_same_wherever_difflib_finds_it() -> None:
    # difflib finds "N><" removed from ":T:<N><M:05>"; the edit is "<N>".
    assert edits([":T:<N><M:05><EOL>"], [":T:<M:05><EOL>"]) == [Edit("<N>", "")]
    assert edits([":T:<N> B0<EOL>"], [":T:B0<EOL>"]) == [Edit("<N> ", "")]
    rows = side_by_side([":T:<N><M:05><EOL>", "same"], [":T:<M:05><EOL>", "same"])
    assert [(r.kind, r.a_marks, r.b_marks) for r in rows] == [
        ("changed", ((3, 6),), ()),
        ("equal", (), ()),
    ]


def test_descriptor_defaults_and_library_references() -> None:
    def descriptor(machine: str, controller: str, library: str) -> str:
        return (
            ":SYSTEM=MILL\n"
            f":ATTRNAME=MACHINE  NAME\n:ATTRTYPE=DESCRIPTOR\n:ATTRDEFAULT={machine}\n:ATTREND\n"
            f":ATTRNAME=CONTROLLER TYPE\n:ATTRTYPE=DESCRIPTOR\n:ATTRDEFAULT={controller}\n"
            ":ATTREND\n:ATTRNAME=UNITS\n:ATTRTYPE=LIST\n:ATTRDEFAULT=MM\n:ATTREND\n"
            f":LIBRARY={library}\n"
            ":LIBRARY=..\\MasterLibraryFiles\\MILL.LIB\n:SECTION=A\n"
        )

    a = post("A", {"P.SRC": descriptor("RSCNC32", "GRBL", ".\\P.LIB")})
    b = post("B", {"P.SRC": descriptor("RSCNC32", "GRBL v1.1", ".\\Q.LIB")})
    c = compare_posts(a, b)
    assert [d.to_json() for d in c.descriptor] == [
        {"attribute": "CONTROLLER TYPE", "a": "GRBL", "b": "GRBL v1.1"}
    ]
    assert (c.library_refs_added, c.library_refs_removed) == ((".\\Q.LIB",), (".\\P.LIB",))


def test_the_json_shape(corpus_dir: Path) -> None:
    c = compare_posts(
        corpus_post(corpus_dir, "GRBL-Post"), corpus_post(corpus_dir, "SCL-SW-GRBL-1_1")
    )
    data = json.loads(json.dumps(c.to_json()))
    assert set(data) == {
        "a",
        "b",
        "similarity",
        "unchanged_sections",
        "sections",
        "patterns",
        "descriptor",
        "library_refs",
        "files",
    }
    assert set(data["a"]) == {"package_id", "name", "path"}
    assert all(
        set(s) == {"file", "name", "change", "lines_added", "lines_removed", "a_line", "b_line"}
        for s in data["sections"]
    )
    assert all(
        set(p) >= {"description", "removed", "added", "count", "sections"} for p in data["patterns"]
    )
    assert all(set(d) == {"attribute", "a", "b"} for d in data["descriptor"])
    assert set(data["library_refs"]) == {"added", "removed"}
    assert all(set(f) == {"extension", "a_name", "b_name", "change"} for f in data["files"])
    assert 0.0 <= data["similarity"] <= 1.0


def _active_keys(path: Path) -> dict[str, list[list[str]]]:
    """The issue's figures, recomputed here without the engine."""
    lines = split_lines(decode_text(path.read_bytes(), path.name).text)
    out: dict[str, list[list[str]]] = {}
    for span in split_sections(lines):
        if span.active:
            body = [x.rstrip() for x in lines[span.start : span.end]]
            while body and not body[-1]:
                body.pop()
            out.setdefault(span.key, []).append(body)
    return out


def test_grbl_post_against_scl_gives_the_n_pattern(corpus_dir: Path) -> None:
    a_path = corpus_dir / "GRBL-Post" / "GRBL-Post.SRC"
    b_path = corpus_dir / "SCL-SW-GRBL-1_1" / "SCL-SW-GRBL-1_1.SRC"
    c = compare_posts(
        corpus_post(corpus_dir, "GRBL-Post"), corpus_post(corpus_dir, "SCL-SW-GRBL-1_1")
    )
    src_changes = [s for s in c.sections if s.file is FileRole.SRC]
    assert all(s.change is ChangeKind.CHANGED for s in src_changes)

    # Recomputed independently: the changed keys, and those whose only edit is "<N>" removed.
    ka, kb = _active_keys(a_path), _active_keys(b_path)
    assert set(ka) == set(kb)
    changed = {k for k in ka if ka[k] != kb[k]}
    only_n = {
        k
        for k in changed
        if len(ka[k]) == len(kb[k])
        and all(
            [x.replace("<N>", "") for x in ca] == cb for ca, cb in zip(ka[k], kb[k], strict=True)
        )
    }
    assert {s.name for s in src_changes} == changed

    # The patterns, most frequent first: "<N>" removed, then "<N> " (with its blank) removed.
    first, second = c.patterns[:2]
    assert (first.description, first.removed, first.added) == ('removed "<N>"', "<N>", "")
    assert (second.removed, second.added) == ("<N> ", "")
    assert len(c.patterns) == 2
    explained = {s.name for s in c.sections if s.explained_by}
    # Every section whose only edit is "<N>" removed is explained by the first pattern.
    assert {s.name for s in c.sections if s.explained_by == (0,)} == only_n
    assert {s.name for s in c.sections if s.explained_by == (1,)} == {
        "ROTATE_X", "ROTATE_Y", "ROTATE_Z", "RESET_X", "RESET_Y", "RESET_Z",
    }  # fmt: skip
    unexplained = {s.name for s in c.sections} - explained
    assert unexplained == {PREAMBLE_KEY, "START_OF_TAPE", "CALC_INIT_CODES"}
    assert "START_OF_TAPE" in first.sections

    # The figures leave out the preamble and the two keys written twice
    # (PROGRAM_STOP, OPTIONAL_STOP): 77 sections, 66 differ, 58 only lose <N>,
    # 65 lose <N> somewhere. The rules count them: 80, 69, 61 and 67.
    twice = {k for k in ka if len(ka[k]) > 1}
    assert twice == {"PROGRAM_STOP", "OPTIONAL_STOP"}
    left_out = twice | {PREAMBLE_KEY}
    assert len(set(ka) - left_out) == 77
    assert len(changed - left_out) == 66
    assert len(only_n - left_out) == 58
    assert len((set(first.sections) | set(second.sections)) - left_out) == 65
    assert (len(ka), len(changed), first.count, first.count + second.count) == (80, 69, 61, 67)
    assert c.similarity == c.unchanged_sections / (len(ka) + 2)  # + the .LIB's two keys
    assert [d.attribute for d in c.descriptor] == ["MACHINE NAME", "CONTROLLER TYPE"]
