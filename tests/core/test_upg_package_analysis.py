"""Cross-file findings on whole packages built from corpus bytes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from veripost_desktop.core.upg import (
    PackageAnalysis,
    WarningCode,
    analyse_package,
    is_master_library,
    resolved_file_name,
)

GRBL = "GRBL-Post"
MASTER_LINE = b":LIBRARY=..\\..\\..\\..\\CAMWorksData\\UPG-2\\MasterLibraryFiles\\MILL.LIB\r\n"
# The two CALL targets GRBL-Post takes from the master library MILL.LIB.
MASTER_CALLS = (b":C: CALL(CALC_ENGMET)\r\n", b":C: CALL(CALC_ROUNDING_POINT)\r\n")


def load(corpus_dir: Path, package: str, folder: str = "") -> dict[str, bytes]:
    return {f"{folder}{p.name}": p.read_bytes() for p in sorted((corpus_dir / package).iterdir())}


def codes(analysis: PackageAnalysis) -> list[str]:
    return [w.code for w in analysis.warnings]


def grbl_without_master(corpus_dir: Path) -> dict[str, bytes]:
    """GRBL-Post made self-contained: no master library, no calls into it."""
    files = load(corpus_dir, GRBL)
    src = files["GRBL-Post.SRC"]
    for line in (MASTER_LINE, *MASTER_CALLS):
        assert line in src
        src = src.replace(line, b"")
    files["GRBL-Post.SRC"] = src
    return files


# -- the corpus as delivered: no false warnings ------------------------------


def test_grbl_package(corpus_dir: Path) -> None:
    analysis = analyse_package(load(corpus_dir, GRBL))

    assert analysis.warnings == ()
    assert analysis.src_filename == "GRBL-Post.SRC"
    assert analysis.section_count == 82
    assert (analysis.machine, analysis.controller, analysis.system) == ("RSCNC32", "GRBL", "MILL")
    assert (analysis.post_name, analysis.post_extension) == (None, None)
    assert [
        (f.filename, f.extension, f.active_count, f.calc_count, f.commented_out_count)
        for f in analysis.files
    ] == [
        ("GRBL-Post.ctl", "CTL", 0, 0, 0),
        ("GRBL-Post.LIB", "LIB", 1, 1, 0),
        ("GRBL-Post.lng", "LNG", 0, 0, 0),
        ("GRBL-Post.SRC", "SRC", 81, 7, 44),
    ]
    ctl = analysis.files[0]
    assert ctl.source is None and ctl.size == 116907
    assert analysis.files[2].language is not None
    assert analysis.files[2].language.entry_count == 168
    assert analysis.files[3].template_count == 74
    assert [
        (r.file_name, r.kind, r.found, r.is_master, r.from_file) for r in analysis.library_refs
    ] == [
        ("GRBL-Post.LIB", "LIBRARY", True, False, "GRBL-Post.SRC"),
        ("MILL.LIB", "LIBRARY", False, True, "GRBL-Post.SRC"),
    ]
    # Calls into the master library are known, listed, and not warned about.
    assert [c.target for c in analysis.unresolved_calls] == ["CALC_ENGMET", "CALC_ROUNDING_POINT"]


def test_scl_package_inside_a_folder(corpus_dir: Path) -> None:
    analysis = analyse_package(load(corpus_dir, "SCL-SW-GRBL-1_1", folder="SCL-SW-GRBL-1_1/"))

    assert analysis.warnings == ()
    assert analysis.src_filename == "SCL-SW-GRBL-1_1/SCL-SW-GRBL-1_1.SRC"
    assert analysis.section_count == 82
    assert (analysis.machine, analysis.controller) == ("Generic CNC Mill", "GRBL v1.1")
    assert [r.found for r in analysis.library_refs] == [True, False]


def test_tormach_parts(corpus_dir: Path) -> None:
    analysis = analyse_package(load(corpus_dir, "tormach-pcnc1100-parts"))

    assert analysis.warnings == ()
    assert analysis.post_name == "Tormach PCNC1100 Series 3"
    assert analysis.post_extension == "nc"
    assert analysis.section_count == 0 and analysis.src_filename is None
    kin = next(f for f in analysis.files if f.extension == "KIN")
    assert kin.kinematics is not None and kin.kinematics.known_layout == 19
    assert [f.extension for f in analysis.files] == ["CNF", "KIN", "PINF"]


def test_to_dict_is_json(corpus_dir: Path) -> None:
    files = load(corpus_dir, GRBL)
    files["GRBL-Post.lng"] = b""
    data = json.loads(json.dumps(analyse_package(files).to_dict()))

    assert data["section_count"] == 82
    assert data["files"][3]["active"] == 81
    assert data["files"][3]["source"]["sections"][0]["name"] == "START_OF_TAPE"
    assert data["library_refs"][1] == {
        "kind": "LIBRARY",
        "raw": "..\\..\\..\\..\\CAMWorksData\\UPG-2\\MasterLibraryFiles\\MILL.LIB",
        "file_name": "MILL.LIB",
        "line": 127,
        "is_master": True,
        "from_file": "GRBL-Post.SRC",
        "found": False,
    }
    assert data["warnings"] == [
        {
            "code": "empty_file",
            "text": "GRBL-Post.lng is empty.",
            "filename": "GRBL-Post.lng",
            "line": None,
        }
    ]


def test_empty_package() -> None:
    analysis = analyse_package({})

    assert analysis.files == () and analysis.warnings == ()
    assert analysis.section_count == 0 and analysis.machine is None


# -- one warning code at a time ----------------------------------------------


def test_missing_own_library(corpus_dir: Path) -> None:
    files = load(corpus_dir, GRBL)
    del files["GRBL-Post.LIB"]
    analysis = analyse_package(files)

    assert codes(analysis) == [WarningCode.MISSING_LIBRARY]
    warning = analysis.warnings[0]
    assert (warning.filename, warning.line) == ("GRBL-Post.SRC", 126)
    assert "GRBL-Post.LIB" in warning.text
    assert analysis.section_count == 81


def test_missing_library_found_case_insensitively_and_in_a_folder(corpus_dir: Path) -> None:
    files = load(corpus_dir, GRBL)
    files["post/grbl-post.lib"] = files.pop("GRBL-Post.LIB")

    assert analyse_package(files).warnings == ()


def test_missing_include_is_warned_but_master_libraries_never(corpus_dir: Path) -> None:
    files = load(corpus_dir, GRBL)
    files["GRBL-Post.SRC"] += (
        b":INCLUDE=.\\Shared Macros.LIB\r\n"
        b":LIBRARY=C:\\CAMWorksData\\UPG-2\\MasterLibraryFiles\\LATHE.LIB\r\n"
        b":LIBRARY=MILLTURN.LIB\r\n"
        b":LIBRARY=.\\MILL_PROBE.LIB\r\n"
    )
    analysis = analyse_package(files)

    assert codes(analysis) == [WarningCode.MISSING_LIBRARY]
    assert "Shared Macros.LIB" in analysis.warnings[0].text
    assert analysis.warnings[0].line == 1164


def test_ctl_without_lng(corpus_dir: Path) -> None:
    files = load(corpus_dir, GRBL)
    del files["GRBL-Post.lng"]
    analysis = analyse_package(files)

    assert codes(analysis) == [WarningCode.CTL_WITHOUT_LNG]
    assert analysis.warnings[0].filename == "GRBL-Post.ctl"


def test_renamed_lng_is_a_base_name_mismatch_and_leaves_the_ctl_alone(corpus_dir: Path) -> None:
    files = load(corpus_dir, GRBL)
    files["GRBL.lng"] = files.pop("GRBL-Post.lng")
    analysis = analyse_package(files)

    assert sorted(codes(analysis)) == [WarningCode.BASE_NAME_MISMATCH, WarningCode.CTL_WITHOUT_LNG]
    mismatch = next(w for w in analysis.warnings if w.code == WarningCode.BASE_NAME_MISMATCH)
    assert mismatch.filename == "GRBL.lng"
    assert "expected GRBL-Post.LNG" in mismatch.text
    ctl = next(w for w in analysis.warnings if w.code == WarningCode.CTL_WITHOUT_LNG)
    assert "GRBL.lng" in ctl.text


def test_base_names_compare_case_insensitively(corpus_dir: Path) -> None:
    files = load(corpus_dir, GRBL)
    files["grbl-post.LNG"] = files.pop("GRBL-Post.lng")
    files["GRBL-POST.CTL"] = files.pop("GRBL-Post.ctl")

    assert analyse_package(files).warnings == ()


def test_referenced_library_may_have_its_own_name(corpus_dir: Path) -> None:
    files = load(corpus_dir, GRBL)
    files["Shared.LIB"] = files.pop("GRBL-Post.LIB")
    files["GRBL-Post.SRC"] = files["GRBL-Post.SRC"].replace(b".\\GRBL-Post.LIB", b".\\Shared.LIB")
    files["Setup sheet.rtf"] = b"{\\rtf1}"

    assert analyse_package(files).warnings == ()


def test_unreferenced_library_with_another_name(corpus_dir: Path) -> None:
    files = load(corpus_dir, GRBL)
    files["Old.LIB"] = b"*unused\r\n"
    analysis = analyse_package(files)

    assert codes(analysis) == [WarningCode.BASE_NAME_MISMATCH]
    assert analysis.section_count == 82


def test_self_contained_post_calls_all_resolve(corpus_dir: Path) -> None:
    analysis = analyse_package(grbl_without_master(corpus_dir))

    assert analysis.warnings == ()
    assert analysis.unresolved_calls == ()


def test_call_typo_is_caught_in_a_self_contained_post(corpus_dir: Path) -> None:
    files = grbl_without_master(corpus_dir)
    files["GRBL-Post.SRC"] = files["GRBL-Post.SRC"].replace(
        b":C: CALL(CALC_INIT_GCODES)", b":C: CALL(CALC_INIT_GCODE)"
    )
    analysis = analyse_package(files)

    assert codes(analysis) == [WarningCode.UNDEFINED_CALL]
    warning = analysis.warnings[0]
    # One line above the corpus's 982: the master :LIBRARY= line was taken out.
    assert (warning.filename, warning.line) == ("GRBL-Post.SRC", 981)
    assert "CALC_INIT_GCODE," in warning.text


def test_call_typo_hints(corpus_dir: Path) -> None:
    files = grbl_without_master(corpus_dir)
    files["GRBL-Post.LIB"] += (
        b":SECTION=CALC_LIB_EXTRA\r\n:C: CALL(calc_init_gcodes)\r\n:C: CALL(FASTLINE)\r\n"
    )
    analysis = analyse_package(files)

    assert codes(analysis) == [WarningCode.UNDEFINED_CALL] * 2
    case, commented = analysis.warnings
    assert case.filename == "GRBL-Post.LIB"
    assert "CALC_INIT_GCODES exists; section names are case-sensitive" in case.text
    assert "commented out" in commented.text


def test_calls_are_not_warned_when_a_master_library_is_referenced(corpus_dir: Path) -> None:
    files = load(corpus_dir, GRBL)
    files["GRBL-Post.SRC"] = files["GRBL-Post.SRC"].replace(
        b"CALL(CALC_INIT_GCODES)", b"CALL(CALC_INIT_GCODE)"
    )
    analysis = analyse_package(files)

    assert analysis.warnings == ()
    assert "CALC_INIT_GCODE" in [c.target for c in analysis.unresolved_calls]


def test_calls_are_not_warned_when_the_own_library_is_missing(corpus_dir: Path) -> None:
    files = grbl_without_master(corpus_dir)
    del files["GRBL-Post.LIB"]
    files["GRBL-Post.SRC"] += b":SECTION=CALC_X\r\n:C: CALL(CALC_FROM_THE_MISSING_LIB)\r\n"

    assert codes(analyse_package(files)) == [WarningCode.MISSING_LIBRARY]


def test_duplicate_section_in_one_file_but_not_across_files(corpus_dir: Path) -> None:
    files = load(corpus_dir, GRBL)
    # Overriding a .LIB section from the .SRC is normal ...
    files["GRBL-Post.SRC"] += b":SECTION=CALC_SET_PRE_POSITION_ROTARY_TYPE\r\n:C: X=1\r\n"
    assert analyse_package(files).warnings == ()
    # ... defining one twice in the same file is not.
    files["GRBL-Post.SRC"] += b":SECTION=PROGRAM_STOP\r\n:T:<EOL>\r\n"
    analysis = analyse_package(files)

    assert codes(analysis) == [WarningCode.DUPLICATE_SECTION]
    assert (analysis.warnings[0].filename, analysis.warnings[0].line) == ("GRBL-Post.SRC", 1166)
    assert "lines 810 and 1166" in analysis.warnings[0].text


def test_binary_src_is_a_warning(corpus_dir: Path) -> None:
    files = grbl_without_master(corpus_dir)
    files["GRBL-Post.SRC"] = files["GRBL-Post.ctl"]
    analysis = analyse_package(files)

    # The .LIB's calls cannot be checked against an unreadable .SRC: no flood of
    # undefined_call, just the one finding that matters.
    assert codes(analysis) == [WarningCode.NOT_TEXT]
    assert analysis.warnings[0].filename == "GRBL-Post.SRC"
    assert analysis.section_count == 1


def test_binary_lib_is_a_warning(corpus_dir: Path) -> None:
    files = load(corpus_dir, GRBL)
    files["GRBL-Post.LIB"] = b"\x00" * 64
    analysis = analyse_package(files)

    assert codes(analysis) == [WarningCode.NOT_TEXT]
    assert analysis.warnings[0].filename == "GRBL-Post.LIB"


def test_multiple_src_files(corpus_dir: Path) -> None:
    files = load(corpus_dir, GRBL)
    files["Copy of GRBL-Post.SRC"] = files["GRBL-Post.SRC"]
    analysis = analyse_package(files)

    # The copy sorts first, but the .SRC the other files are named after wins.
    assert analysis.src_filename == "GRBL-Post.SRC"
    assert codes(analysis) == [WarningCode.MULTIPLE_SRC_FILES, WarningCode.BASE_NAME_MISMATCH]
    assert {w.filename for w in analysis.warnings} == {"Copy of GRBL-Post.SRC"}
    assert analysis.section_count == 163


def test_warning_codes_are_stable_snake_case() -> None:
    for code in WarningCode:
        assert code.value == code.name.lower()


# -- the master-library rule -------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("..\\..\\..\\..\\CAMWorksData\\UPG-2\\MasterLibraryFiles\\MILL.LIB", True),
        ("C:\\CAMWorksData\\UPG-2\\MasterLibraryFiles\\CUSTOM_VENDOR.LIB", True),
        ("c:/camworksdata/upg-2/masterlibraryfiles/anything.lib", True),
        ("MILL.LIB", True),
        ("lathe.lib", True),
        (".\\MillTurn.Lib", True),
        ("..\\libs\\MILL_PROBE.LIB", True),
        ("Lathe_Probe.lib", True),
        (".\\GRBL-Post.LIB", False),
        ("C:\\Posts\\MILLING.LIB", False),
        ("MyMILL.LIB", False),
        ("PROBE.LIB", False),
        ("C:\\MasterLibraryFilesBackup\\POST.LIB", False),
        ("", False),
    ],
)
def test_master_library_rule(raw: str, expected: bool) -> None:
    assert is_master_library(raw) is expected


@pytest.mark.parametrize(
    "raw, name",
    [
        (".\\GRBL-Post.LIB", "GRBL-Post.LIB"),
        ("../x/y/Post.lib", "Post.lib"),
        ('"C:\\Program Files\\A B.LIB"', "A B.LIB"),
        ("POST.LIB", "POST.LIB"),
    ],
)
def test_resolved_file_name(raw: str, name: str) -> None:
    assert resolved_file_name(raw) == name
