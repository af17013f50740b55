"""Property-based and fuzz tests of ZIP validation.

Generated ZIP structures must end either accepted with exactly the expected
flattened files, or refused with the code the documented order of checks
gives; mutated bytes of real package ZIPs must never make validation raise.
"""

from __future__ import annotations

import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.core.zip_factory import Entry, add_zip64_end_records, build_zip, corpus_files
from veripost_desktop.core.config import UPG_EXTENSIONS, ZipLimits
from veripost_desktop.core.errors import ErrorCode
from veripost_desktop.core.zip_validation import flatten_name, inspect_zip, validate_zip

# The codes a ZIP on disk may be refused with (file_not_found cannot happen here).
ZIP_CODES = frozenset(
    {
        ErrorCode.NOT_A_ZIP,
        ErrorCode.EMPTY_ZIP,
        ErrorCode.UNRECOGNIZED_EXTENSION,
        ErrorCode.MISSING_SRC,
        ErrorCode.CORRUPT_ZIP,
        ErrorCode.ENCRYPTED_ZIP,
        ErrorCode.UNSUPPORTED_COMPRESSION,
        ErrorCode.SPLIT_ARCHIVE,
        ErrorCode.TOO_LARGE,
        ErrorCode.DUPLICATE_FILENAME,
        ErrorCode.INVALID_FILENAME,
        ErrorCode.SYMLINK_MEMBER,
        ErrorCode.EMPTY_SRC,
        ErrorCode.NESTED_ZIP,
    }
)
# The package rules in the order inspect_zip applies them (docs/ERROR_CODES.md).
PACKAGE_RULE_ORDER = (
    ErrorCode.INVALID_FILENAME,
    ErrorCode.NESTED_ZIP,
    ErrorCode.UNRECOGNIZED_EXTENSION,
    ErrorCode.DUPLICATE_FILENAME,
    ErrorCode.MISSING_SRC,
    ErrorCode.EMPTY_SRC,
)
METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)
ACCEPTED = {e.upper() for e in UPG_EXTENSIONS}

GRBL = corpus_files("GRBL-Post")
SCL = corpus_files("SCL-SW-GRBL-1_1")
# Real bytes to put in members; small slices keep each example fast.
SNIPPETS = [
    GRBL["GRBL-Post.SRC"][:700],
    GRBL["GRBL-Post.LIB"],
    GRBL["GRBL-Post.ctl"][:2000],
    SCL["SCL-SW-GRBL-1_1.lng"][:900],
    SCL["SCL-SW-GRBL-1_1.SRC"][-500:],
]
DATA = st.sampled_from([b"", *SNIPPETS])
NON_EMPTY_DATA = st.sampled_from(SNIPPETS)


@dataclass(frozen=True)
class Spec:
    """One generated member and what it should turn into."""

    path: str
    data: bytes
    method: int
    name: str | None  # the flattened name; None for folders and junk
    invalid: bool = False


def _case(text: str, draw: st.DrawFn) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.swapcase() if f else c for c, f in zip(text, flips, strict=True))


SEGMENT = st.one_of(
    st.text(alphabet="abcXYZ019-_ \u00c4\u00e9", min_size=1, max_size=8),
    st.sampled_from(["..", ".", "GRBL-Post", "Posts"]),
)
ROOT = st.sampled_from(["", "", "", "/", "\\", "C:/", "C:\\", "../", "..\\", "D:"])
STEM = st.text(alphabet="ABCabcxyz0129-_\u00c4\u00df", min_size=1, max_size=10)
OTHER_EXTENSIONS = [".txt", ".pdf", ".zip", ".ZIP", ".Zip", ".docx", ""]
INVALID_NAMES = ["CON.SRC", "nul.lib", "Com3.CTL", ".SRC", ".lng", "a\x01b.SRC", "x.LIB.", "y.KIN "]
JUNK_NAMES = [".DS_Store", "Thumbs.db", "THUMBS.DB", "desktop.ini", "._GRBL-Post.SRC"]


ALL_KINDS = ("file", "file", "file", "file", "other", "invalid", "junk", "dir", "mac")
CLEAN_KINDS = ("file", "file", "file", "junk", "dir", "mac")
SKIPPED_KINDS = ("junk", "dir", "mac")


