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

    def body(self, copies: list[SectionSpan] | None) -> tuple[str, ...]:
        """The copies' normalised bodies one after the other."""
        if not copies:
            return ()
        return tuple(line for body in self.bodies(copies) for line in body)


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
        if a_active is not None and b_active is not None:
            if a.bodies(a_active) == b.bodies(b_active):
                unchanged += 1
                continue
            a_body, b_body = a.body(a_active), b.body(b_active)
            added, removed = count_lines(a_body, b_body)
            changes.append(
                SectionChange(
                    role, key, ChangeKind.CHANGED, added, removed,
                    _header(a_active), _header(b_active), a_body, b_body,
                )
            )  # fmt: skip
        elif b_active is not None:
            a_copies = a.commented.get(key)
            kind = ChangeKind.UNCOMMENTED if a_copies else ChangeKind.ADDED
            b_body = b.body(b_active)
            changes.append(
                SectionChange(
                    role, key, kind, len(b_body), 0,
                    _header(a_copies), _header(b_active), a.body(a_copies), b_body,
                )
            )  # fmt: skip
        else:
            b_copies = b.commented.get(key)
            kind = ChangeKind.COMMENTED_OUT if b_copies else ChangeKind.REMOVED
            a_body = a.body(a_active)
            changes.append(
                SectionChange(
                    role, key, kind, 0, len(a_body),
                    _header(a_active), _header(b_copies), a_body, b.body(b_copies),
                )
            )  # fmt: skip
    return FileDiff(changes, unchanged, keys)
