"""Diagnostics, not a figure: where the headless ingestion's time goes.

Runs the ``ingest.app`` measurement (bench/ingestion_bench.py) several ways in
one run against one S3 server, each change made by patching this process
only (nothing in the core is changed):

* ``asis``: the app as it is;
  (the ``core`` mode that prototyped ``record_analysis`` with Core
  executemany is gone: the catalog does that itself now);
* ``noparse``: no parsing step at all (an empty analysis), the floor that
  validation and storage alone set.

    .venv/bin/python bench/what_if_ingest.py [--quick] [--modes asis,noparse] [--repeat 2]
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from bench_parser import DEFAULT_CORPUS  # noqa: E402
from corpus import build_corpus  # noqa: E402
from ingestion_bench import run_app, run_baseline, s3_settings  # noqa: E402
from run_bench import FULL, QUICK, s3_server  # noqa: E402

from veripost_desktop.core.ingestion import pipeline  # noqa: E402
from veripost_desktop.core.ingestion.parsing_step import ParsedPackage  # noqa: E402
from veripost_desktop.core.upg import analyse_package  # noqa: E402

PARSING_STEP = pipeline.run_parsing_step


def apply(mode: str) -> None:
    empty = ParsedPackage(analyse_package({}))
    pipeline.run_parsing_step = (
        (lambda *_args, **_kwargs: empty) if mode == "noparse" else PARSING_STEP
    )


@contextmanager
def _removed_after(folder: Path) -> Iterator[None]:
    try:
        yield
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--modes", default="asis,noparse")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--out", type=Path, default=BENCH / "out")
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    corpus = build_corpus(DEFAULT_CORPUS, args.out, plan.spec)
    work = args.out / "what-if"
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    best: dict[str, float] = {}
    with s3_server() as endpoint, _removed_after(work):
        for n in range(args.repeat):
            best["baseline"] = min(
                best.get("baseline", float("inf")), run_baseline(endpoint, corpus.packages)
            )
            print(f"baseline {best['baseline']:.2f} s (best so far)", flush=True)
            for mode in modes:
                apply(mode)
                run = run_app(s3_settings(endpoint, work / f"{mode}-{n}"), corpus.packages)
                best[mode] = min(best.get(mode, float("inf")), run.seconds)
                steps = ", ".join(f"{k} {v:.1f} s" for k, v in run.step_seconds.items())
                print(f"{mode:8} {run.seconds:6.2f} s  ({steps})", flush=True)
    apply("asis")
    print(f"\nbest of {args.repeat}, {len(corpus.packages)} packages:")
    for mode, seconds in best.items():
        print(f"  {mode:8} {seconds:6.2f} s  = {seconds / best['baseline']:.2f} x baseline")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
