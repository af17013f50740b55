"""One file of each post compared key by key (the rule of
``core/upg/section_identity.py``): which keys changed, appeared, went, or
were commented out or in, in the order a person reads them."""

from __future__ import annotations

from dataclasses import dataclass, field

from veripost_desktop.core.compare.line_diff import count_lines
from veripost_desktop.core.compare.model import ChangeKind, FileRole, SectionChange
from veripost_desktop.core.upg.section_identity import (
    SectionSpan,
    key_copies,
    normalised_body,
    split_sections,
)
from veripost_desktop.core.upg.text_decoding import decode_text, split_lines


@dataclass(frozen=True)
class FileSections:
    """A .SRC or .LIB cut into keys; empty for a missing or binary file."""

    lines: list[str] = field(default_factory=list)
    active: dict[str, list[SectionSpan]] = field(default_factory=dict)
    commented: dict[str, list[SectionSpan]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)  # every key, by first appearance

    @classmethod
    def read(cls, data: bytes | None, filename: str) -> FileSections:
        if data is None:
            return cls()
        decoded = decode_text(data, filename)
        if not decoded.is_text:
            return cls()
        lines = split_lines(decoded.text)
        sections = cls(lines)
        seen: set[str] = set()
        for (key, active), copies in key_copies(split_sections(lines)).items():
            (sections.active if active else sections.commented)[key] = copies
            if key not in seen:
                seen.add(key)
                sections.order.append(key)
        return sections

    def bodies(self, copies: list[SectionSpan]) -> list[list[str]]:
        return [normalised_body(self.lines[s.start : s.end]) for s in copies]

    def body(self, copies: list[SectionSpan] | None) -> tuple[tuple[str, ...], tuple[int, ...]]:
        """The copies' normalised bodies one after the other, and the file
        line number (1-based) of each of their lines."""
        lines: list[str] = []
        numbers: list[int] = []
        for span in copies or ():
            body = normalised_body(self.lines[span.start : span.end])
            lines.extend(body)
            numbers.extend(range(span.start + 1, span.start + 1 + len(body)))
        return tuple(lines), tuple(numbers)


@dataclass(frozen=True)
class FileDiff:
    changes: list[SectionChange]
    unchanged: int  # keys active in both with equal bodies
    keys: int  # keys active in either


def _report_order(a: FileSections, b: FileSections) -> list[str]:
    """B's keys in B's order, with A's keys absent from B placed where they
    stood in A (after the key that came before them there)."""
    in_b = set(b.order)
    leading: list[str] = []
    after: dict[str, list[str]] = {}
    anchor: str | None = None
    for key in a.order:
        if key in in_b:
            anchor = key
        else:
            (after.setdefault(anchor, []) if anchor is not None else leading).append(key)
    out = list(leading)
    for key in b.order:
        out.append(key)
        out.extend(after.get(key, ()))
    return out


def _header(copies: list[SectionSpan] | None) -> int | None:
    return copies[0].header_line if copies else None


def diff_file(role: FileRole, a: FileSections, b: FileSections) -> FileDiff:
    changes: list[SectionChange] = []
    unchanged = keys = 0
    for key in _report_order(a, b):
        a_active, b_active = a.active.get(key), b.active.get(key)
        if a_active is None and b_active is None:
            continue  # commented out (or absent) on both sides
        keys += 1
        if (
            a_active is not None
            and b_active is not None
            and a.bodies(a_active) == b.bodies(b_active)
        ):
            unchanged += 1
            continue
        # The copies shown on each side: the active ones, else the commented-out ones.
        a_shown = a_active if a_active is not None else a.commented.get(key)
        b_shown = b_active if b_active is not None else b.commented.get(key)
        (a_body, a_numbers), (b_body, b_numbers) = a.body(a_shown), b.body(b_shown)
        if a_active is not None and b_active is not None:
            added, removed = count_lines(a_body, b_body)
            kind = ChangeKind.CHANGED
        elif b_active is not None:
            kind = ChangeKind.UNCOMMENTED if a_shown else ChangeKind.ADDED
            added, removed = len(b_body), 0
        else:
            kind = ChangeKind.COMMENTED_OUT if b_shown else ChangeKind.REMOVED
            added, removed = 0, len(a_body)
        changes.append(
            SectionChange(
                role,
                key,
                kind,
                added,
                removed,
                _header(a_shown),
                _header(b_shown),
                a_body,
                b_body,
                a_numbers=a_numbers,
                b_numbers=b_numbers,
            )
        )
    return FileDiff(changes, unchanged, keys)
