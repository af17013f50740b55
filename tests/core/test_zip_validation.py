"""ZIP validation: every accept and refuse rule, on ZIPs built from the real
corpus files at test time."""

from __future__ import annotations

import io
import os
import shutil
import tracemalloc
import unicodedata
import zipfile
import zlib
from contextlib import closing
from pathlib import Path

import pytest

from tests.core.zip_factory import (
    COMPANION_PACKAGE,
    FULL_PACKAGES,
    SYMLINK_ATTR,
    UNIX,
    Entry,
    add_zip64_end_records,
    build_zip,
    corpus_files,
    corpus_package_zip,
    patch_end_record,
    patch_member,
    write_zip64_zeros,
)
from veripost_desktop.core.config import UPG_EXTENSIONS, Settings, ZipLimits
from veripost_desktop.core.errors import ErrorCode, VeriPostError
from veripost_desktop.core.zip_validation import (
    ValidationResult,
    ZipMember,
    flatten_name,
    inspect_zip,
    open_member_stream,
    validate_zip,
    verify_zip_data,
)

NOT_A_ZIP_MESSAGE = "Please upload a .zip file containing your post processor package."
GRBL = corpus_files("GRBL-Post")
GRBL_SRC = GRBL["GRBL-Post.SRC"]


def grbl_with(tmp_path: Path, *extra: Entry | tuple[str, bytes]) -> Path:
    """The real GRBL-Post package (in its folder) plus ``extra`` members."""
    return corpus_package_zip(tmp_path, "GRBL-Post", extra=list(extra))


def assert_refused(result: ValidationResult, code: ErrorCode) -> None:
    assert result.error is not None, "expected a refusal"
    assert result.error.code == code, result.error
    assert not result.ok
    assert result.members == ()
    assert result.error.message and result.error.detail


def detail_of(result: ValidationResult) -> str:
    assert result.error is not None
    return result.error.detail


def assert_accepted(result: ValidationResult) -> None:
    assert result.error is None, result.error
    assert result.ok


def read_member(zip_path: Path, member: ZipMember) -> bytes:
    with zipfile.ZipFile(zip_path) as zf, closing(open_member_stream(zf, member)) as stream:
        return stream.read()


# ---- accepted -------------------------------------------------------------


@pytest.mark.parametrize("package", FULL_PACKAGES)
def test_real_packages_are_accepted_with_every_file(tmp_path: Path, package: str) -> None:
    files = corpus_files(package)
    zip_path = corpus_package_zip(tmp_path, package, nest=f"{package}/")

    result = inspect_zip(zip_path)

    assert_accepted(result)
    assert sorted(m.name for m in result.members) == sorted(files)
    assert result.skipped == (f"{package}/",)
    for m in result.members:
        assert m.path_in_zip == f"{package}/{m.name}"
        assert m.zip_name == m.path_in_zip
        assert m.size == len(files[m.name])
        assert 0 < m.compressed_size < m.size
        assert m.extension == Path(m.name).suffix.upper()
    assert result.src_member is not None and result.src_member.name == f"{package}.SRC"
    assert result.total_size == sum(len(d) for d in files.values())
    assert_accepted(validate_zip(zip_path))
    for m in result.members:
        assert read_member(zip_path, m) == files[m.name]


def test_mixed_case_extensions_are_accepted(tmp_path: Path) -> None:
    # The corpus itself has GRBL-Post.ctl and .lng beside .SRC and .LIB.
    zip_path = build_zip(
        tmp_path / "p.zip",
        {"grbl-post.src": GRBL_SRC, "GRBL-Post.Lib": GRBL["GRBL-Post.LIB"], "x.cTl": b"\0\1"},
    )
    result = inspect_zip(zip_path)
    assert_accepted(result)
    assert [m.extension for m in result.members] == [".SRC", ".LIB", ".CTL"]
    assert result.src_member is not None and result.src_member.name == "grbl-post.src"


@pytest.mark.parametrize(
    "nest", ["", "GRBL-Post/", "a/b/c/d/e/f/g/", "a\\b\\c\\", "mixed/sep\\deep/"]
)
def test_nesting_at_any_depth_and_backslash_separators(tmp_path: Path, nest: str) -> None:
    zip_path = corpus_package_zip(tmp_path, nest=nest)
    result = validate_zip(zip_path)
    assert_accepted(result)
    assert sorted(m.name for m in result.members) == sorted(GRBL)
    assert all(m.path_in_zip == nest + m.name for m in result.members)


def test_dot_dot_absolute_and_drive_letter_paths_are_flattened(tmp_path: Path) -> None:
    zip_path = build_zip(
        tmp_path / "p.zip",
        [
            ("../../GRBL-Post.SRC", GRBL_SRC),
            ("/abs/path/GRBL-Post.LIB", GRBL["GRBL-Post.LIB"]),
            ("C:\\CAMWorksData\\UPG-2\\GRBL-Post.ctl", GRBL["GRBL-Post.ctl"]),
            ("D:GRBL-Post.lng", GRBL["GRBL-Post.lng"]),
        ],
    )
    result = validate_zip(zip_path)
    assert_accepted(result)
    assert [m.name for m in result.members] == [
        "GRBL-Post.SRC",
        "GRBL-Post.LIB",
        "GRBL-Post.ctl",
        "GRBL-Post.lng",
    ]
    assert result.members[2].path_in_zip == "C:\\CAMWorksData\\UPG-2\\GRBL-Post.ctl"
    assert read_member(zip_path, result.members[3]) == GRBL["GRBL-Post.lng"]


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("a/b\\c.SRC", "c.SRC"),
        ("HAAS_VF-4/HAAS_VF-4.SRC", "HAAS_VF-4.SRC"),
        ("../x.CTL", "x.CTL"),
        ("/abs/z.KIN", "z.KIN"),
        ("C:\\x\\y.LIB", "y.LIB"),
        ("C:y.LIB", "y.LIB"),
        ("\\\\server\\share\\p.ATR", "p.ATR"),
        ("plain.PINF", "plain.PINF"),
        ("dir/", ""),
        ("a/..", ".."),
    ],
)
def test_flatten_name(path: str, name: str) -> None:
    assert flatten_name(path) == name


