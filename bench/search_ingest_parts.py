"""What the search index (issue 14) costs one package, part by part, in one
process: the parse process's share (``analyse_package`` with and without the
index's texts), ``prepare_index`` (before the write lock), ``write_index`` and its
commit (inside it), and the pages each commit
adds to the index file's WAL as the index grows.

    .venv/bin/python bench/search_ingest_parts.py            # 200 packages
    .venv/bin/python bench/search_ingest_parts.py --packages 40

The packages are the ingestion benchmark's (``corpus._package_files``).
``search_bench.py`` measures the whole batch with and without the index.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from bench_parser import DEFAULT_CORPUS  # noqa: E402
from corpus import COMPANIONS, POSTS, _load_post, _package_files  # noqa: E402

from veripost_desktop.core.catalog import Catalog, checkpointer, database  # noqa: E402
from veripost_desktop.core.search.index_writer import prepare_index, write_index  # noqa: E402
from veripost_desktop.core.search.text_id_cache import TextIdCache  # noqa: E402
from veripost_desktop.core.upg import package_analysis  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--packages", type=int, default=200)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args(argv)
    posts = [_load_post(args.corpus, name) for name in POSTS]
    companion_dir = args.corpus / COMPANIONS
    companions = {
        "kin": next(companion_dir.glob("*.kin")).read_bytes(),
        "pinf": next(companion_dir.glob("*.PINF")).read_bytes(),
    }
    rng = random.Random(6)
    packages = [
        _package_files(posts[i % 2], posts[(i + 1) % 2], companions, i, rng)
        for i in range(args.packages)
    ]
    megabytes = sum(len(d) for p in packages for d in p.values()) / 1e6
    print(f"{len(packages)} packages, {megabytes:.0f} MB")

    # 1. The parse process's share: analyse_package with and without the
    # texts, with / without / with again (the faster "with" is taken).
    sample = packages[:30]
    indexed_texts = package_analysis.indexed_texts
    timings: dict[bool, list[float]] = {True: [], False: []}
    for with_index in (True, False, True):
        package_analysis.indexed_texts = (  # type: ignore[assignment]
            indexed_texts if with_index else (lambda files, read=None: ())
        )
        started = time.perf_counter()
        for files in sample:
            package_analysis.analyse_package(files)
        timings[with_index].append((time.perf_counter() - started) / len(sample))
    package_analysis.indexed_texts = indexed_texts  # type: ignore[assignment]
    print(
        f"analyse_package per package ({len(sample)}): with the index's texts "
        f"{min(timings[True]) * 1000:.1f} ms, without {timings[False][0] * 1000:.1f} ms"
    )

    # 2. write_index and its commit, and the WAL pages of each commit.
    # Let the index file's WAL grow, to count its pages: no automatic
    # checkpoint, none from the catalog's checkpoint threads.
    database.WAL_CHECKPOINT_PAGES = 10_000_000
    checkpointer.CHECKPOINT_BYTES = 1 << 50
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "catalog.sqlite3"
        catalog = Catalog(path)
        wal = Path(f"{catalog.index_path}-wal")
        records = catalog.create_packages(
            (f"P{i:05d}", f"p{i}.zip", 0, 0) for i in range(len(packages))
        )
        writes, commits, pages, prepares = [], [], [], []
        cache = TextIdCache()  # as Catalog.record_analysis keeps one
        for number, (record, files) in enumerate(zip(records, packages, strict=True), 1):
            texts = package_analysis.analyse_package(files).indexed_texts
            before = wal.stat().st_size
            prepared_at = time.perf_counter()
            prepared = prepare_index(texts, cache)  # before the write lock
            prepares.append(time.perf_counter() - prepared_at)
            with catalog.index_engine.begin() as conn:
                started = time.perf_counter()
                learned = write_index(conn, record.id, record.job_id, prepared, cache)
                written = time.perf_counter()
            done = time.perf_counter()
            cache.publish(learned)
            writes.append(written - started)
            commits.append(done - written)
            pages.append((wal.stat().st_size - before) // 4120)  # 4 KiB page + frame header
            if number % 50 == 0 or number == len(packages):
                last = slice(max(0, number - 50), number)
                # The median is a package's own write; the mean carries the
                # folds of pending postings (index_writer.MAX_PENDING_ROWS) too.
                print(
                    f"  packages {last.start + 1}-{number}: prepare_index (outside the lock) "
                    f"median {statistics.median(prepares[last]) * 1000:.1f} ms; write_index median "
                    f"{statistics.median(writes[last]) * 1000:.1f} ms, mean "
                    f"{statistics.mean(writes[last]) * 1000:.1f} ms; commit median "
                    f"{statistics.median(commits[last]) * 1000:.1f} ms; WAL pages a commit "
                    f"median {statistics.median(pages[last]):.0f}, mean "
                    f"{statistics.mean(pages[last]):.0f}",
                    flush=True,
                )
        catalog.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
