"""Figure 5: UPG parsing time per MB of source, with ``bench/bench_parser.py``'s
own synthetic source and timing (its full linearity check stays there)."""

from __future__ import annotations

import functools

from bench_parser import DEFAULT_CORPUS, best_time, corpus_files, synthetic_source
from results import Figure

from veripost_desktop.core.upg import parse_source

# bench_parser.py's defaults: a 300,000-line source must parse within 3 s.
PARSER_LINES = 300_000
PARSER_BUDGET_S = 3.0


def parsing_figures(lines: int, repeat: int) -> list[Figure]:
    source = synthetic_source(corpus_files(DEFAULT_CORPUS), lines)
    mb = len(source) / 1_000_000
    seconds = best_time(functools.partial(parse_source, source, "BENCH.SRC"), repeat)
    # The budget as a rate: 3 s over the MB a 300,000-line source has.
    target = PARSER_BUDGET_S / (mb * PARSER_LINES / lines)
    return [
        Figure(
            "parse.per_mb",
            f"UPG parse time per MB ({lines:,}-line source, {mb:.1f} MB)",
            seconds / mb,
            "s/MB",
            "<=",
            target,
            note=f"best of {repeat}: {seconds:.3f} s = {mb / seconds:.1f} MB/s; target is "
            f"bench_parser.py's {PARSER_BUDGET_S:.0f} s budget for {PARSER_LINES:,} lines",
        )
    ]