@st.composite
def member_specs(draw: st.DrawFn, kinds: tuple[str, ...] = ALL_KINDS) -> Spec:
    sep = draw(st.sampled_from(["/", "\\"]))
    folders = draw(st.lists(SEGMENT, max_size=4))
    root = draw(ROOT)
    prefix = root + "".join(f + sep for f in folders)
    method = draw(st.sampled_from(METHODS))
    kind = draw(st.sampled_from(kinds))
    if kind == "dir":
        folders = folders or ["GRBL-Post"]
        return Spec(root + "".join(f + sep for f in folders), b"", method, None)
    if kind == "mac":
        mac = root + "__MACOSX" + sep + "".join(f + sep for f in folders) + "._x.SRC"
        return Spec(mac, draw(DATA), method, None)
    if kind == "junk":
        return Spec(prefix + draw(st.sampled_from(JUNK_NAMES)), draw(DATA), method, None)
    if kind == "invalid":
        name = draw(st.sampled_from(INVALID_NAMES))
        return Spec(prefix + name, draw(DATA), method, name, invalid=True)
    stem = draw(STEM)
    if kind == "src":
        ext = _case(".SRC", draw)
    elif kind == "other":
        ext = draw(st.sampled_from(OTHER_EXTENSIONS))
    else:
        ext = _case(draw(st.sampled_from(sorted(ACCEPTED))), draw)
    name = stem + ext
    data = draw(NON_EMPTY_DATA if kind == "src" else DATA)
    return Spec(prefix + name, data, method, name)


@st.composite
def structures(draw: st.DrawFn) -> list[Spec]:
    """Whole ZIPs: mostly plausible packages (so acceptance is common), some
    hostile mixes, some with nothing but folders and junk, some duplicates."""
    mode = draw(st.sampled_from(["package"] * 3 + ["hostile"] * 3 + ["skipped-only", "duplicate"]))
    kinds = {"hostile": ALL_KINDS, "skipped-only": SKIPPED_KINDS}.get(mode, CLEAN_KINDS)
    specs = draw(st.lists(member_specs(kinds), min_size=2 if mode == "hostile" else 0, max_size=8))
    if mode in ("package", "duplicate"):
        at = draw(st.integers(0, len(specs)))
        specs.insert(at, draw(member_specs(("src",))))
    files = [s for s in specs if s.name is not None]
    if mode == "duplicate" and files:
        original = draw(st.sampled_from(files))
        assert original.name is not None
        twin = _case(original.name, draw)
        specs.append(Spec(f"copy{draw(st.integers(0, 9))}/{twin}", b"*", original.method, twin))
    return specs


def expected_code(specs: list[Spec]) -> ErrorCode | None:
    """The refusal the documented rules give, from what the generator built."""
    files = [s for s in specs if s.name is not None]
    if not files:
        return ErrorCode.EMPTY_ZIP
    assert all(s.name is not None for s in files)
    names = [s.name for s in files if s.name is not None]

    def ext(n: str) -> str:
        return n[n.rfind(".") :].upper() if n.rfind(".") > 0 else ""

    keys = [unicodedata.normalize("NFC", n).lower() for n in names]
    found = {
        ErrorCode.INVALID_FILENAME: any(s.invalid for s in files),
        ErrorCode.NESTED_ZIP: any(ext(n) == ".ZIP" for n in names),
        ErrorCode.UNRECOGNIZED_EXTENSION: any(ext(n) not in ACCEPTED for n in names),
        ErrorCode.DUPLICATE_FILENAME: len(set(keys)) != len(keys),
        ErrorCode.MISSING_SRC: not any(ext(n) == ".SRC" for n in names),
        ErrorCode.EMPTY_SRC: any(ext(s.name or "") == ".SRC" and not s.data for s in files),
    }
    return next((code for code in PACKAGE_RULE_ORDER if found[code]), None)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("zip-properties")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=structures())
def test_generated_structures_are_accepted_or_refused_by_the_rules(
    workdir: Path, specs: list[Spec]
) -> None:
    zip_path = build_zip(
        workdir / "generated.zip", [Entry(s.path, s.data, compression=s.method) for s in specs]
    )
    inspected = inspect_zip(zip_path)
    validated = validate_zip(zip_path)
    expected = expected_code(specs)
    event(f"expected: {expected or 'accepted'}")

    if expected is None:
        assert inspected.error is None, inspected.error
        assert validated.error is None, validated.error
        files = [s for s in specs if s.name is not None]
        assert [m.name for m in validated.members] == [s.name for s in files]
        assert [m.path_in_zip for m in validated.members] == [s.path for s in files]
        assert [m.size for m in validated.members] == [len(s.data) for s in files]
        assert validated.src_member is not None
        assert set(validated.skipped) == {s.path for s in specs if s.name is None}
    else:
        assert inspected.error is not None and inspected.error.code == expected, (
            expected,
            inspected.error,
        )
        assert validated.error == inspected.error
        assert inspected.members == () and validated.members == ()


