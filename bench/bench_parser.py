"""Benchmark the UPG source parser and check that it runs in linear time.

Builds a synthetic .SRC of ``--lines`` lines (default 300,000) from the real
corpus files (every .SRC and .LIB, repeated, section names given a suffix per
copy so they stay unique, CRLF line ends), parses it at 1/16, 4/16 and 16/16
of that size in the same run, and prints the time per MB and the ratios. If
parsing is linear the 4x and 16x inputs take about 4 and 16 times as long.
A second run grows one pathological line (``CALL(CALL(CALL(...``) the same
way, so backtracking inside a line would show too.

    .venv/bin/python bench/bench_parser.py [--lines 300000] [--repeat 5]

Exit status 1 when the growth is clearly worse than linear (time per MB at
16x more than ``--tolerance`` times that at 1x) or the full-size parse takes
longer than ``--budget`` seconds.
"""

from __future__ import annotations

import argparse
import functools
import gc
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from veripost_desktop.core.upg import parse_source, tokenize_line  # noqa: E402

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "upg"
SCALES = (1, 4, 16)
_SECTION_LINE = re.compile(r"^(\*?:SECTION=)(\w+)", re.IGNORECASE)


def corpus_files(corpus: Path) -> list[list[str]]:
    files = [
        path.read_bytes().decode("cp1252").splitlines()
        for path in sorted(corpus.glob("*/*"))
        if path.suffix.upper() in (".SRC", ".LIB")
    ]
    if not files:
        raise SystemExit(f"no .SRC or .LIB files under {corpus}")
    return files


def synthetic_source(files: list[list[str]], line_count: int) -> bytes:
    """The corpus files one after another, again and again, until ``line_count`` lines.

    Each copy of each file gets its own section-name suffix, so the result has
    no duplicate sections (which would be warned about) - like one big post.
    """
    out: list[str] = []
    copy = 0
    while len(out) < line_count:
        for index, lines in enumerate(files):
            suffix = rf"\g<1>\g<2>_F{index}R{copy}"
            for line in lines:
                if len(out) == line_count:
                    break
                out.append(_SECTION_LINE.sub(suffix, line))
        copy += 1
    return ("\r\n".join(out) + "\r\n").encode("cp1252")


def pathological_source(scale: int) -> bytes:
    # One calc line of ~400 KB per scale step, plus an unclosed paren chain.
    return (":SECTION=CALC_X\r\n:C: " + "CALL(" * (80_000 * scale) + "\r\n").encode("ascii")


def best_time(run: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def measure(label: str, inputs: list[bytes], repeat: int) -> list[float]:
    print(f"\n{label}")
    print(f"  {'scale':>5} {'lines':>9} {'MB':>8} {'best s':>9} {'s/MB':>8} {'MB/s':>8}")
    times: list[float] = []
    for scale, data in zip(SCALES, inputs, strict=True):
        seconds = best_time(functools.partial(parse_source, data, "BENCH.SRC"), repeat)
        mb = len(data) / 1_000_000
        lines = data.count(b"\n")
        times.append(seconds)
        print(
            f"  {scale:>4}x {lines:>9,} {mb:>8.2f} {seconds:>9.4f} "
            f"{seconds / mb:>8.4f} {mb / seconds:>8.1f}"
        )
    return times


def report_ratios(times: list[float], tolerance: float) -> bool:
    t1, t4, t16 = times
    per_unit = [t / s for t, s in zip(times, SCALES, strict=True)]
    growth = per_unit[-1] / per_unit[0]
    print(
        f"  ratios: 4x/1x = {t4 / t1:.2f} (linear: 4), 16x/1x = {t16 / t1:.2f} (linear: 16); "
        f"time per MB at 16x / at 1x = {growth:.2f}"
    )
    linear = growth <= tolerance
    print(f"  linear: {'yes' if linear else 'NO'} (per-MB growth {growth:.2f} <= {tolerance})")
    return linear


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=300_000, help="full-size line count")
    parser.add_argument("--repeat", type=int, default=5, help="runs per size; the best counts")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--tolerance", type=float, default=2.0)
    parser.add_argument("--budget", type=float, default=3.0, help="seconds for the full size")
    args = parser.parse_args(argv)

    files = corpus_files(args.corpus)
    base = max(1, args.lines // SCALES[-1])
    inputs = [synthetic_source(files, base * s) for s in SCALES]
    full = inputs[-1]

    result = parse_source(full, "BENCH.SRC")
    print(
        f"Python {sys.version.split()[0]}; synthetic source from {len(files)} corpus files "
        f"({sum(map(len, files)):,} lines): "
        f"{result.line_count:,} lines, {len(full) / 1_000_000:.2f} MB, "
        f"{result.active_count:,} active sections ({result.calc_count:,} CALC), "
        f"{result.commented_out_count:,} commented out, {len(result.calls):,} CALLs, "
        f"{len(result.warnings)} warnings"
    )

    ok = report_ratios(measure("Corpus-shaped source", inputs, args.repeat), args.tolerance)
    full_seconds = best_time(lambda: parse_source(full, "BENCH.SRC"), args.repeat)
    within_budget = full_seconds <= args.budget
    print(
        f"  full size: {result.line_count:,} lines in {full_seconds:.3f} s = "
        f"{full_seconds / (len(full) / 1_000_000):.4f} s per MB "
        f"({'within' if within_budget else 'OVER'} the {args.budget:.1f} s budget)"
    )

    pathological = [pathological_source(s) for s in SCALES]
    ok &= report_ratios(
        measure("Pathological single line (CALL(CALL(CALL(...)", pathological, args.repeat),
        args.tolerance,
    )

    text_lines = full.decode("cp1252").split("\r\n")
    highlight_seconds = best_time(lambda: [tokenize_line(x) for x in text_lines], 1)
    print(
        f"\nHighlighter: tokenize_line over {len(text_lines):,} lines in "
        f"{highlight_seconds:.3f} s ({highlight_seconds / len(text_lines) * 1e6:.2f} us per line)"
    )

    verdict = ok and within_budget
    print(f"\nRESULT: {'PASS' if verdict else 'FAIL'}")
    return 0 if verdict else 1


if __name__ == "__main__":
    raise SystemExit(main())
