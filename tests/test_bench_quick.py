"""The benchmark must keep running: ``bench/run_bench.py --quick`` (small
counts, its own S3 server and generated packages) ends without a crash and
prints every figure. Targets are not asserted here; a missed target is a
measurement (docs/BENCHMARKS.md), not a failing test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIGURES = (
    "ingest.app",
    "ingest.baseline",
    "ingest.ratio",
    "memory.empty_run",
    "memory.delta_20mb",
    "memory.delta_40mb",
    "memory.growth",
    "validation.check_many",
    "validation.check_big",
    "validation.crc_pass",
    "gui.max_tick_gap",
    "gui.catalog_show",
    "parse.per_mb",
)
VERDICTS = ("PASS", "FAIL", "info")


@pytest.mark.slow  # a minute or so: every benchmark, small
def test_quick_benchmark_prints_every_figure(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VERIPOST_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run_bench.py"), "--quick", "--out", str(tmp_path)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    rows = {line.split()[0]: line.split()[-1] for line in done.stdout.splitlines() if line.strip()}
    for key in FIGURES:
        assert key in rows, f"{key} missing from the table:\n{done.stdout}"
        assert rows[key] in VERDICTS, f"{key}: {rows[key]}\n{done.stdout}"
