"""The benchmark's packages, generated from the real UPG files in the corpus.

Every package is one real post (GRBL-Post or SCL-SW-GRBL-1_1) grown to a
realistic size and given 6 to 10 files: its .SRC and .LIB repeated with
renamed sections (``bench_parser.synthetic_source``), its compiled .ctl
repeated with a few bytes changed per copy (binary, so it compresses like the
real one), its .lng grown with more prompt lines, the Tormach .KIN and .PINF
adapted, and some of: an .ATR, .lng language variants, a second .KIN, a
second .PINF. No two ZIPs are byte-identical.

The result is cached under the output folder with a manifest; a second run
with the same spec reuses it (``--fresh`` regenerates).
"""

from __future__ import annotations

import json
import math
import random
import re
import zipfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from bench_parser import synthetic_source

MIB = 1024 * 1024
POSTS = ("GRBL-Post", "SCL-SW-GRBL-1_1")
COMPANIONS = "tormach-pcnc1100-parts"
_LNG_LINE = re.compile(rb"^(.{70}):\d{4}:\r?$")
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class CorpusSpec:
    packages: int = 200
    big_members_mb: tuple[int, ...] = (100, 500)
    directory_members: int = 10_000
    seed: int = 6

    @property
    def folder_name(self) -> str:
        big = "-".join(str(m) for m in self.big_members_mb)
        return f"corpus-p{self.packages}-b{big}-m{self.directory_members}-s{self.seed}"


@dataclass(frozen=True)
class Corpus:
    root: Path
    packages: list[Path]  # the ingestion packages, 6 to 10 files each
    tiny: Path  # the real GRBL-Post package as it is: the "empty run"
    big: dict[int, Path]  # member size in MB -> a package with one member that big
    many_members: Path  # a ZIP of ``directory_members`` members

    @property
    def package_bytes(self) -> int:
        """Uncompressed bytes of the ingestion packages."""
        total = 0
        for path in self.packages:
            with zipfile.ZipFile(path) as zf:
                total += sum(i.file_size for i in zf.infolist())
        return total

    @property
    def package_member_count(self) -> int:
        count = 0
        for path in self.packages:
            with zipfile.ZipFile(path) as zf:
                count += sum(not i.is_dir() for i in zf.infolist())
        return count


# ---- the real files ---------------------------------------------------------


@dataclass(frozen=True)
class _Post:
    name: str
    src: list[str]
    lib: list[str]
    ctl: bytes
    lng: list[bytes]  # prompt lines without their number: 70 padded characters


def _lines(path: Path) -> list[str]:
    return path.read_bytes().decode("cp1252").splitlines()


def _load_post(upg: Path, name: str) -> _Post:
    folder = upg / name
    lng = []
    for line in (folder / f"{name}.lng").read_bytes().splitlines():
        match = _LNG_LINE.match(line)
        if match:
            lng.append(match.group(1))
    return _Post(
        name=name,
        src=_lines(folder / f"{name}.SRC"),
        lib=_lines(folder / f"{name}.LIB"),
        ctl=(folder / f"{name}.ctl").read_bytes(),
        lng=lng,
    )


# ---- file contents ----------------------------------------------------------


def _log_uniform(rng: random.Random, low: int, high: int) -> int:
    return int(math.exp(rng.uniform(math.log(low), math.log(high))))


