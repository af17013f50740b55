"""Two section bodies side by side: which lines changed, and which characters
within a changed line. The engine's patterns, the HTML report and the
compare window all read a section's edits from here, so they agree.

Lines are compared as ``SectionChange.a_body`` / ``b_body`` hold them
(normalised: see ``section_identity``). A block of lines replaced by another
is paired line by line: each removed line goes with the most alike added line
after the previous pair (``difflib`` ratio at least ``PAIR_RATIO``), so a line
that was edited shows its changed characters, and a line with nothing alike
is a whole line removed or added.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

PAIR_RATIO = 0.5
# A replaced block larger than this (lines x lines) is paired in order,
# without looking for the most alike line.
_MAX_PAIRING_WORK = 20_000

RowKind = Literal["equal", "changed", "removed", "added"]


@dataclass(frozen=True, slots=True)
class DiffRow:
    """One row of the side-by-side view. ``a_index`` / ``b_index`` index the
    bodies (0-based), None on the side where the line is absent; ``a_marks``
    / ``b_marks`` are the changed character ranges ``(start, end)`` of a
    ``changed`` row."""

    kind: RowKind
    a_index: int | None
    b_index: int | None
    a_marks: tuple[tuple[int, int], ...] = ()
    b_marks: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Edit:
    """One edit: text removed and/or added within a line, or (``whole_line``
    "removed" / "added") a whole line, its text in ``removed`` / ``added``."""

    removed: str
    added: str
    whole_line: Literal["removed", "added"] | None = None


def line_matcher(a: Sequence[str], b: Sequence[str]) -> difflib.SequenceMatcher[str]:
    return difflib.SequenceMatcher(None, a, b, autojunk=False)


def count_lines(a: Sequence[str], b: Sequence[str]) -> tuple[int, int]:
    """``(lines added, lines removed)`` from ``a`` to ``b``."""
    added = removed = 0
    for tag, i1, i2, j1, j2 in line_matcher(a, b).get_opcodes():
        if tag != "equal":
            added += j2 - j1
            removed += i2 - i1
    return added, removed


def _pair_block(a: Sequence[str], b: Sequence[str]) -> list[tuple[int | None, int | None]]:
    """Pairs of indexes into ``a`` and ``b`` (None: unpaired), in order."""
    out: list[tuple[int | None, int | None]] = []
    if len(a) * len(b) > _MAX_PAIRING_WORK:
        for i in range(max(len(a), len(b))):
            out.append((i if i < len(a) else None, i if i < len(b) else None))
        return out
    next_b = 0
    for i, line in enumerate(a):
        best, best_ratio = None, PAIR_RATIO
        matcher = difflib.SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(line)
        for j in range(next_b, len(b)):
            matcher.set_seq1(b[j])
            if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
                continue
            ratio = matcher.ratio()
            if ratio >= best_ratio and (best is None or ratio > best_ratio):
                best, best_ratio = j, ratio
        if best is None:
            out.append((i, None))
            continue
        out.extend((None, j) for j in range(next_b, best))
        out.append((i, best))
        next_b = best + 1
    out.extend((None, j) for j in range(next_b, len(b)))
    return out


# Words (letters, digits, "_"), runs of blanks, and single other characters:
# a changed number reads "05" -> "30", not "0" kept, "5" -> "3" shuffled.
_TOKEN_RE = re.compile(r"\w+|\s+|.", re.ASCII | re.DOTALL)


def char_ranges(a: str, b: str) -> list[tuple[str, int, int, int, int]]:
    """The changed parts of two lines: ``difflib`` opcodes (without
    ``equal``) as character offsets, found word by word.

    A text removed or added where the same text could be removed one token
    earlier is moved there, as far as it goes: removing ``<N>`` from
    ``:T:<N><M:05>`` may be found as removing ``N><``; moved left it is
    ``<N>`` in every line, so the same edit reads the same everywhere."""
    ta, tb = _TOKEN_RE.findall(a), _TOKEN_RE.findall(b)
    oa, ob = _offsets(ta), _offsets(tb)
    matcher = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
    out: list[tuple[str, int, int, int, int]] = []
    a_end = b_end = 0  # where the previous change ended (tokens)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag == "delete":
            while i1 > a_end and ta[i1 - 1] == ta[i2 - 1]:
                i1, i2, j1, j2 = i1 - 1, i2 - 1, j1 - 1, j2 - 1
        elif tag == "insert":
            while j1 > b_end and tb[j1 - 1] == tb[j2 - 1]:
                i1, i2, j1, j2 = i1 - 1, i2 - 1, j1 - 1, j2 - 1
        if out and _blank(ta[a_end:i1]) and _blank(tb[b_end:j1]):
            # Words changed with only blanks between: one edit ("Rapid Move"
            # replaced with "Edited for the customer"), not one per word.
            _tag, p1, _p2, q1, _q2 = out.pop()
            i1, j1 = p1, q1
            tag = "replace" if i2 > i1 and j2 > j1 else tag
        out.append((tag, i1, i2, j1, j2))
        a_end, b_end = i2, j2
    return [(tag, oa[i1], oa[i2], ob[j1], ob[j2]) for tag, i1, i2, j1, j2 in out]


def _blank(tokens: list[str]) -> bool:
    return all(t.isspace() for t in tokens)


def _offsets(tokens: list[str]) -> list[int]:
    """Character offset of each token's start, and the line's length last."""
    out = [0]
    for token in tokens:
        out.append(out[-1] + len(token))
    return out


def side_by_side(a: Sequence[str], b: Sequence[str]) -> list[DiffRow]:
    """Every line of both bodies, in order, as rows of the side-by-side view."""
    rows: list[DiffRow] = []
    for tag, i1, i2, j1, j2 in line_matcher(a, b).get_opcodes():
        if tag == "equal":
            rows.extend(DiffRow("equal", i1 + k, j1 + k) for k in range(i2 - i1))
            continue
        for pi, pj in _pair_block(a[i1:i2], b[j1:j2]):
            if pi is not None and pj is not None:
                ops = char_ranges(a[i1 + pi], b[j1 + pj])
                rows.append(
                    DiffRow(
                        "changed",
                        i1 + pi,
                        j1 + pj,
                        tuple((o[1], o[2]) for o in ops if o[2] > o[1]),
                        tuple((o[3], o[4]) for o in ops if o[4] > o[3]),
                    )
                )
            elif pi is not None:
                rows.append(DiffRow("removed", i1 + pi, None))
            elif pj is not None:
                rows.append(DiffRow("added", None, j1 + pj))
    return rows


def edits(a: Sequence[str], b: Sequence[str]) -> list[Edit]:
    """Every edit from ``a`` to ``b``, in order (repeats kept)."""
    out: list[Edit] = []
    for row in side_by_side(a, b):
        if row.kind == "removed":
            out.append(Edit(a[row.a_index], "", "removed"))  # type: ignore[index]
        elif row.kind == "added":
            out.append(Edit("", b[row.b_index], "added"))  # type: ignore[index]
        elif row.kind == "changed":
            old, new = a[row.a_index], b[row.b_index]  # type: ignore[index]
            out.extend(Edit(old[i1:i2], new[j1:j2]) for _t, i1, i2, j1, j2 in char_ranges(old, new))
    return out