def test_os_junk_and_folders_are_skipped(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path, nest="GRBL-Post/", junk=True)
    result = validate_zip(zip_path)
    assert_accepted(result)
    assert sorted(m.name for m in result.members) == sorted(GRBL)
    assert set(result.skipped) == {
        "GRBL-Post/",
        "__MACOSX/._GRBL-Post.SRC",
        "__MACOSX/sub/._x",
        ".DS_Store",
        "sub/Thumbs.db",
        "desktop.ini",
        "._GRBL-Post.LIB",
    }


def test_windows_style_folder_entries_are_skipped(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path, nest="Posts\\GRBL\\")
    result = inspect_zip(zip_path)
    assert_accepted(result)
    assert result.skipped == ("Posts\\", "Posts\\GRBL\\")


def test_zip64_member_extras_are_accepted(tmp_path: Path) -> None:
    zip_path = build_zip(
        tmp_path / "p.zip",
        [Entry(name, data, force_zip64=True) for name, data in GRBL.items()],
    )
    data = zip_path.read_bytes()
    with zipfile.ZipFile(zip_path) as zf:  # each local header carries a ZIP64 extra
        for info in zf.infolist():
            at = info.header_offset
            name_len = int.from_bytes(data[at + 26 : at + 28], "little")
            assert data[at + 30 + name_len : at + 32 + name_len] == b"\x01\x00"
    assert_accepted(validate_zip(zip_path))


def test_zip64_end_records_are_accepted(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path)
    add_zip64_end_records(zip_path)
    result = validate_zip(zip_path)
    assert_accepted(result)
    assert len(result.members) == len(GRBL)


def test_cp437_names_are_decoded(tmp_path: Path) -> None:
    # A DOS-era tool stores "FRÄSE.SRC" as cp437 bytes without the UTF-8 flag.
    zip_path = build_zip(
        tmp_path / "p.zip",
        [Entry.raw(b"FR\x8eSE.SRC", GRBL_SRC), ("FR\u00c4SE.LIB", GRBL["GRBL-Post.LIB"])],
    )
    with zipfile.ZipFile(zip_path) as zf:
        flags = [i.flag_bits & 0x800 for i in zf.infolist()]
    assert flags == [0, 0x800]  # one cp437, one UTF-8
    result = validate_zip(zip_path)
    assert_accepted(result)
    assert [m.name for m in result.members] == ["FRÄSE.SRC", "FRÄSE.LIB"]
    assert read_member(zip_path, result.members[0]) == GRBL_SRC


@pytest.mark.parametrize(
    "compression",
    [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA],
    ids=["stored", "deflated", "bzip2", "lzma"],
)
def test_supported_compression_methods(tmp_path: Path, compression: int) -> None:
    zip_path = corpus_package_zip(tmp_path, "SCL-SW-GRBL-1_1", nest="", compression=compression)
    result = validate_zip(zip_path)
    assert_accepted(result)
    files = corpus_files("SCL-SW-GRBL-1_1")
    for m in result.members:
        assert read_member(zip_path, m) == files[m.name]


def test_mixed_methods_in_one_zip(tmp_path: Path) -> None:
    methods = [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]
    zip_path = build_zip(
        tmp_path / "p.zip",
        [Entry(n, d, compression=c) for (n, d), c in zip(GRBL.items(), methods, strict=True)],
    )
    assert_accepted(validate_zip(zip_path))


def test_archive_comment_is_accepted(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path, comment=b"Delivered by ACME Posts\r\n" * 100)
    assert_accepted(validate_zip(zip_path))


def test_prepended_self_extractor_stub_is_accepted(tmp_path: Path) -> None:
    stub = b"MZ\x90\x00" + os.urandom(70_000)
    zip_path = corpus_package_zip(tmp_path, prefix=stub)
    result = validate_zip(zip_path)
    assert_accepted(result)
    for m in result.members:
        assert read_member(zip_path, m) == GRBL[m.name]


def test_extra_extensions_from_settings(tmp_path: Path) -> None:
    # A real delivery: a post plus the Tormach companion files, one of them a .CNF.
    zip_path = grbl_with(
        tmp_path, *(("tormach/" + n, d) for n, d in corpus_files(COMPANION_PACKAGE).items())
    )
    refused = inspect_zip(zip_path)
    assert_refused(refused, ErrorCode.UNRECOGNIZED_EXTENSION)
    assert "tormach/Tormach PCNC1100 Series 3.CNF" in detail_of(refused)

    settings = Settings(data_dir=tmp_path, extra_extensions=(".cnf",))
    assert_accepted(validate_zip(zip_path, accepted_extensions=settings.accepted_extensions))
    # Written without the dot or in lower case works too.
    assert_accepted(inspect_zip(zip_path, accepted_extensions=[*UPG_EXTENSIONS, "cnf"]))


def test_inspect_accepts_ten_thousand_members(tmp_path: Path) -> None:
    # Its speed (target < 0.5 s) is measured by bench/, not asserted here:
    # timed unit tests are noise on shared machines.
    members = [("pkg/GRBL-Post.SRC", GRBL_SRC)]
    members += [(f"pkg/lib{i:05d}.LIB", b"*x\r\n") for i in range(9_999)]
    zip_path = build_zip(tmp_path / "big.zip", members)
    result = inspect_zip(zip_path)
    assert_accepted(result)
    assert len(result.members) == 10_000


