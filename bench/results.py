"""One measured figure, and the table they are printed in."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
}


@dataclass(frozen=True)
class Figure:
    key: str  # stable id, e.g. "ingest.ratio" (tests/test_bench_quick.py looks for it)
    label: str
    value: float | None  # None: the figure could not be measured (see ``note``)
    unit: str = ""
    op: str | None = None  # "<" or "<=" against ``target``; None: information only
    target: float | None = None
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.value is None:
            return "ERROR"
        if self.op is None or self.target is None:
            return "info"
        return "PASS" if _COMPARE[self.op](self.value, self.target) else "FAIL"

    def shown_value(self) -> str:
        return "-" if self.value is None else _number(self.value, self.unit)

    def shown_target(self) -> str:
        if self.op is None or self.target is None:
            return "-"
        return f"{self.op} {_number(self.target, self.unit)}"


def _number(value: float, unit: str) -> str:
    if unit == "x":
        return f"{value:.2f}"
    if unit == "s":
        return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "MB":
        return f"{value:.1f} MB"
    if unit == "MB/s":
        return f"{value:.1f} MB/s"
    if unit == "s/MB":
        return f"{value:.4f} s/MB"
    return f"{value:g} {unit}".strip()


def error_figure(key: str, label: str, exc: BaseException) -> Figure:
    return Figure(key, label, None, note=f"{type(exc).__name__}: {exc}")


def format_table(figures: list[Figure]) -> str:
    rows = [("figure", "what", "value", "target", "result")]
    rows += [(f.key, f.label, f.shown_value(), f.shown_target(), f.verdict) for f in figures]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [
            cell.rjust(widths[i]) if i in (2, 3) else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    notes = [f"  {f.key}: {f.note}" for f in figures if f.note]
    if notes:
        lines += ["", "notes:", *notes]
    return "\n".join(lines)
