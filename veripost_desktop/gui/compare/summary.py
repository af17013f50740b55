"""The words the compare window uses for a comparison: change kinds, the
patterns as one line each, descriptor and file changes. No Qt, so the
window, its tests and the screenshots all read the same text."""

from __future__ import annotations

from collections.abc import Sequence

from veripost_desktop.core.compare.model import (
    ChangeKind,
    DescriptorChange,
    EditPattern,
    FileChange,
    PackageComparison,
    SectionChange,
)

#: A person's words for each change kind, in the order counts are listed.
KIND_LABELS: dict[ChangeKind, str] = {
    ChangeKind.CHANGED: "changed",
    ChangeKind.ADDED: "added",
    ChangeKind.REMOVED: "removed",
    ChangeKind.UNCOMMENTED: "uncommented",
    ChangeKind.COMMENTED_OUT: "commented out",
}

KIND_TIPS: dict[ChangeKind, str] = {
    ChangeKind.CHANGED: "Active in both posts, with different bodies",
    ChangeKind.ADDED: "Active only in B; A does not have it",
    ChangeKind.REMOVED: "Active only in A; B does not have it",
    ChangeKind.UNCOMMENTED: "Active in B, commented out in A",
    ChangeKind.COMMENTED_OUT: "Active in A, commented out in B",
}


def percent(similarity: float) -> str:
    """0.137 -> "14%"; never "100%" for posts that are not identical."""
    value = round(similarity * 100)
    if value == 100 and similarity < 1.0:
        value = 99
    if value == 0 and similarity > 0.0:
        return "<1%"
    return f"{value}%"


def counts_line(comparison: PackageComparison) -> str:
    """ "66 changed, 2 added, 11 unchanged" (kinds with none left out)."""
    counts = comparison.counts()
    parts = [
        f"{counts[kind.value]} {label}" for kind, label in KIND_LABELS.items() if counts[kind.value]
    ]
    parts.append(f"{comparison.unchanged_sections} unchanged")
    return ", ".join(parts)


def _sections(count: int) -> str:
    return f"{count} section" + ("" if count == 1 else "s")


def shown_text(text: str) -> str:
    """Blanks at either end made visible: ``"<N> "`` reads ``"<N>\u2423"``."""
    core = text.strip(" ")
    if not core:
        return "\u2423" * len(text)
    start = text.index(core)
    return "\u2423" * start + core + "\u2423" * (len(text) - start - len(core))


def pattern_line(pattern: EditPattern) -> str:
    """'"<N>" removed in 65 sections'; a whole line says so."""
    where = f"in {_sections(pattern.count)}"
    removed, added = shown_text(pattern.removed), shown_text(pattern.added)
    what = "line " if pattern.whole_line else ""
    if pattern.removed and pattern.added:
        return f'{what}"{removed}" replaced by "{added}" {where}'
    if pattern.removed:
        return f'{what}"{removed}" removed {where}'
    if pattern.added:
        return f'{what}"{added}" added {where}'
    return f"{pattern.description} {where}"


def explained_note(change: SectionChange) -> str:
    """ "pattern 1" / "patterns 1, 2" (numbered from 1 as the summary lists them)."""
    if not change.explained_by:
        return ""
    numbers = ", ".join(str(i + 1) for i in change.explained_by)
    return ("patterns " if len(change.explained_by) > 1 else "pattern ") + numbers


def explained_tip(change: SectionChange, patterns: Sequence[EditPattern]) -> str:
    if not change.explained_by:
        return ""
    lines = [
        f"{i + 1}. {pattern_line(patterns[i])}" for i in change.explained_by if i < len(patterns)
    ]
    return "Every edit in this section is one of the patterns:\n" + "\n".join(lines)


def lines_label(change: SectionChange) -> str:
    parts = []
    if change.lines_added:
        parts.append(f"+{change.lines_added}")
    if change.lines_removed:
        parts.append(f"\u2212{change.lines_removed}")  # a real minus sign
    return " ".join(parts)


def descriptor_line(change: DescriptorChange) -> str:
    a = change.a if change.a is not None else "(none)"
    b = change.b if change.b is not None else "(none)"
    return f"{change.attribute}: {a} \u2192 {b}"


def file_line(change: FileChange) -> str:
    if change.change == "added":
        return f"{change.b_name} added"
    if change.change == "removed":
        return f"{change.a_name} removed"
    if change.a_name and change.b_name and change.a_name != change.b_name:
        return f"{change.a_name} \u2192 {change.b_name} {change.change}"
    return f"{change.a_name or change.b_name} {change.change}"


def files_by_change(comparison: PackageComparison) -> list[str]:
    """ "changed: SRC, LIB, CTL" - one line per kind of change (names in the tooltip)."""
    kinds: dict[str, list[str]] = {}
    for f in comparison.files:
        if f.change != "unchanged":
            kinds.setdefault(f.change, []).append(f.extension.lstrip(".").upper())
    return [f"{change}: {', '.join(types)}" for change, types in kinds.items()]


def changed_files(comparison: PackageComparison) -> list[str]:
    return [file_line(f) for f in comparison.files if f.change != "unchanged"]


def library_lines(comparison: PackageComparison) -> list[str]:
    lines = [f"+ {ref}" for ref in comparison.library_refs_added]
    lines += [f"\u2212 {ref}" for ref in comparison.library_refs_removed]
    return lines
