"""Edit patterns: the same edit repeated in 3 or more changed sections.

An edit is text removed, added or replaced within a line (``removed "<N>"``),
or a whole line removed or added (``line_diff.edits``). Edits are matched
exactly: removing ``"<N> "`` (with its blank) is another edit than removing
``"<N>"``. A pattern counts sections, not occurrences; patterns come most
frequent first (then in the order their first section appears). A section is
*explained* by the patterns when every one of its edits is one of them.
"""

from __future__ import annotations

from collections.abc import Sequence

from veripost_desktop.core.compare.line_diff import Edit
from veripost_desktop.core.compare.model import EditPattern

MIN_SECTIONS = 3


def describe(edit: Edit) -> str:
    if edit.whole_line is not None:
        text = edit.removed or edit.added
        return f'{edit.whole_line} line "{text}"' if text else f"{edit.whole_line} a blank line"
    if edit.removed and edit.added:
        return f'replaced "{edit.removed}" with "{edit.added}"'
    if edit.removed:
        return f'removed "{edit.removed}"'
    return f'added "{edit.added}"'


def find_patterns(
    sections: Sequence[tuple[str, Sequence[Edit]]],
) -> tuple[tuple[EditPattern, ...], list[tuple[int, ...]]]:
    """``sections``: each changed section's name and edits, in report order.

    Returns the patterns, and for each section the indexes of the patterns
    that explain all its edits (empty when some edit is in no pattern)."""
    where: dict[Edit, list[int]] = {}
    distinct: list[set[Edit]] = []
    for index, (_name, section_edits) in enumerate(sections):
        unique = set(section_edits)
        distinct.append(unique)
        for edit in unique:
            where.setdefault(edit, []).append(index)
    frequent = [(edit, found) for edit, found in where.items() if len(found) >= MIN_SECTIONS]
    frequent.sort(key=lambda item: (-len(item[1]), item[1][0], describe(item[0])))
    number = {edit: n for n, (edit, _found) in enumerate(frequent)}
    patterns = tuple(
        EditPattern(
            description=describe(edit),
            removed=edit.removed,
            added=edit.added,
            count=len(found),
            sections=tuple(sections[i][0] for i in found),
            whole_line=edit.whole_line,
        )
        for edit, found in frequent
    )
    explained = [
        tuple(sorted(number[e] for e in unique)) if unique and unique <= number.keys() else ()
        for unique in distinct
    ]
    return patterns, explained
