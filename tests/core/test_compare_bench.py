"""bench/bench_compare.py runs (small counts), so it cannot rot. It asserts no target."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_bench_compare_runs_and_prints_every_figure() -> None:
    r = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "bench_compare.py"),
            "--packages",
            "40",
            "--repeat",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert r.returncode == 0, r.stderr
    for figure in (
        "compare_posts (in memory)",
        "compare (catalog + local store)",
        "render_html",
        "section hashes",
        "similar: 40 ready packages",
        "rank_similar(limit=20)",
        "rank_similar(limit=None)",
    ):
        assert figure in r.stdout, figure
