"""Benchmark compare and similar posts (issue 13).

1. **compare**: two ~1 MB sources grown from the real corpus files (each
   with its .LIB), B edited as a customer edits a post: ``<N>`` removed from
   a tenth of the lines, a few sections commented out, renamed, reworded.
   Timed in memory (``compare_posts``: the engine) and through the catalog
   and a local store (``compare``: reading both packages back, SHA-256
   checked), plus the HTML report.
2. **section hashes at parse time**: what ``section_hashes`` adds to the
   reading of a 1 MB source.
3. **similar**: ``rank_similar`` over a catalog of ``--packages`` (10,000)
   ready packages, each the section hashes of a real post (GRBL-Post or
   SCL-SW-GRBL-1_1) with a random part of its sections changed, dropped or
   added, written straight into the hash tables.

    .venv/bin/python bench/bench_compare.py [--packages 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import random
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_parser import synthetic_source  # noqa: E402

from veripost_desktop.core.catalog import Catalog  # noqa: E402
from veripost_desktop.core.catalog.section_hashes import write_section_hashes  # noqa: E402
from veripost_desktop.core.compare import compare, compare_posts, rank_similar, render_html  # noqa: E402
from veripost_desktop.core.compare.model import Side  # noqa: E402
from veripost_desktop.core.compare.package_sources import PostFile, PostSource  # noqa: E402
from veripost_desktop.core.config import Settings  # noqa: E402
from veripost_desktop.core.services import open_services  # noqa: E402
from veripost_desktop.core.upg import analyse_package  # noqa: E402
from veripost_desktop.core.upg.models import SectionHash  # noqa: E402
from veripost_desktop.core.upg.section_identity import section_hashes  # noqa: E402
from veripost_desktop.core.upg.text_decoding import decode_text, split_lines  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus" / "upg"
POSTS = ("GRBL-Post", "SCL-SW-GRBL-1_1")
MB = 1024 * 1024


def best_time(run: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def _lines(path: Path) -> list[str]:
    return path.read_bytes().decode("cp1252").splitlines()


def grown_pair(size: int, rng: random.Random) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """Two packages' .SRC and .LIB: A grown to ``size`` bytes, B an edited copy."""
    srcs = [_lines(CORPUS / p / f"{p}.SRC") for p in POSTS]
    libs = [_lines(CORPUS / p / f"{p}.LIB") for p in POSTS]
    per_line = 31  # about the corpus' bytes per line
    src_a = synthetic_source(srcs, size // per_line)
    lib_a = synthetic_source(libs, size // 4 // per_line)
    out = []
    for line in src_a.decode("cp1252").split("\r\n"):
        roll = rng.random()
        if "<N>" in line and roll < 0.1:
            line = line.replace("<N>", "", 1)
        elif line.startswith(":SECTION=") and roll < 0.01:
            line = "*" + line  # commented out
        elif line.startswith(":SECTION=") and roll < 0.02:
            line = line.replace(":SECTION=", ":SECTION=RENAMED_", 1)
        elif line.startswith(":T:(") and roll < 0.05:
            line = ":T:(Edited for the customer)<EOL>"
        out.append(line)
    src_b = "\r\n".join(out).encode("cp1252")
    a = {"BENCH.SRC": src_a, "BENCH.LIB": lib_a}
    b = {"BENCH.SRC": src_b, "BENCH.LIB": lib_a.replace(b"<N>", b"")}
    return a, b


def as_post(name: str, files: dict[str, bytes]) -> PostSource:
    return PostSource(
        Side(None, name, None),
        tuple(
            PostFile(n, "." + n.rpartition(".")[2].upper(), hashlib.sha256(d).hexdigest(), d)
            for n, d in files.items()
        ),
    )


def bench_compare(repeat: int, rng: random.Random) -> None:
    a, b = grown_pair(MB, rng)
    sizes = ", ".join(f"{n} {len(d) / MB:.2f} MB" for n, d in a.items())
    pa, pb = as_post("A", a), as_post("B", b)
    comparison = compare_posts(pa, pb)
    counts = ", ".join(f"{n} {k}" for k, n in comparison.counts().items() if n)
    print(f"compare: A {sizes}; {comparison.unchanged_sections} sections equal, {counts}")
    print(f"  patterns: {'; '.join(f'{p.description} x{p.count}' for p in comparison.patterns)}")
    in_memory = best_time(lambda: compare_posts(pa, pb), repeat)
    print(f"  compare_posts (in memory)        {in_memory:.3f} s")
    html = best_time(lambda: render_html(comparison), repeat)
    print(f"  render_html                      {html:.3f} s")
    with tempfile.TemporaryDirectory() as tmp:
        services = open_services(Settings(data_dir=Path(tmp) / "data", parse_workers=0))
        ids = []
        for name, files in (("A", a), ("B", b)):
            path = Path(tmp) / f"{name}.zip"
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
                for n, d in files.items():
                    zf.writestr(n, d)
            outcome = services.pipeline.ingest(path, add_duplicates=True)
            assert outcome.package is not None and outcome.ok, outcome.error
            ids.append(outcome.package.id)

        def stored() -> object:
            return compare(services.catalog, services.store, ids[0], ids[1], services.settings)

        print(f"  compare (catalog + local store)  {best_time(stored, repeat):.3f} s")
        services.close()

    text = decode_text(a["BENCH.SRC"], "BENCH.SRC").text
    lines = split_lines(text)
    hashed = best_time(lambda: section_hashes(lines), repeat)
    full = best_time(lambda: analyse_package(a), repeat)
    print(
        f"parse time: analyse_package of the {len(a['BENCH.SRC']) / MB:.2f} MB .SRC + .LIB "
        f"{full:.3f} s, of which the .SRC's section hashes {hashed:.3f} s"
    )


def _base_hashes() -> list[list[SectionHash]]:
    out = []
    for post in POSTS:
        files = {p.name: p.read_bytes() for p in (CORPUS / post).iterdir()}
        out.append(list(analyse_package(files).section_hashes))
    return out


def _variant(base: list[SectionHash], rng: random.Random) -> list[SectionHash]:
    """The post with a random share of its sections edited, dropped or added."""
    share = rng.choice((0.0, 0.02, 0.1, 0.3, 0.6))
    out = []
    for h in base:
        roll = rng.random()
        if roll < share / 3:
            continue  # dropped
        if roll < share:
            h = SectionHash(h.file_role, h.key, h.active, f"{rng.getrandbits(256):064x}")
        out.append(h)
    for n in range(rng.randint(0, 5)):
        out.append(SectionHash("src", f"EXTRA_{n}", True, f"{rng.getrandbits(256):064x}"))
    return out


def bench_similar(packages: int, repeat: int, rng: random.Random) -> None:
    bases = _base_hashes()
    with tempfile.TemporaryDirectory() as tmp:
        catalog = Catalog(Path(tmp) / "catalog.sqlite3")
        start = time.perf_counter()
        records = catalog.create_packages(
            (f"P{i:05d}", f"P{i:05d}.zip", 0, 0) for i in range(packages)
        )
        rows = 0
        with catalog.write_engine.begin() as conn:
            conn.exec_driver_sql("UPDATE packages SET status = 'ready'")
            for i, record in enumerate(records):
                hashes = _variant(bases[i % 2], rng)
                rows += len(hashes)
                write_section_hashes(conn, record.id, hashes)
        size = (Path(tmp) / "catalog.sqlite3").stat().st_size
        print(
            f"similar: {packages:,} ready packages, {rows:,} hash rows "
            f"(written in {time.perf_counter() - start:.1f} s; catalog {size / MB:.0f} MB)"
        )
        target = records[0].id
        ranked = rank_similar(catalog, target, 10)
        top = ", ".join(f"{p.name} {p.similarity:.2f}" for p in ranked[:3])
        print(f"  top: {top}")
        for limit in (20, None):
            t = best_time(lambda limit=limit: rank_similar(catalog, target, limit), repeat)
            print(f"  rank_similar(limit={limit})  {t:.3f} s")
        catalog.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--packages", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", choices=("compare", "similar"))
    args = parser.parse_args(argv)
    rng = random.Random(13)
    if args.only in (None, "compare"):
        bench_compare(args.repeat, rng)
    if args.only in (None, "similar"):
        bench_similar(args.packages, args.repeat, rng)
    return 0


if __name__ == "__main__":
    sys.exit(main())