def test_inspect_never_reads_member_data(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path)
    patch_member(zip_path, 1, crc=0xDEADBEEF)  # damage the data of one member
    assert_accepted(inspect_zip(zip_path))
    assert_refused(validate_zip(zip_path), ErrorCode.CORRUPT_ZIP)


# ---- refused: the file itself ----------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    assert_refused(inspect_zip(tmp_path / "nope.zip"), ErrorCode.FILE_NOT_FOUND)
    assert_refused(validate_zip(tmp_path / "nope.zip"), ErrorCode.FILE_NOT_FOUND)


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n",
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200),
        GRBL_SRC,  # the real .SRC text, renamed .zip
        b"",
    ],
    ids=["pdf", "exe", "text", "empty-file"],
)
def test_other_files_renamed_zip_are_not_a_zip(tmp_path: Path, content: bytes) -> None:
    zip_path = tmp_path / "GRBL-Post.zip"
    zip_path.write_bytes(content)
    result = inspect_zip(zip_path)
    assert_refused(result, ErrorCode.NOT_A_ZIP)
    assert result.error is not None and result.error.message == NOT_A_ZIP_MESSAGE


@pytest.mark.parametrize("name", ["GRBL-Post.txt", "GRBL-Post", "GRBL-Post.zipx", "zip"])
def test_real_zip_with_another_name_is_not_a_zip(tmp_path: Path, name: str) -> None:
    zip_path = corpus_package_zip(tmp_path, zip_name=name)
    result = inspect_zip(zip_path)
    assert_refused(result, ErrorCode.NOT_A_ZIP)
    assert result.error is not None and result.error.message == NOT_A_ZIP_MESSAGE
    assert "does not end in .zip" in result.error.detail


def test_upper_case_zip_name_is_fine(tmp_path: Path) -> None:
    assert_accepted(inspect_zip(corpus_package_zip(tmp_path, zip_name="GRBL-POST.ZIP")))


def test_a_folder_is_not_a_zip(tmp_path: Path) -> None:
    folder = tmp_path / "looks.zip"
    folder.mkdir()
    result = inspect_zip(folder)
    assert_refused(result, ErrorCode.NOT_A_ZIP)
    # The CLI and the window alike say what to do about it.
    assert result.error is not None
    assert result.error.message.startswith("looks.zip is a folder.")
    assert "zip the folder first" in result.error.message


def test_empty_zip(tmp_path: Path) -> None:
    assert_refused(inspect_zip(build_zip(tmp_path / "e.zip", {})), ErrorCode.EMPTY_ZIP)


def test_zip_of_only_folders_and_junk_is_empty(tmp_path: Path) -> None:
    zip_path = build_zip(
        tmp_path / "e.zip",
        {"GRBL-Post/": b"", "__MACOSX/GRBL-Post/._GRBL-Post.SRC": GRBL_SRC[:10], ".DS_Store": b"x"},
    )
    result = inspect_zip(zip_path)
    assert_refused(result, ErrorCode.EMPTY_ZIP)
    assert "__MACOSX/GRBL-Post/._GRBL-Post.SRC" in detail_of(result)
    assert len(result.skipped) == 3


# ---- refused: package rules --------------------------------------------------


def test_unrecognized_extension_names_accepted_types_and_each_file(tmp_path: Path) -> None:
    zip_path = grbl_with(
        tmp_path,
        ("GRBL-Post/docs/readme.txt", b"read me"),
        ("notes.DOCX", b"PK"),
        ("Makefile", b""),
    )
    result = inspect_zip(zip_path)
    assert_refused(result, ErrorCode.UNRECOGNIZED_EXTENSION)
    assert result.error is not None
    for ext in UPG_EXTENSIONS:
        assert ext in result.error.message
    assert "GRBL-Post/docs/readme.txt (.TXT)" in result.error.detail
    assert "notes.DOCX (.DOCX)" in result.error.detail
    assert "Makefile (no extension)" in result.error.detail


def test_unrecognized_message_follows_accepted_extensions(tmp_path: Path) -> None:
    zip_path = grbl_with(tmp_path, ("x.txt", b""))
    result = inspect_zip(zip_path, accepted_extensions=[*UPG_EXTENSIONS, ".RTF"])
    assert result.error is not None and ".RTF" in result.error.message


def test_missing_src_lists_the_files_found(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path, drop=["GRBL-Post.SRC"])
    result = inspect_zip(zip_path)
    assert_refused(result, ErrorCode.MISSING_SRC)
    assert result.error is not None
    for name in ("GRBL-Post.LIB", "GRBL-Post.ctl", "GRBL-Post.lng"):
        assert f"GRBL-Post/{name}" in result.error.detail


def test_companion_files_alone_miss_the_src(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path, COMPANION_PACKAGE, nest="")
    result = inspect_zip(zip_path, accepted_extensions=[*UPG_EXTENSIONS, ".CNF"])
    assert_refused(result, ErrorCode.MISSING_SRC)


def test_empty_src(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path, drop=["GRBL-Post.SRC"], extra=[("GRBL-Post.SRC", b"")])
    result = inspect_zip(zip_path)
    assert_refused(result, ErrorCode.EMPTY_SRC)
    assert "GRBL-Post.SRC" in detail_of(result)


