"""How the two bodies of one changed section line up in the side-by-side
view: the engine's rows (``core/compare/line_diff.side_by_side``, the same
pairing and character marks the patterns and the HTML report use), plus the
"changes" that next / previous change move between. No Qt.

Only the section a person looks at is lined up, when they look at it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from veripost_desktop.core.compare.line_diff import side_by_side

Span = tuple[int, int]  # start, length (characters of the line)


class RowKind(Enum):
    EQUAL = "equal"
    CHANGED = "changed"  # a line of A paired with a different line of B
    REMOVED = "removed"  # only in A
    ADDED = "added"  # only in B


@dataclass(frozen=True, slots=True)
class Row:
    """One row of the side-by-side view: a line of A, of B, or both."""

    kind: RowKind
    a: int | None  # index into A's body, None on a filler row
    b: int | None
    a_spans: tuple[Span, ...] = ()  # changed characters of A's line
    b_spans: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class Alignment:
    rows: tuple[Row, ...]
    #: Row ranges (start, end exclusive) of consecutive non-equal rows: the
    #: "changes" that next / previous change move between.
    hunks: tuple[tuple[int, int], ...]


def align(a_body: Sequence[str], b_body: Sequence[str]) -> Alignment:
    rows = tuple(
        Row(
            RowKind(r.kind),
            r.a_index,
            r.b_index,
            tuple((start, end - start) for start, end in r.a_marks),
            tuple((start, end - start) for start, end in r.b_marks),
        )
        for r in side_by_side(a_body, b_body)
    )
    return Alignment(rows, _hunks(rows))


def _hunks(rows: Sequence[Row]) -> tuple[tuple[int, int], ...]:
    hunks: list[tuple[int, int]] = []
    start: int | None = None
    for index, row in enumerate(rows):
        if row.kind is RowKind.EQUAL:
            if start is not None:
                hunks.append((start, index))
                start = None
        elif start is None:
            start = index
    if start is not None:
        hunks.append((start, len(rows)))
    return tuple(hunks)