@settings(max_examples=300, deadline=None)
@given(path=st.text(alphabet="ab.\\/:C \u00c4\x00", max_size=20))
def test_flatten_name_keeps_only_the_last_component(path: str) -> None:
    name = flatten_name(path)
    assert "/" not in name and "\\" not in name
    assert path.endswith(name)
    last = path.replace("\\", "/").rsplit("/", 1)[-1]
    assert name in {last, last[2:]}


@settings(max_examples=100, deadline=None)
@given(content=st.binary(max_size=600))
def test_arbitrary_bytes_never_raise(workdir: Path, content: bytes) -> None:
    path = workdir / "arbitrary.zip"
    path.write_bytes(content)
    for result in (inspect_zip(path), validate_zip(path)):
        assert result.error is not None and result.error.code in ZIP_CODES, result.error


# ---- fuzzing mutated real packages ------------------------------------------


@dataclass(frozen=True)
class Base:
    data: bytes
    start_dir: int
    header_offsets: tuple[int, ...]


def _base(path: Path) -> Base:
    with zipfile.ZipFile(path) as zf:
        offsets = tuple(i.header_offset for i in zf.infolist())
        start_dir = zf.start_dir
    result = validate_zip(path)
    assert result.ok, result.error
    return Base(path.read_bytes(), start_dir, offsets)


@pytest.fixture(scope="module")
def bases(workdir: Path) -> list[Base]:
    """Real packages built from the corpus, one per compression method, plus
    folders, junk, a comment and ZIP64 end records."""
    out = []
    for method in METHODS:
        members = [("GRBL-Post/", b"")]
        members += [(f"GRBL-Post/{n}", d) for n, d in GRBL.items()]
        members += [("__MACOSX/GRBL-Post/._GRBL-Post.SRC", b"\x00\x05\x16\x07")]
        path = build_zip(workdir / f"base{method}.zip", members, compression=method, comment=b"c")
        out.append(_base(path))
    zip64 = build_zip(workdir / "base64.zip", [(n, d[:3000]) for n, d in SCL.items()])
    add_zip64_end_records(zip64)
    out.append(_base(zip64))
    return out


@st.composite
def mutations(draw: st.DrawFn, base: Base) -> bytes:
    data = bytearray(base.data)
    for _ in range(draw(st.integers(1, 4))):
        size = len(data)
        if size == 0:
            break
        # Aim at the structures as often as at the data: the headers, the
        # central directory and the end records are where parsers break.
        region = draw(st.sampled_from(["any", "local", "directory", "end"]))
        if region == "local":
            start = draw(st.sampled_from(base.header_offsets))
            pos = min(start + draw(st.integers(0, 45)), size - 1)
        elif region == "directory":
            pos = draw(st.integers(min(base.start_dir, size - 1), size - 1))
        elif region == "end":
            pos = draw(st.integers(max(0, size - 120), size - 1))
        else:
            pos = draw(st.integers(0, size - 1))
        op = draw(st.sampled_from(["flip", "flip", "set", "truncate", "insert", "delete"]))
        if op == "flip":
            data[pos] ^= draw(st.integers(1, 255))
        elif op == "set":
            data[pos : pos + 4] = draw(st.sampled_from([b"\xff\xff\xff\xff", b"\0\0\0\0", b"PK"]))
        elif op == "truncate":
            del data[pos:]
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=8))
        else:
            del data[pos : pos + draw(st.integers(1, 16))]
    return bytes(data)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_mutated_real_packages_never_raise(
    workdir: Path, bases: list[Base], data: st.DataObject
) -> None:
    base = data.draw(st.sampled_from(bases))
    mutated = data.draw(mutations(base))
    path = workdir / "mutated.zip"
    path.write_bytes(mutated)
    # Small limits too, so the bound checks meet damaged sizes and counts.
    for limits in (None, ZipLimits(max_members=5, max_total_uncompressed=150_000)):
        inspected = inspect_zip(path, limits=limits)
        validated = validate_zip(path, limits=limits)
        for result in (inspected, validated):
            assert result.error is None or result.error.code in ZIP_CODES, result.error.detail
        event(f"validate: {validated.error.code if validated.error else 'accepted'}")
        if not inspected.ok:
            assert validated.error == inspected.error
        if validated.ok:
            assert inspected.ok and validated.src_member is not None
