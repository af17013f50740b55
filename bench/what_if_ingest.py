"""Diagnostics, not a figure: where the headless ingestion's time goes.

Runs the ``ingest.app`` measurement (bench/ingestion_bench.py) several ways in
one run against one S3 server, each change made by patching this process
only (nothing in the core is changed):

* ``asis``: the app as it is;
* ``core``: ``Catalog.record_analysis`` writing the parsed sections, warnings
  and library references with SQLAlchemy Core ``insert()`` executemany
  instead of one ORM object per row - a prototype of the change proposed in
  docs/BENCHMARKS.md, same rows, same transaction;
* ``noparse``: no parsing step at all (an empty analysis), the floor that
  validation and storage alone set.

    .venv/bin/python bench/what_if_ingest.py [--quick] [--modes asis,core,noparse] [--repeat 2]
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from bench_parser import DEFAULT_CORPUS  # noqa: E402
from corpus import build_corpus  # noqa: E402
from ingestion_bench import run_app, run_baseline, s3_settings  # noqa: E402
from run_bench import FULL, QUICK, s3_server  # noqa: E402
from sqlalchemy import delete, insert, select  # noqa: E402

from veripost_desktop.core.catalog import catalog as catalog_module  # noqa: E402
from veripost_desktop.core.catalog.models import (  # noqa: E402
    LibraryRefRow,
    PackageFileRow,
    PackageRow,
    SectionRow,
    WarningRow,
    utcnow,
)
from veripost_desktop.core.ingestion import pipeline  # noqa: E402
from veripost_desktop.core.upg import PackageAnalysis, analyse_package  # noqa: E402

ORM_RECORD_ANALYSIS = catalog_module.Catalog.record_analysis
PARSING_STEP = pipeline.run_parsing_step


def record_analysis_with_core(
    self: catalog_module.Catalog, package_id: str, job_id: str, analysis: PackageAnalysis
) -> bool:
    """``Catalog.record_analysis`` with executemany inserts for the many rows."""
    with self._write() as session:
        row = session.get(PackageRow, package_id)
        if row is None or row.job_id != job_id:
            return False
        for table in (SectionRow, WarningRow, LibraryRefRow):
            session.execute(delete(table).where(table.package_id == package_id))
        row.section_count = analysis.section_count
        row.machine = analysis.machine
        row.controller = analysis.controller
        row.system = analysis.system
        row.post_name = analysis.post_name
        row.post_extension = analysis.post_extension
        row.warning_count = len(analysis.warnings)
        row.updated_at = utcnow()
        by_name = {f.filename: f for f in analysis.files if f.source is not None}
        for file_row in session.scalars(
            select(PackageFileRow).where(PackageFileRow.package_id == package_id)
        ):
            parsed = by_name.get(file_row.filename)
            if parsed is not None:
                file_row.sections_active = parsed.active_count
                file_row.sections_calc = parsed.calc_count
                file_row.sections_template = parsed.template_count
                file_row.sections_commented_out = parsed.commented_out_count
        rows: list[tuple[Any, list[dict[str, Any]]]] = [
            (
                SectionRow,
                [
                    {
                        "package_id": package_id,
                        "filename": f.filename,
                        "name": s.name,
                        "kind": str(s.kind),
                        "params": s.params,
                        "first_line": s.first_line,
                        "last_line": s.last_line,
                        "active": s.active,
                    }
                    for f in analysis.files
                    for s in f.sections
                ],
            ),
            (
                WarningRow,
                [
                    {
                        "package_id": package_id,
                        "code": str(w.code),
                        "text": w.text,
                        "filename": w.filename,
                        "line": w.line,
                    }
                    for w in analysis.warnings
                ],
            ),
            (
                LibraryRefRow,
                [
                    {
                        "package_id": package_id,
                        "from_file": r.from_file,
                        "kind": str(r.kind),
                        "raw": r.raw,
                        "file_name": r.file_name,
                        "line": r.line,
                        "is_master": r.is_master,
                        "found": r.found,
                    }
                    for r in analysis.library_refs
                ],
            ),
        ]
        for table, values in rows:
            if values:
                session.execute(insert(table), values)
        return True


def apply(mode: str) -> None:
    catalog_module.Catalog.record_analysis = (  # type: ignore[method-assign]
        record_analysis_with_core if mode == "core" else ORM_RECORD_ANALYSIS
    )
    empty = analyse_package({})
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
    parser.add_argument("--modes", default="asis,core,noparse")
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
