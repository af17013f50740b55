"""Search in posts (issue 14): query times, index size, and what the index
costs ingestion - all measured in one run.

    .venv/bin/python bench/search_bench.py                  # 10,000 packages (long: see below)
    .venv/bin/python bench/search_bench.py --packages 1000  # what docs/BENCHMARKS.md records
    .venv/bin/python bench/search_bench.py --quick          # 100 packages, 20 to ingest: CI-sized

1. **Index**: ``--packages`` packages from the benchmark's generator
   (``corpus._package_files``: the same files, sizes and seeds as the ZIPs of
   the ingestion figures), each read by ``indexed_texts`` (what the parse
   process does) and written by ``write_index`` (what
   ``Catalog.record_analysis`` does) into a catalog of ready packages. Built
   once into ``--index-dir`` and reused by later runs with the same count.
2. **Queries**: the median time of ``search()`` (the CLI's and the window's
   call, default limit 1,000) over queries of 4 or more characters and over
   3-character ones, each query run ``--repeat`` times (its median taken).
3. **Size**: the index's pages (``search_fts`` shadow tables, and with
   ``search_lines`` / ``search_files``) against the UTF-8 bytes of the
   indexed text.
4. **Ingestion with and without the index**, in the same run, alternating:
   the 200-package batch of the ingestion figures through
   ``IngestionPipeline.ingest`` (the ``veripost-cli ingest`` path) into a
   moto S3 server by default, as the ingestion figures are measured
   (``--store local``: the local folder store, where the index's share is
   not diluted by upload time). "Without" patches out the two costs of the
   index: building the texts in the parse process and writing them in
   ``record_analysis``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(BENCH))

for _name in list(os.environ):
    if _name.startswith("VERIPOST_") and _name != "VERIPOST_INGEST_WORKERS":
        del os.environ[_name]
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")

NO_INDEX_ENV = "SEARCH_BENCH_NO_INDEX"


def _patch_out_the_index() -> None:
    """The "without index" runs: no texts built, none written. Runs at import,
    so a spawned parse process (which imports this script as ``__mp_main__``)
    is patched too when it starts with the variable set."""
    from veripost_desktop.core.catalog import catalog
    from veripost_desktop.core.ingestion import parse_and_index
    from veripost_desktop.core.upg import package_analysis

    package_analysis.indexed_texts = lambda files, read=None: ()  # type: ignore[assignment]
    parse_and_index.index_package = lambda target, texts: None  # type: ignore[assignment]
    catalog.Catalog._index_package = lambda self, package_id, job_id, prepared: None  # type: ignore[method-assign]


if os.environ.get(NO_INDEX_ENV) == "1":
    _patch_out_the_index()

from bench_parser import DEFAULT_CORPUS  # noqa: E402
from corpus import COMPANIONS, POSTS, CorpusSpec, _load_post, _package_files, build_corpus  # noqa: E402

from veripost_desktop.core.search.index_database import index_path  # noqa: E402

# What people search for: instructions, variables, macros, words of a prompt.
# What people search for: instructions, variables, macros, words of a
# prompt; common ones (tens of thousands of lines), rare ones and absent ones.
QUERIES_4_PLUS = [
    "<G:ABSINC>",
    "SPINDLE_DIR",
    "M_LOCK_5OFF",
    "rapid z",
    "Z_CLEAR",
    "DWELL",
    "PROGRAM_NUMBER",
    "G28 G91 Z0",
    "package 4711",
    ":SECTION=DRILL",
    "COOLANT_TYPE",
]
QUERIES_3 = ["G28", "<F>", "ARC", "TAP", "<X>", "M:A", "EOL"]


def build_index(upg: Path, index_dir: Path, packages: int) -> tuple[Path, int, float]:
    """The catalog of ``packages`` indexed packages (built once); returns its
    path, the indexed text's UTF-8 bytes and the build time (0 when reused)."""
    from sqlalchemy import update

    from veripost_desktop.core.catalog import Catalog, PackageStatus
    from veripost_desktop.core.catalog.models import PackageRow
    from veripost_desktop.core.search.index_writer import fold_pending, write_index
    from veripost_desktop.core.upg.indexed_text import indexed_texts

    manifest = index_dir / "search-index.json"
    path = index_dir / "catalog.sqlite3"
    if manifest.is_file():
        done = json.loads(manifest.read_text())
        if done.get("packages") == packages and index_path(path).is_file():
            return path, int(done["text_bytes"]), 0.0
    index_dir.mkdir(parents=True, exist_ok=True)
    for stale in [*index_dir.glob("catalog.sqlite3*"), *index_dir.glob("catalog-search.sqlite3*")]:
        stale.unlink()
    manifest.unlink(missing_ok=True)
    posts = [_load_post(upg, name) for name in POSTS]
    companion_dir = upg / COMPANIONS
    companions = {
        "kin": next(companion_dir.glob("*.kin")).read_bytes(),
        "pinf": next(companion_dir.glob("*.PINF")).read_bytes(),
    }
    catalog = Catalog(path)
    spec = CorpusSpec()
    text_bytes = 0
    started = time.perf_counter()
    batch = 50
    machines = ("Haas VF-2", "DMG DMU 50", "Mazak VCN", "Tormach PCNC 1100", "RSCNC32")
    for first in range(1, packages + 1, batch):
        numbers = range(first, min(first + batch, packages + 1))
        records = catalog.create_packages(
            (f"P{i:05d}-{posts[i % len(posts)].name}", f"generated-{i}.zip", 0, 0) for i in numbers
        )
        with catalog.write_engine.begin() as conn, catalog.index_engine.begin() as index_conn:
            for i, record in zip(numbers, records, strict=True):
                rng = random.Random(spec.seed * 1_000_003 + i)
                post, other = posts[i % len(posts)], posts[(i + 1) % len(posts)]
                files = _package_files(post, other, companions, i, rng)
                texts = indexed_texts(files)
                text_bytes += sum(
                    len(text.encode("utf-8")) * count
                    for t in texts
                    for text, count in zip(t.texts, t.text_counts(), strict=True)
                )
                write_index(index_conn, record.id, record.job_id, texts)
                conn.execute(
                    update(PackageRow)
                    .where(PackageRow.id == record.id)
                    .values(
                        status=PackageStatus.READY.value,
                        machine=machines[i % len(machines)],
                        controller="GRBL",
                        system="MILL",
                    )
                )
        print(
            f"  indexed {numbers[-1]:,} / {packages:,} packages "
            f"({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
    # What the app's idle fold (core/search/idle_folding.py) does once the
    # writes stop: no postings left pending.
    with catalog.index_engine.begin() as conn:
        fold_pending(conn)
    catalog.close()
    db = sqlite3.connect(index_path(path), isolation_level=None)
    try:
        db.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    seconds = time.perf_counter() - started
    manifest.write_text(json.dumps({"packages": packages, "text_bytes": text_bytes}))
    return path, text_bytes, seconds


def index_sizes(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        try:
            rows = db.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
        except sqlite3.OperationalError:  # no DBSTAT in this SQLite build
            return {}
    return {name: int(size) for name, size in rows}


def time_queries(path: Path, queries: list[str], repeat: int) -> list[tuple[str, float, int]]:
    """(query, median seconds, total hits) of each query at the default limit."""
    from veripost_desktop.core.catalog.database import open_engines
    from veripost_desktop.core.search.search_query import SearchRequest, search

    engines = open_engines(path)
    read_engine = engines.read
    out = []
    try:
        search(read_engine, SearchRequest("warm-up"))
        for query in queries:
            times = []
            hits = 0
            for _ in range(repeat):
                start = time.perf_counter()
                result = search(read_engine, SearchRequest(query))
                times.append(time.perf_counter() - start)
                hits = result.total_hits
            out.append((query, statistics.median(times), hits))
    finally:
        engines.dispose()
    return out


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (the
    parse processes, the S3 server): on a machine whose cores the batch
    keeps busy, what the wall-clock ratio tends to, and far less noisy."""
    try:
        import resource  # POSIX only
    except ImportError:
        return float("nan")
    own, children = (
        resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


# (postings, seconds) of the fold the last run left for the idle moment after it.
LEFT_TO_FOLD: list[tuple[int, float]] = []


def ingest_once(zips: list[Path], work: Path, with_index: bool, endpoint: str | None) -> float:
    """One headless ingestion of ``zips`` into a fresh catalog, and a fresh
    bucket on ``endpoint`` (or a fresh local folder store). The pending
    postings the batch leaves (folded by the app once the index is idle,
    outside the batch's time) are folded after the timing, and how many and
    how long is put in ``LEFT_TO_FOLD``."""
    from veripost_desktop.core.config import Settings
    from veripost_desktop.core.ingestion.parse_pool import shutdown_parse_pool
    from veripost_desktop.core.services import open_services

    os.environ[NO_INDEX_ENV] = "0" if with_index else "1"
    shutdown_parse_pool()  # the next pool starts with this run's variable
    restore: Callable[[], None] | None = None
    if not with_index:
        from veripost_desktop.core.catalog import catalog
        from veripost_desktop.core.ingestion import parse_and_index
        from veripost_desktop.core.upg import package_analysis

        saved = (
            package_analysis.indexed_texts,
            parse_and_index.index_package,
            catalog.Catalog._index_package,
        )
        _patch_out_the_index()

        def restore() -> None:
            (
                package_analysis.indexed_texts,
                parse_and_index.index_package,
                catalog.Catalog._index_package,
            ) = saved  # type: ignore[assignment]

    from concurrent.futures import ThreadPoolExecutor

    if endpoint is None:
        settings = Settings(data_dir=work, log_dir=work / "logs")
    else:
        from ingestion_bench import s3_settings

        settings = s3_settings(endpoint, work)
    services = open_services(settings)
    try:
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=services.settings.ingest_workers) as pool:
            outcomes = list(pool.map(services.pipeline.ingest, zips))
        seconds = time.perf_counter() - start
        bad = [o for o in outcomes if not o.ok]
        if bad:
            raise RuntimeError(f"{len(bad)} package(s) did not end ready: {bad[0].error}")
        with sqlite3.connect(services.catalog.index_path) as db:
            lines = db.execute("SELECT count(*) FROM search_files").fetchone()[0]
        if bool(lines) != with_index:
            raise RuntimeError(f"index rows {lines} in a run with_index={with_index}")
        from veripost_desktop.core.search.index_writer import fold_pending

        started = time.perf_counter()
        with services.catalog.index_engine.begin() as conn:
            moved = fold_pending(conn)
        LEFT_TO_FOLD.append((moved, time.perf_counter() - started))
    finally:
        services.close()
        shutdown_parse_pool()
        if restore is not None:
            restore()
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--packages", type=int, default=10_000)
    parser.add_argument("--ingest-packages", type=int, default=200)
    parser.add_argument("--pairs", type=int, default=2, help="with/without ingestion pairs")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each query")
    parser.add_argument("--quick", action="store_true", help="100 packages, 20 to ingest")
    parser.add_argument("--out", type=Path, default=BENCH / "out")
    parser.add_argument("--index-dir", type=Path, help="where the index is built and reused")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument(
        "--store",
        choices=("s3", "local"),
        default="s3",
        help="where the ingestion figures store: a moto S3 server (as the ingest figures of "
        "run_bench.py) or a local folder (no upload time: the index's share is larger)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.packages, args.ingest_packages, args.pairs, args.repeat = 100, 20, 1, 3
    index_dir = args.index_dir or args.out / f"search-index-{args.packages}"
    print(f"search benchmark: {args.packages:,} packages in {index_dir}", flush=True)
    path, text_bytes, build_seconds = build_index(args.corpus, index_dir, args.packages)
    results: dict[str, object] = {"packages": args.packages, "text_bytes": text_bytes}
    if build_seconds:
        results["build_seconds"] = round(build_seconds, 1)
        print(f"built in {build_seconds:.0f} s")

    sizes = index_sizes(index_path(path))
    fts = sum(v for k, v in sizes.items() if k.startswith("search_fts"))
    # Everything else the index is made of: the distinct texts (and their
    # unique index), the line arrays, the postings (folded and pending) and the uses.
    lines = sum(
        v
        for k, v in sizes.items()
        if k.startswith(
            (
                "search_texts",
                "search_files",
                "search_postings",
                "search_text_uses",
                "search_pending",
            )
        )
        or k in ("ix_search_texts_text", "ix_search_files_package_id")
        or k.startswith("sqlite_autoindex_search_")
    )
    results["sizes"] = {k: v for k, v in sizes.items() if "search" in k}
    if sizes:
        results["fts_bytes"] = fts
        results["fts_ratio"] = round(fts / text_bytes, 3)
        results["fts_and_lines_ratio"] = round((fts + lines) / text_bytes, 3)
    print(
        f"indexed text {text_bytes / 1e6:,.0f} MB; FTS index {fts / 1e6:,.0f} MB "
        f"(x{fts / text_bytes:.2f}); with the texts, line arrays and postings "
        f"{(fts + lines) / 1e6:,.0f} MB "
        f"(x{(fts + lines) / text_bytes:.2f})",
        flush=True,
    )
    for label, queries, target in (
        ("4+ characters", QUERIES_4_PLUS, 0.100),
        ("3 characters", QUERIES_3, 0.300),
    ):
        timed = time_queries(path, queries, args.repeat)
        median = statistics.median(t for _q, t, _h in timed)
        verdict = "PASS" if median < target else "FAIL"
        print(f"{label}: median {median * 1000:.0f} ms (target < {target * 1000:.0f} ms) {verdict}")
        for query, seconds, hits in timed:
            print(f"    {query!r:18} {seconds * 1000:8.1f} ms  {hits:>10,} hits")
        results[label] = {"median_ms": round(median * 1000, 1), "queries": timed}

    if not args.skip_ingest:
        spec = CorpusSpec(args.ingest_packages, (20,), 10)
        corpus = build_corpus(args.corpus, args.out, spec)
        work = args.out / f"search-ingest-{os.getpid()}"
        pairs = []

        cpu_pairs: list[tuple[float, float]] = []
        cpu_of: dict[bool, float] = {}
        fold_of: dict[bool, tuple[int, float]] = {}

        def timed_run(name: str, with_index: bool) -> float:
            # A fresh S3 server a run: moto keeps every object in memory, and
            # one server for every run grew slower run by run.
            server = None
            if args.store == "s3":
                from tests.s3_process import S3ServerProcess

                server = S3ServerProcess()
                server.start()
            try:
                endpoint = server.endpoint if server is not None else None
                before = cpu_seconds()
                seconds = ingest_once(corpus.packages, work / name, with_index, endpoint)
            finally:
                if server is not None:
                    server.stop()
            # After the server stopped: its CPU counts once it has been waited for.
            cpu_of[with_index] = cpu_seconds() - before
            fold_of[with_index] = LEFT_TO_FOLD[-1]
            return seconds

        try:
            for n in range(args.pairs):
                # Each pair in the other order than the last, so drift on a
                # shared machine hits both alike.
                if n % 2 == 0:
                    without = timed_run(f"without-{n}", False)
                    with_ = timed_run(f"with-{n}", True)
                else:
                    with_ = timed_run(f"with-{n}", True)
                    without = timed_run(f"without-{n}", False)
                pairs.append((without, with_))
                cpu_pairs.append((cpu_of[False], cpu_of[True]))
                print(
                    f"ingestion of {len(corpus.packages)} packages ({args.store} store): "
                    f"without index {without:.1f} s,"
                    f" with {with_:.1f} s (x{with_ / without:.3f}); CPU of every process "
                    f"{cpu_of[False]:.1f} s, {cpu_of[True]:.1f} s "
                    f"(x{cpu_of[True] / cpu_of[False]:.3f}); left to fold when idle "
                    f"{fold_of[True][0]:,} postings, {fold_of[True][1]:.2f} s",
                    flush=True,
                )
        finally:
            import shutil

            shutil.rmtree(work, ignore_errors=True)
        ratio = statistics.median(w / wo for wo, w in pairs)
        verdict = "PASS" if ratio <= 1.10 else "FAIL"
        print(f"ingestion with / without index: median x{ratio:.3f} (target <= 1.10) {verdict}")
        if len(pairs) > 1:
            # The spread of single pairs on a shared machine is larger than the
            # index's effect: the mean and its 95% interval say how sure the median is.
            ratios = [w / wo for wo, w in pairs]
            mean = statistics.mean(ratios)
            half = 1.96 * statistics.stdev(ratios) / len(ratios) ** 0.5
            print(
                f"  pairs x{min(ratios):.3f}-{max(ratios):.3f}; mean x{mean:.3f}, "
                f"95% interval x{mean - half:.3f}-{mean + half:.3f}"
            )
        cpu_ratio = statistics.median(w / wo for wo, w in cpu_pairs)
        print(f"CPU with / without index (this process and its children): median x{cpu_ratio:.3f}")
        results["ingest_pairs"] = pairs
        results["ingest_cpu_pairs"] = cpu_pairs
        results["ingest_cpu_ratio"] = round(cpu_ratio, 3)
        results["ingest_ratio"] = round(ratio, 3)
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