def _grown_source(files: list[list[str]], size: int, tag: str) -> bytes:
    """The first file, then all of them again and again (sections renamed per
    copy), to about ``size`` bytes. A cycle longer than deflate's 32 KB window
    keeps the compression ratio that of one real file."""
    lines = [x for f in files for x in f]
    per_line = max(1, sum(len(x) + 2 for x in lines) // max(1, len(lines)))
    count = max(len(files[0]), size // per_line)
    data = synthetic_source(files, count)
    first, _, rest = data.partition(b"\r\n")
    return first + b"\r\n" + f"* {tag}\r\n".encode("cp1252") + rest


def _binary_copies(ctl: bytes, rng: random.Random) -> Iterator[bytes]:
    """Copies of a compiled post, each with a few bytes changed: binary data
    that compresses like the real file (deflate's window is 32 KB, a copy is
    ~115 KB, so the copies do not shrink each other)."""
    while True:
        copy = bytearray(ctl)
        for _ in range(64):
            copy[rng.randrange(len(copy))] = rng.randrange(256)
        yield bytes(copy)


def _binary(ctl: bytes, size: int, rng: random.Random) -> bytes:
    out = bytearray(ctl)
    copies = _binary_copies(ctl, rng)
    while len(out) < size:
        out += next(copies)
    return bytes(out[:size])


def _language(prompts: list[bytes], size: int, prefix: bytes = b"") -> bytes:
    lines = []
    total = 0
    number = 0
    while total < size or number < len(prompts):
        text = (prefix + prompts[number % len(prompts)].rstrip()).ljust(70)[:70]
        number += 1
        line = text + b":%04d:\r\n" % (number % 10_000)
        lines.append(line)
        total += len(line)
    return b"".join(lines)


def _kinematics(template: bytes, rng: random.Random) -> bytes:
    out = []
    for line in template.splitlines():
        value, sep, rest = line.partition(b" * ")
        if sep and b"." in value and rng.random() < 0.3:
            value = b"%.6f" % (float(value) + rng.uniform(-50, 50))
        out.append(value + sep + rest)
    return b"\r\n".join(out) + b"\r\n"


def _post_info(template: bytes, name: str, variant: str = "") -> bytes:
    text = template.decode("cp1252").replace("Tormach PCNC1100 Series 3", name + variant)
    return (text.rstrip("\r\n") + f"\r\nShortInfo = {name}{variant} setup\r\n").encode("cp1252")


def _attributes(count: int, rng: random.Random) -> bytes:
    kinds = ("VALUE", "LIST", "SELECT", "DESCRIPTOR")
    lines = [f":IDHIGH={count}"]
    for n in range(1, count + 1):
        lines += [
            f":ATTRID={n}",
            f":ATTRNAME=BENCH ATTRIBUTE {n}",
            f":ATTRTYPE={rng.choice(kinds)}",
            f":ATTRDEFAULT={rng.randint(0, 9999)}",
            f":ATTRPROMPT=Benchmark attribute number {n}",
            ":ATTREND",
        ]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


# ---- packages ---------------------------------------------------------------


def _package_files(
    post: _Post, other: _Post, companions: dict[str, bytes], index: int, rng: random.Random
) -> dict[str, bytes]:
    name = f"P{index:04d}-{post.name}"
    tag = f"Generated for the VeriPost benchmark: package {index}"
    src_size = _log_uniform(rng, 30_000, 1_500_000)
    lib_size = _log_uniform(rng, 8_000, 400_000)
    files = {
        f"{name}.SRC": _grown_source([post.src, other.src], src_size, tag),
        f"{name}.LIB": _grown_source([post.lib, other.lib, post.src], lib_size, tag),
        f"{name}.ctl": _binary(post.ctl, _log_uniform(rng, 115_000, 2_500_000), rng),
        f"{name}.lng": _language(post.lng, _log_uniform(rng, 13_000, 120_000)),
        f"{name}.KIN": _kinematics(companions["kin"], rng),
        f"{name}.PINF": _post_info(companions["pinf"], name),
    }
    extras = {
        f"{name}.ATR": lambda: _attributes(_log_uniform(rng, 30, 2_000), rng),
        f"{name}_DE.lng": lambda: _language(post.lng, 20_000, b"DE "),
        f"{name}_FR.lng": lambda: _language(post.lng, 20_000, b"FR "),
        f"{name}_5AX.KIN": lambda: _kinematics(companions["kin"], rng),
        f"{name}_METRIC.PINF": lambda: _post_info(companions["pinf"], name, " metric"),
    }
    for extra in rng.sample(sorted(extras), rng.randint(6, 10) - len(files)):
        files[extra] = extras[extra]()
    return files


def _write_zip(path: Path, files: dict[str, bytes], folder: str) -> None:
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(f"{folder}/{name}" if folder else name, data)
    tmp.replace(path)


def _write_big_package(path: Path, post: _Post, size: int, rng: random.Random) -> None:
    """A real small package plus one binary .CTL of exactly ``size`` bytes, streamed."""
    tmp = path.with_suffix(".tmp")
    name = f"BIG-{size // MIB}MB-{post.name}"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr(f"{name}.SRC", "\r\n".join(post.src).encode("cp1252"))
        zf.writestr(f"{name}.lng", _language(post.lng, 0))
        with zf.open(f"{name}.ctl", "w", force_zip64=True) as out:
            left = size
            for copy in _binary_copies(post.ctl, rng):
                piece = copy[:left]
                out.write(piece)
                left -= len(piece)
                if not left:
                    break
    tmp.replace(path)


def _write_many_members(path: Path, post: _Post, count: int, kin: bytes) -> None:
    """One .SRC and ``count - 1`` small companion files, all names distinct."""
    tmp = path.with_suffix(".tmp")
    extensions = (".KIN", ".PINF", ".lng", ".ATR", ".LIB", ".ctl")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("MANY/MANY.SRC", "\r\n".join(post.src).encode("cp1252"))
        for n in range(1, count):
            zf.writestr(f"MANY/part{n:05d}{extensions[n % len(extensions)]}", kin)
    tmp.replace(path)


def build_corpus(upg: Path, out: Path, spec: CorpusSpec, *, fresh: bool = False) -> Corpus:
    root = out / spec.folder_name
    manifest = root / MANIFEST
    posts = [_load_post(upg, name) for name in POSTS]
    packages_dir = root / "packages"
    corpus = Corpus(
        root=root,
        packages=[
            packages_dir / f"P{i:04d}-{posts[i % len(posts)].name}.zip"
            for i in range(1, spec.packages + 1)
        ],
        tiny=root / "tiny-GRBL-Post.zip",
        big={mb: root / f"big-{mb}MB.zip" for mb in spec.big_members_mb},
        many_members=root / f"many-{spec.directory_members}.zip",
    )
    if not fresh and manifest.is_file() and manifest.read_text() == json.dumps(asdict(spec)):
        return corpus
    manifest.unlink(missing_ok=True)
    packages_dir.mkdir(parents=True, exist_ok=True)

    companion_dir = upg / COMPANIONS
    companions = {
        "kin": next(companion_dir.glob("*.kin")).read_bytes(),
        "pinf": next(companion_dir.glob("*.PINF")).read_bytes(),
    }
    for i, path in enumerate(corpus.packages, start=1):
        rng = random.Random(spec.seed * 1_000_003 + i)
        post, other = posts[i % len(posts)], posts[(i + 1) % len(posts)]
        files = _package_files(post, other, companions, i, rng)
        # Half as "Send to > Compressed folder" makes them, half flat.
        _write_zip(path, files, path.stem if i % 2 else "")

    grbl = upg / POSTS[0]
    _write_zip(corpus.tiny, {p.name: p.read_bytes() for p in sorted(grbl.iterdir())}, "")
    for mb, path in corpus.big.items():
        _write_big_package(path, posts[0], mb * MIB, random.Random(spec.seed + mb))
    _write_many_members(corpus.many_members, posts[0], spec.directory_members, companions["kin"])
    manifest.write_text(json.dumps(asdict(spec)))
    return corpus