def test_nested_zip(tmp_path: Path) -> None:
    inner = corpus_package_zip(tmp_path / "inner", "SCL-SW-GRBL-1_1")
    zip_path = grbl_with(tmp_path, ("GRBL-Post/old/SCL-SW-GRBL-1_1.Zip", inner.read_bytes()))
    result = inspect_zip(zip_path)
    assert_refused(result, ErrorCode.NESTED_ZIP)
    assert result.error is not None
    assert "a ZIP inside a ZIP" in result.error.message
    assert "GRBL-Post/old/SCL-SW-GRBL-1_1.Zip" in result.error.detail


def test_duplicate_names_across_folders_and_case(tmp_path: Path) -> None:
    zip_path = grbl_with(tmp_path, ("backup/grbl-post.src", GRBL_SRC))
    result = inspect_zip(zip_path)
    assert_refused(result, ErrorCode.DUPLICATE_FILENAME)
    assert result.error is not None
    assert "GRBL-Post/GRBL-Post.SRC" in result.error.detail
    assert "backup/grbl-post.src" in result.error.detail


def test_duplicate_names_differing_in_unicode_normalisation(tmp_path: Path) -> None:
    nfc, nfd = "FRÄSE.SRC", unicodedata.normalize("NFD", "FRÄSE.SRC")
    zip_path = build_zip(tmp_path / "p.zip", [(nfc, GRBL_SRC), ("mac/" + nfd, GRBL_SRC)])
    assert_refused(inspect_zip(zip_path), ErrorCode.DUPLICATE_FILENAME)


def test_exact_same_name_twice(tmp_path: Path) -> None:
    zip_path = build_zip(tmp_path / "p.zip", [("GRBL-Post.SRC", GRBL_SRC), ("GRBL-Post.SRC", b"*")])
    assert_refused(inspect_zip(zip_path), ErrorCode.DUPLICATE_FILENAME)


@pytest.mark.parametrize(
    "bad",
    [
        "GRBL-Post/",  # a "folder" holding data: empty after flattening
        "GRBL-Post/.SRC",
        "GRBL-Post/.lib",
        "GRBL\x01Post.LIB",
        "GRBL\tPost.LIB",
        "GRBL\x00hidden.LIB",
        "x" * 252 + ".LIB",  # 256 bytes
        "\u00c4" * 126 + ".LIB",  # 256 bytes in UTF-8, 130 characters
        "CON.LIB",
        "con.lib",
        "PRN.CTL",
        "aux.KIN",
        "NUL.tar.LIB",
        "COM1.LIB",
        "com9.LNG",
        "LPT1.ATR",
        "Lpt9.PINF",
        "GRBL-Post.LIB.",
        "GRBL-Post.LIB ",
        "GRBL-Post/..",
        "GRBL?Post.LIB",
        "GRBL:Post.LIB",
    ],
)
def test_invalid_filenames(tmp_path: Path, bad: str) -> None:
    zip_path = grbl_with(tmp_path, (bad, b"data"))
    result = inspect_zip(zip_path)
    assert_refused(result, ErrorCode.INVALID_FILENAME)
    assert repr(bad) in detail_of(result) or bad in detail_of(result)


@pytest.mark.parametrize("fine", ["COM10.LIB", "CONSOLE.LIB", "LPT.LIB", "x" * 251 + ".LIB"])
def test_names_close_to_the_rules_are_fine(tmp_path: Path, fine: str) -> None:
    assert_accepted(inspect_zip(grbl_with(tmp_path, (fine, b"data"))))


def test_symlink_member(tmp_path: Path) -> None:
    link = Entry(
        "GRBL-Post/link.LIB", b"/etc/passwd", create_system=UNIX, external_attr=SYMLINK_ATTR
    )
    result = inspect_zip(grbl_with(tmp_path, link))
    assert_refused(result, ErrorCode.SYMLINK_MEMBER)
    assert "GRBL-Post/link.LIB" in detail_of(result)


def test_symlink_mode_from_a_dos_system_is_not_a_link(tmp_path: Path) -> None:
    # The Unix mode bits mean nothing when another system made the entry.
    entry = Entry("GRBL-Post/x.LIB", b"data", create_system=0, external_attr=SYMLINK_ATTR)
    assert_accepted(inspect_zip(grbl_with(tmp_path, entry)))


# ---- refused: damaged or hostile archives ------------------------------------


