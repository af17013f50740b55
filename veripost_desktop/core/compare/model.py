"""What a comparison of two posts is: plain immutable records, safe to hand
across threads to the GUI and to print as the CLI's ``diff --json``.

The section rules (headers, keys, equal bodies) are those of
``core/upg/section_identity.py``; the JSON shape is a contract (README).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ChangeKind(StrEnum):
    CHANGED = "changed"  # active in both, bodies differ
    ADDED = "added"  # active only in B, absent from A
    UNCOMMENTED = "uncommented"  # active only in B, commented out in A
    REMOVED = "removed"  # active only in A, absent from B
    COMMENTED_OUT = "commented_out"  # active only in A, commented out in B


class FileRole(StrEnum):
    SRC = "src"  # the package's .SRC
    LIB = "lib"  # the package's own .LIB (named by :LIBRARY= with .\ or by the same stem)


@dataclass(frozen=True)
class Side:
    """One of the two posts: a catalog package, or a ZIP read but not stored."""

    package_id: str | None
    name: str
    path: str | None  # the ZIP's path for a ZIP; None for a stored package

    def to_json(self) -> dict[str, Any]:
        return {"package_id": self.package_id, "name": self.name, "path": self.path}


@dataclass(frozen=True)
class SectionChange:
    file: FileRole
    name: str  # the section key
    change: ChangeKind
    lines_added: int
    lines_removed: int
    a_line: int | None  # header line in A, 1-based; None when not in A
    b_line: int | None
    # The two bodies as compared (header line first; line ends, trailing
    # blanks and trailing blank lines dropped; the copies of a key written
    # twice one after the other); empty when absent. For ``uncommented`` /
    # ``commented_out`` the side where the key is commented out holds that
    # commented-out section (its header line in a_line / b_line).
    a_body: tuple[str, ...] = ()
    b_body: tuple[str, ...] = ()
    # Indexes into PackageComparison.patterns of the patterns that, together,
    # explain every edit of this section (empty: it has other edits too).
    explained_by: tuple[int, ...] = ()
    # The file line number (1-based) of each line of a_body / b_body.
    a_numbers: tuple[int, ...] = ()
    b_numbers: tuple[int, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file.value,
            "name": self.name,
            "change": self.change.value,
            "lines_added": self.lines_added,
            "lines_removed": self.lines_removed,
            "a_line": self.a_line,
            "b_line": self.b_line,
        }


@dataclass(frozen=True)
class EditPattern:
    """The same edit repeated in 3 or more changed sections."""

    description: str  # e.g. 'removed "<N>"'
    removed: str  # the text removed ("" when only added)
    added: str  # the text added ("" when only removed)
    count: int  # how many sections have it
    sections: tuple[str, ...]  # their keys
    # "removed" / "added": a whole line (its text in removed / added); None:
    # text within a line.
    whole_line: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "description": self.description,
            "removed": self.removed,
            "added": self.added,
            "count": self.count,
            "sections": list(self.sections),
            "whole_line": self.whole_line,
        }


@dataclass(frozen=True)
class DescriptorChange:
    attribute: str  # MACHINE NAME, CONTROLLER TYPE, ...
    a: str | None
    b: str | None

    def to_json(self) -> dict[str, Any]:
        return {"attribute": self.attribute, "a": self.a, "b": self.b}


@dataclass(frozen=True)
class FileChange:
    extension: str
    a_name: str | None
    b_name: str | None
    change: str  # "added" | "removed" | "changed" | "unchanged"

    def to_json(self) -> dict[str, Any]:
        return {
            "extension": self.extension,
            "a_name": self.a_name,
            "b_name": self.b_name,
            "change": self.change,
        }


@dataclass(frozen=True)
class PackageComparison:
    a: Side
    b: Side
    similarity: float
    unchanged_sections: int
    sections: tuple[SectionChange, ...]  # in B's file order; removed ones where they stood in A
    patterns: tuple[EditPattern, ...]  # most frequent first
    descriptor: tuple[DescriptorChange, ...]
    library_refs_added: tuple[str, ...] = ()
    library_refs_removed: tuple[str, ...] = ()
    files: tuple[FileChange, ...] = field(default=())

    def counts(self) -> dict[str, int]:
        """How many sections of each change kind."""
        out = {kind.value: 0 for kind in ChangeKind}
        for s in self.sections:
            out[s.change.value] += 1
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a.to_json(),
            "b": self.b.to_json(),
            "similarity": self.similarity,
            "unchanged_sections": self.unchanged_sections,
            "sections": [s.to_json() for s in self.sections],
            "patterns": [p.to_json() for p in self.patterns],
            "descriptor": [d.to_json() for d in self.descriptor],
            "library_refs": {
                "added": list(self.library_refs_added),
                "removed": list(self.library_refs_removed),
            },
            "files": [f.to_json() for f in self.files],
        }