def test_truncated_zip_is_corrupt(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path)
    data = zip_path.read_bytes()
    zip_path.write_bytes(data[: len(data) // 2])
    assert_refused(inspect_zip(zip_path), ErrorCode.CORRUPT_ZIP)


def test_truncated_inside_the_central_directory_is_corrupt(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path)
    with zipfile.ZipFile(zip_path) as zf:
        start = zf.start_dir
    data = zip_path.read_bytes()
    zip_path.write_bytes(data[: start + 60] + data[-22:])  # keep an end record
    assert_refused(inspect_zip(zip_path), ErrorCode.CORRUPT_ZIP)


def test_damaged_central_directory_is_corrupt(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path)
    with zipfile.ZipFile(zip_path) as zf:
        start = zf.start_dir
    data = bytearray(zip_path.read_bytes())
    data[start : start + 4] = b"XXXX"
    zip_path.write_bytes(bytes(data))
    result = inspect_zip(zip_path)
    assert_refused(result, ErrorCode.CORRUPT_ZIP)
    assert "central directory" in detail_of(result)


def test_bad_crc_is_caught_when_verifying(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path)
    patch_member(zip_path, 2, crc=0x12345678)
    inspected = inspect_zip(zip_path)
    assert_accepted(inspected)
    with pytest.raises(VeriPostError) as caught:
        verify_zip_data(zip_path, inspected)
    assert caught.value.code == ErrorCode.CORRUPT_ZIP
    assert "CRC" in caught.value.detail
    result = validate_zip(zip_path)
    assert_refused(result, ErrorCode.CORRUPT_ZIP)


def test_damaged_member_data_is_corrupt(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path, nest="")
    result = inspect_zip(zip_path)
    with zipfile.ZipFile(zip_path) as zf:
        info = zf.getinfo("GRBL-Post.SRC")
    data = bytearray(zip_path.read_bytes())
    start = info.header_offset + 30 + len(info.filename)
    data[start + 100 : start + 164] = bytes(64)  # zeros into the deflate stream
    zip_path.write_bytes(bytes(data))
    with pytest.raises(VeriPostError) as caught:
        verify_zip_data(zip_path, result)
    assert caught.value.code == ErrorCode.CORRUPT_ZIP


def test_member_data_past_the_central_directory_is_corrupt(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path, nest="")
    patch_member(zip_path, 0, compress_size=10_000_000, local=False)
    result = inspect_zip(zip_path)
    assert_refused(result, ErrorCode.CORRUPT_ZIP)
    assert "runs past the central directory" in detail_of(result)


def test_overlapping_members_are_corrupt(tmp_path: Path) -> None:
    # The "overlapping files" bomb: two directory entries share one local file.
    zip_path = build_zip(
        tmp_path / "p.zip", [("GRBL-Post.SRC", GRBL_SRC), ("GRBL-Post.LIB", GRBL_SRC)]
    )
    patch_member(zip_path, 1, header_offset=0, local=False)
    result = inspect_zip(zip_path)
    assert_refused(result, ErrorCode.CORRUPT_ZIP)
    assert "overlap" in detail_of(result)


def test_stored_member_with_differing_sizes_is_corrupt(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path, nest="", compression=zipfile.ZIP_STORED)
    patch_member(zip_path, 0, file_size=10)
    assert_refused(inspect_zip(zip_path), ErrorCode.CORRUPT_ZIP)


def test_local_header_name_differing_from_directory_is_corrupt(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path, nest="")
    with zipfile.ZipFile(zip_path) as zf:
        offset = zf.getinfo("GRBL-Post.SRC").header_offset
    data = bytearray(zip_path.read_bytes())
    data[offset + 30 : offset + 30 + 4] = b"EVIL"
    zip_path.write_bytes(bytes(data))
    assert_refused(validate_zip(zip_path), ErrorCode.CORRUPT_ZIP)


def test_encrypted_zip(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path, nest="")
    for index in range(len(GRBL)):
        patch_member(zip_path, index, flag_bits=0x1)
    result = inspect_zip(zip_path)
    assert_refused(result, ErrorCode.ENCRYPTED_ZIP)
    assert "GRBL-Post.SRC" in detail_of(result)


def test_one_encrypted_member_is_enough(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path, nest="")
    patch_member(zip_path, 3, flag_bits=0x41)  # strong encryption
    assert_refused(inspect_zip(zip_path), ErrorCode.ENCRYPTED_ZIP)


@pytest.mark.parametrize(
    ("method", "label"),
    [
        (9, "Deflate64"),
        (6, "PKWARE implode"),
        (10, "PKWARE DCL implode"),
        (98, "PPMd"),
        (93, "Zstandard"),
    ],
)
def test_unsupported_compression(tmp_path: Path, method: int, label: str) -> None:
    zip_path = corpus_package_zip(tmp_path, nest="")
    patch_member(zip_path, 1, method=method)
    result = inspect_zip(zip_path)
    assert_refused(result, ErrorCode.UNSUPPORTED_COMPRESSION)
    assert f"method {method} ({label})" in detail_of(result)


def test_newer_zip_version_is_unsupported(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path, nest="")
    data = bytearray(zip_path.read_bytes())
    with zipfile.ZipFile(zip_path) as zf:
        start = zf.start_dir
    data[start + 6 : start + 8] = (99).to_bytes(2, "little")  # "version needed to extract" 9.9
    zip_path.write_bytes(bytes(data))
    assert_refused(inspect_zip(zip_path), ErrorCode.UNSUPPORTED_COMPRESSION)


def test_split_archive_last_part_by_disk_numbers(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path)
    patch_end_record(zip_path, disk_number=2, cd_disk=2)
    result = inspect_zip(zip_path)
    assert_refused(result, ErrorCode.SPLIT_ARCHIVE)
    assert "disk 2" in detail_of(result)


def test_split_archive_by_zip64_locator(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path)
    add_zip64_end_records(zip_path, total_disks=3)
    assert_refused(inspect_zip(zip_path), ErrorCode.SPLIT_ARCHIVE)


def test_split_archive_by_zip64_record(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path)
    add_zip64_end_records(zip_path, disk_number=1, cd_disk=1)
    assert_refused(inspect_zip(zip_path), ErrorCode.SPLIT_ARCHIVE)


def test_split_archive_first_part(tmp_path: Path) -> None:
    # A .z01 renamed .zip: split signature, local headers, no end record.
    whole = corpus_package_zip(tmp_path / "whole").read_bytes()
    with zipfile.ZipFile(tmp_path / "whole" / "GRBL-Post.zip") as zf:
        start = zf.start_dir
    part = tmp_path / "GRBL-Post.zip"
    part.write_bytes(b"PK\x07\x08" + whole[: start // 2])
    assert_refused(inspect_zip(part), ErrorCode.SPLIT_ARCHIVE)


@pytest.mark.parametrize("name", ["GRBL-Post.z01", "GRBL-Post.Z02", "GRBL-Post.zip.001"])
def test_split_archive_parts_by_name(tmp_path: Path, name: str) -> None:
    assert_refused(
        inspect_zip(corpus_package_zip(tmp_path, zip_name=name)), ErrorCode.SPLIT_ARCHIVE
    )


def test_single_segment_split_marker_is_a_whole_zip(tmp_path: Path) -> None:
    # APPNOTE 8.5.4: a "split" archive that fit one segment is a normal ZIP.
    zip_path = corpus_package_zip(tmp_path, prefix=b"PK00")
    assert_accepted(validate_zip(zip_path))


def test_too_many_members(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path)  # 4 files and one folder
    result = inspect_zip(zip_path, limits=ZipLimits(max_members=4))
    assert_refused(result, ErrorCode.TOO_LARGE)
    assert "limit 4, actual 5" in detail_of(result)
    assert "VERIPOST_LIMITS__MAX_MEMBERS" in detail_of(result)
    assert_accepted(inspect_zip(zip_path, limits=ZipLimits(max_members=5)))


def test_too_many_members_is_refused_from_the_end_record(tmp_path: Path) -> None:
    # A count far over the limit is refused before zipfile parses anything.
    zip_path = corpus_package_zip(tmp_path)
    patch_end_record(zip_path, entries_on_disk=60_000, entries_total=60_000)
    assert_refused(inspect_zip(zip_path), ErrorCode.TOO_LARGE)


def test_total_uncompressed_size_limit(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path)
    total = sum(len(d) for d in GRBL.values())
    result = inspect_zip(zip_path, limits=ZipLimits(max_total_uncompressed=total - 1))
    assert_refused(result, ErrorCode.TOO_LARGE)
    assert f"limit {total - 1:,} bytes, actual {total:,} bytes" in detail_of(result)
    assert_accepted(validate_zip(zip_path, limits=ZipLimits(max_total_uncompressed=total)))


def test_compression_ratio_bomb(tmp_path: Path) -> None:
    zip_path = grbl_with(tmp_path, ("GRBL-Post/zeros.LIB", bytes(4 * 1024 * 1024)))
    result = inspect_zip(zip_path)
    assert_refused(result, ErrorCode.TOO_LARGE)
    assert "GRBL-Post/zeros.LIB" in detail_of(result)
    relaxed = ZipLimits(max_ratio=5000)
    assert_accepted(validate_zip(zip_path, limits=relaxed))
    # Small members may compress as well as they like.
    assert_accepted(inspect_zip(zip_path, limits=ZipLimits(ratio_min_size=4 * 1024 * 1024)))


def test_header_claiming_less_than_the_data_is_too_large(tmp_path: Path) -> None:
    # A bzip2 bomb whose directory claims 1,000 bytes, so no ratio check
    # applies: zipfile's own reader would decompress all of it in one call.
    bomb = Entry("GRBL-Post/x.LIB", bytes(64 * 1024 * 1024), compression=zipfile.ZIP_BZIP2)
    zip_path = grbl_with(tmp_path, bomb)
    patch_member(zip_path, len(GRBL) + 1, file_size=1000)
    result = inspect_zip(zip_path)
    assert_accepted(result)

    tracemalloc.start()
    try:
        with pytest.raises(VeriPostError) as caught:
            verify_zip_data(zip_path, result)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert caught.value.code == ErrorCode.TOO_LARGE
    assert "goes on past the 1,000 bytes" in caught.value.detail
    assert peak < 8 * 1024 * 1024, f"peak {peak:,} bytes"


def test_header_claiming_more_than_the_data_is_corrupt(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path, nest="")
    size = len(GRBL["GRBL-Post.LIB"])
    with zipfile.ZipFile(zip_path) as zf:
        index = zf.namelist().index("GRBL-Post.LIB")
    patch_member(zip_path, index, file_size=size + 500)
    result = validate_zip(zip_path)
    assert_refused(result, ErrorCode.CORRUPT_ZIP)
    assert f"ends after {size:,} of {size + 500:,} bytes" in detail_of(result)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (b"\x99\x99\xff\x00abcd", "Corrupt extra field"),  # says 255 bytes, holds 4
        (b"\x01\x00\x04\x00abcd", "Corrupt zip64 extra field"),  # ZIP64 extra cut short
    ],
    ids=["extra-length", "zip64-extra"],
)
def test_errors_raised_inside_zipfile_are_mapped(
    tmp_path: Path, extra: bytes, message: str
) -> None:
    zip_path = corpus_package_zip(tmp_path, nest="", extra=[Entry("x.LIB", b"data", extra=extra)])
    if extra.startswith(b"\x01\x00"):
        # zipfile only reads a ZIP64 extra for sizes marked 0xFFFFFFFF.
        patch_member(zip_path, len(GRBL), file_size=0xFFFFFFFF, local=False)
    for result in (inspect_zip(zip_path), validate_zip(zip_path)):
        assert_refused(result, ErrorCode.CORRUPT_ZIP)
        assert message in detail_of(result)


# ---- verify_zip_data and open_member_stream -----------------------------------


def test_verify_reports_progress_that_adds_up(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path, junk=True)
    result = inspect_zip(zip_path)
    ticks: list[int] = []
    verify_zip_data(zip_path, result, progress=ticks.append)
    assert sum(ticks) == result.total_size
    assert max(ticks) <= 64 * 1024


def test_verify_can_be_cancelled(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path)
    result = inspect_zip(zip_path)
    calls = 0

    def cancel() -> bool:
        nonlocal calls
        calls += 1
        return calls > 2

    with pytest.raises(VeriPostError) as caught:
        verify_zip_data(zip_path, result, cancel=cancel)
    assert caught.value.code == ErrorCode.CANCELLED


def test_verify_refuses_a_refused_result(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path, drop=["GRBL-Post.SRC"])
    with pytest.raises(VeriPostError) as caught:
        verify_zip_data(zip_path, inspect_zip(zip_path))
    assert caught.value.code == ErrorCode.MISSING_SRC


def test_verify_notices_the_file_changed(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path)
    result = inspect_zip(zip_path)
    corpus_package_zip(tmp_path, "SCL-SW-GRBL-1_1", zip_name="GRBL-Post.zip")  # overwrite
    with pytest.raises(VeriPostError) as caught:
        verify_zip_data(zip_path, result)
    assert caught.value.code == ErrorCode.CORRUPT_ZIP
    zip_path.unlink()
    with pytest.raises(VeriPostError) as caught:
        verify_zip_data(zip_path, result)
    assert caught.value.code == ErrorCode.FILE_NOT_FOUND


def test_verify_enforces_limits_again(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path)
    result = inspect_zip(zip_path)
    with pytest.raises(VeriPostError) as caught:
        verify_zip_data(zip_path, result, limits=ZipLimits(max_total_uncompressed=1000))
    assert caught.value.code == ErrorCode.TOO_LARGE


def test_member_stream_reads_like_an_upload_does(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path, compression=zipfile.ZIP_LZMA)
    result = inspect_zip(zip_path)
    src = result.src_member
    assert src is not None
    with zipfile.ZipFile(zip_path) as zf:
        # minio reads fixed-size parts until it has `length` bytes.
        with closing(open_member_stream(zf, src)) as stream:
            parts: list[bytes] = []
            while (got := sum(map(len, parts))) < src.size:
                parts.append(stream.read(min(5000, src.size - got)))
            assert b"".join(parts) == GRBL_SRC
            assert stream.read(10) == b""
        # Two streams on one ZipFile interleave safely.
        lib = next(m for m in result.members if m.extension == ".LIB")
        with closing(open_member_stream(zf, src)) as a, closing(open_member_stream(zf, lib)) as b:
            got_a, got_b = bytearray(), bytearray()
            while True:
                ca, cb = a.read(777), b.read(555)
                got_a += ca
                got_b += cb
                if not ca and not cb:
                    break
        assert bytes(got_a) == GRBL_SRC and bytes(got_b) == GRBL["GRBL-Post.LIB"]


def test_member_streams_read_in_parallel_threads_through_handles_of_their_own(
    tmp_path: Path,
) -> None:
    # The storing step uploads the members of one ZIP from several threads.
    from concurrent.futures import ThreadPoolExecutor

    zip_path = corpus_package_zip(tmp_path, compression=zipfile.ZIP_STORED)
    result = inspect_zip(zip_path)
    with zipfile.ZipFile(zip_path) as zf:

        def read_small(member: ZipMember) -> bytes:
            out = bytearray()
            with closing(open_member_stream(zf, member)) as stream:
                while chunk := stream.read(97):  # many reads, each one a chance to interleave
                    out += chunk
            return bytes(out)

        members = [m for m in result.members for _ in range(4)]
        with ThreadPoolExecutor(8) as pool:
            got = list(pool.map(read_small, members))
    assert got == [GRBL[m.name] for m in members]
    # Each stream closed its own handle: the ZIP can be removed (Windows too).
    zip_path.unlink()
    assert not zip_path.exists()


def test_member_stream_checks_crc_before_the_last_byte(tmp_path: Path) -> None:
    # An upload that knows the length never reads to EOF, so the last chunk
    # itself must carry the CRC failure.
    zip_path = corpus_package_zip(tmp_path, nest="")
    with zipfile.ZipFile(zip_path) as zf:
        index = zf.namelist().index("GRBL-Post.SRC")
    patch_member(zip_path, index, crc=0)
    result = inspect_zip(zip_path)
    src = result.src_member
    assert src is not None
    with zipfile.ZipFile(zip_path) as zf, closing(open_member_stream(zf, src)) as stream:
        got = 0
        with pytest.raises(VeriPostError) as caught:
            while got < src.size:
                got += len(stream.read(src.size - got))
        assert got < src.size
        assert caught.value.code == ErrorCode.CORRUPT_ZIP
        with pytest.raises(VeriPostError):  # and it stays failed
            stream.read(1)


def test_member_stream_never_yields_more_than_the_header_size(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path, nest="")
    with zipfile.ZipFile(zip_path) as zf:
        index = zf.namelist().index("GRBL-Post.SRC")
    patch_member(zip_path, index, file_size=1000)
    result = inspect_zip(zip_path)
    src = result.src_member
    assert src is not None and src.size == 1000
    got = b""
    with (
        zipfile.ZipFile(zip_path) as zf,
        closing(open_member_stream(zf, src)) as stream,
        pytest.raises(VeriPostError) as caught,
    ):
        while chunk := stream.read(300):
            got += chunk
    assert caught.value.code == ErrorCode.TOO_LARGE
    assert len(got) <= 1000 and GRBL_SRC.startswith(got)


def test_member_stream_refuses_members_over_the_limits(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path)
    result = inspect_zip(zip_path)
    src = result.src_member
    assert src is not None
    with zipfile.ZipFile(zip_path) as zf, pytest.raises(VeriPostError) as caught:
        open_member_stream(zf, src, limits=ZipLimits(max_total_uncompressed=100))
    assert caught.value.code == ErrorCode.TOO_LARGE


def test_member_stream_for_a_member_not_in_the_zip(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path)
    ghost = ZipMember("A.SRC", "A.SRC", 1, 1, ".SRC", "A.SRC")
    with zipfile.ZipFile(zip_path) as zf, pytest.raises(VeriPostError) as caught:
        open_member_stream(zf, ghost)
    assert caught.value.code == ErrorCode.CORRUPT_ZIP


def test_member_stream_works_with_shutil_and_readinto(tmp_path: Path) -> None:
    zip_path = corpus_package_zip(tmp_path, compression=zipfile.ZIP_BZIP2)
    result = inspect_zip(zip_path)
    out = tmp_path / "out.ctl"
    ctl = next(m for m in result.members if m.extension == ".CTL")
    with (
        zipfile.ZipFile(zip_path) as zf,
        closing(open_member_stream(zf, ctl)) as stream,
        out.open("wb") as fh,
    ):
        shutil.copyfileobj(stream, fh)
    assert out.read_bytes() == GRBL["GRBL-Post.ctl"]
    with zipfile.ZipFile(zip_path) as zf, closing(open_member_stream(zf, ctl)) as stream:
        buffer = bytearray(4096)
        assert isinstance(stream, io.RawIOBase)
        assert stream.readinto(buffer) == 4096
        assert bytes(buffer) == GRBL["GRBL-Post.ctl"][:4096]


def test_zero_byte_members_stream_and_verify(tmp_path: Path) -> None:
    zip_path = grbl_with(tmp_path, ("GRBL-Post/empty.ATR", b""))
    result = validate_zip(zip_path)
    assert_accepted(result)
    empty = next(m for m in result.members if m.extension == ".ATR")
    assert read_member(zip_path, empty) == b""


def test_deflate_stream_with_crc_matching_but_trailing_data_is_too_large(tmp_path: Path) -> None:
    # The header gives the size and CRC of the first 1,000 bytes only.
    zip_path = corpus_package_zip(tmp_path, nest="")
    with zipfile.ZipFile(zip_path) as zf:
        index = zf.namelist().index("GRBL-Post.SRC")
    patch_member(zip_path, index, file_size=1000, crc=zlib.crc32(GRBL_SRC[:1000]))
    result = validate_zip(zip_path)
    assert_refused(result, ErrorCode.TOO_LARGE)


# ---- ZIP64 with a member over 4 GiB ----------------------------------------


@pytest.mark.slow
def test_member_over_4_gib_is_streamed_in_bounded_memory(tmp_path: Path) -> None:
    size = 4 * 1024**3 + 5 * 1024**2
    zip_path = write_zip64_zeros(
        tmp_path / "huge.zip", "huge/HUGE.LIB", size, companions={"huge/HUGE.SRC": GRBL_SRC}
    )
    # Level-1 deflate of zeros is about 230:1; the default 200:1 would refuse it.
    limits = ZipLimits(max_ratio=2000)
    result = inspect_zip(zip_path, limits=limits)
    assert_accepted(result)
    huge = next(m for m in result.members if m.name == "HUGE.LIB")
    assert huge.size == size

    read = 0

    def progress(n: int) -> None:
        nonlocal read
        read += n

    tracemalloc.start()
    try:
        verify_zip_data(zip_path, result, limits=limits, progress=progress)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert read == size + len(GRBL_SRC)
    assert peak < 4 * 1024 * 1024, f"peak {peak:,} bytes"


# ---- robustness and documentation ---------------------------------------------


def test_name_flagged_utf8_but_not_utf8_is_an_invalid_filename(tmp_path: Path) -> None:
    zip_path = build_zip(
        tmp_path / "p.zip",
        [("GRBL-Post.SRC", GRBL_SRC), Entry.raw(b"\xff\xfeX.LIB", b"data", utf8_flag=True)],
    )
    result = inspect_zip(zip_path)
    assert_refused(result, ErrorCode.INVALID_FILENAME)
    assert "not valid UTF-8" in detail_of(result)


def test_a_bug_comes_back_as_internal_error_not_an_exception(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(path_in_zip: str) -> str:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr("veripost_desktop.core.zip_validation.inspection.flatten_name", broken)
    result = inspect_zip(corpus_package_zip(tmp_path))
    assert result.error is not None and result.error.code == ErrorCode.INTERNAL_ERROR
    assert "simulated bug" in result.error.detail


def test_long_detail_lists_are_capped(tmp_path: Path) -> None:
    members = [("GRBL-Post.SRC", GRBL_SRC)] + [(f"n{i}.txt", b"") for i in range(250)]
    result = inspect_zip(build_zip(tmp_path / "p.zip", members))
    assert result.error is not None
    assert "n199.txt" in result.error.detail and "n200.txt" not in result.error.detail
    assert result.error.detail.endswith("... and 50 more")


def test_error_codes_doc_covers_every_code_and_message() -> None:
    from veripost_desktop.core.zip_validation import limit_checks, refusals

    doc = (Path(__file__).resolve().parents[2] / "docs" / "ERROR_CODES.md").read_text("utf-8")
    errors = [
        refusals.file_not_found(Path("x"), ""),
        refusals.not_a_zip(Path("x"), ""),
        refusals.corrupt(Path("x"), ""),
        refusals.changed_since_checked(""),
        refusals.split_archive(Path("x"), ""),
        refusals.empty_zip([]),
        refusals.encrypted([]),
        refusals.symlinks([]),
        refusals.unsupported_compression([]),
        refusals.invalid_names([]),
        refusals.nested_zip([]),
        refusals.unrecognized_extensions([], UPG_EXTENSIONS),
        refusals.duplicates([]),
        refusals.missing_src([]),
        refusals.empty_src([]),
        refusals.more_data_than_header(""),
        refusals.cancelled(),
        limit_checks.ratio([]),
    ]
    errors += [
        e
        for e in (
            limit_checks.member_count(2, ZipLimits(max_members=1)),
            limit_checks.total_size(2, ZipLimits(max_total_uncompressed=1)),
        )
        if e is not None
    ]
    for error in errors:
        assert f"`{error.code}`" in doc
        assert error.message in doc, error.message
    for field in ZipLimits.model_fields:
        assert f"VERIPOST_LIMITS__{field.upper()}" in doc
