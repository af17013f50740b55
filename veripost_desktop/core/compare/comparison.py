"""``compare``: two posts, section by section (issue 13).

Each post's ``.SRC`` is the one ``analyse_package`` takes as the post's
(``primary_source_name``), its own ``.LIB`` the one ``own_library`` names;
the .SRCs are compared with each other (``"file": "src"``), the own .LIBs
likewise (``"lib"``). The DESCRIPTOR defaults and library references come
from the parser's reading of those two files; every file of the packages is
compared by SHA-256, paired by extension.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from veripost_desktop.core.catalog import Catalog
from veripost_desktop.core.compare.line_diff import edits
from veripost_desktop.core.compare.model import (
    ChangeKind,
    DescriptorChange,
    FileChange,
    FileRole,
    PackageComparison,
)
from veripost_desktop.core.compare.package_sources import PostFile, PostSource, load_post
from veripost_desktop.core.compare.patterns import find_patterns
from veripost_desktop.core.compare.sections_diff import FileSections, diff_file
from veripost_desktop.core.config import Settings
from veripost_desktop.core.storage.object_store import ObjectStore
from veripost_desktop.core.upg.library_refs import clean_path
from veripost_desktop.core.upg.models import LibraryRefKind, SourceFile
from veripost_desktop.core.upg.package_analysis import primary_source_name
from veripost_desktop.core.upg.section_identity import own_library
from veripost_desktop.core.upg.source_parser import parse_source

_DESCRIPTOR = "DESCRIPTOR"
# Files listed in this order, then any other extension by name.
_EXTENSION_ORDER = (".SRC", ".LIB", ".CTL", ".LNG", ".KIN", ".ATR", ".PINF")


def compare(
    catalog: Catalog, store: ObjectStore, a_ref: str, b_ref: str, settings: Settings
) -> PackageComparison:
    """Compare two posts, each a package id of the catalog or the path of a ZIP
    (checked as ingestion checks it, read, never stored)."""
    return compare_posts(
        load_post(catalog, store, a_ref, settings), load_post(catalog, store, b_ref, settings)
    )


@dataclass(frozen=True)
class _Reading:
    src_name: str | None
    lib_name: str | None
    src: FileSections
    lib: FileSections
    parsed: tuple[SourceFile, ...]  # the .SRC, then the own .LIB


def _read(post: PostSource) -> _Reading:
    texts = post.texts()
    names = [f.name for f in post.files]
    src_name = primary_source_name(names)
    if src_name is None or texts.get(src_name) is None:
        return _Reading(None, None, FileSections(), FileSections(), ())
    parsed_src = parse_source(texts[src_name], src_name)
    library_paths = [r.raw for r in parsed_src.library_refs if r.kind is LibraryRefKind.LIBRARY]
    lib_name = own_library(src_name, library_paths, names)
    parsed = [parsed_src]
    if lib_name is not None and texts.get(lib_name) is not None:
        parsed.append(parse_source(texts[lib_name], lib_name))
    return _Reading(
        src_name,
        lib_name,
        FileSections.read(texts[src_name], src_name),
        FileSections.read(texts.get(lib_name) if lib_name else None, lib_name or ""),
        tuple(parsed),
    )


def compare_posts(a: PostSource, b: PostSource) -> PackageComparison:
    ra, rb = _read(a), _read(b)
    diffs = [
        diff_file(FileRole.SRC, ra.src, rb.src),
        diff_file(FileRole.LIB, ra.lib, rb.lib),
    ]
    changes = [c for d in diffs for c in d.changes]
    unchanged = sum(d.unchanged for d in diffs)
    keys = sum(d.keys for d in diffs)

    changed = [i for i, c in enumerate(changes) if c.change is ChangeKind.CHANGED]
    patterns, explained = find_patterns(
        [(changes[i].name, edits(changes[i].a_body, changes[i].b_body)) for i in changed]
    )
    for i, by in zip(changed, explained, strict=True):
        if by:
            changes[i] = dataclasses.replace(changes[i], explained_by=by)

    refs_added, refs_removed = _library_ref_changes(ra.parsed, rb.parsed)
    return PackageComparison(
        a=a.side,
        b=b.side,
        similarity=unchanged / keys if keys else 1.0,
        unchanged_sections=unchanged,
        sections=tuple(changes),
        patterns=patterns,
        descriptor=_descriptor_changes(ra.parsed, rb.parsed),
        library_refs_added=refs_added,
        library_refs_removed=refs_removed,
        files=_file_changes(a, b, (ra.src_name, rb.src_name), (ra.lib_name, rb.lib_name)),
    )


def _descriptors(parsed: Iterable[SourceFile]) -> dict[str, str | None]:
    """DESCRIPTOR attribute -> default, the .SRC's first, names as the parser
    normalises them (upper case, single blanks)."""
    out: dict[str, str | None] = {}
    for source in parsed:
        for block in source.attributes:
            if (block.attr_type or "").strip().upper() != _DESCRIPTOR:
                continue
            name = " ".join(block.name.upper().split())
            out.setdefault(name, block.default)
    return out


def _descriptor_changes(
    a: Iterable[SourceFile], b: Iterable[SourceFile]
) -> tuple[DescriptorChange, ...]:
    da, db = _descriptors(a), _descriptors(b)
    names = list(da) + [n for n in db if n not in da]
    return tuple(
        DescriptorChange(name, da.get(name), db.get(name))
        for name in names
        if da.get(name) != db.get(name)
    )


def _ref_key(raw: str) -> str:
    # Windows paths: case and the separator's direction do not matter.
    return clean_path(raw).replace("/", "\\").casefold()


def _library_ref_changes(
    a: Iterable[SourceFile], b: Iterable[SourceFile]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``:LIBRARY=`` / ``:INCLUDE=`` values of B not in A, and of A not in B."""
    a_refs = [r.raw for s in a for r in s.library_refs]
    b_refs = [r.raw for s in b for r in s.library_refs]

    def missing(refs: list[str], other: list[str]) -> tuple[str, ...]:
        left = [_ref_key(r) for r in other]
        out = []
        for raw in refs:
            key = _ref_key(raw)
            if key in left:
                left.remove(key)
            else:
                out.append(raw)
        return tuple(out)

    return missing(b_refs, a_refs), missing(a_refs, b_refs)


def _file_changes(
    a: PostSource,
    b: PostSource,
    srcs: tuple[str | None, str | None],
    libs: tuple[str | None, str | None],
) -> tuple[FileChange, ...]:
    extensions = {f.extension for f in (*a.files, *b.files)}
    ordered = [e for e in _EXTENSION_ORDER if e in extensions] + sorted(
        extensions - set(_EXTENSION_ORDER)
    )
    out: list[FileChange] = []
    for extension in ordered:
        fa = sorted((f for f in a.files if f.extension == extension), key=_name_order)
        fb = sorted((f for f in b.files if f.extension == extension), key=_name_order)
        pairs: list[tuple[PostFile | None, PostFile | None]] = []
        # The compared .SRC and own .LIB go together, then same names, then by name.
        leading = {".SRC": srcs, ".LIB": libs}.get(extension)
        if leading is not None:
            x = next((f for f in fa if f.name == leading[0]), None)
            y = next((f for f in fb if f.name == leading[1]), None)
            if x is not None and y is not None:
                pairs.append((x, y))
                fa.remove(x)
                fb.remove(y)
        for x in list(fa):
            y = next((f for f in fb if f.name.casefold() == x.name.casefold()), None)
            if y is not None:
                pairs.append((x, y))
                fa.remove(x)
                fb.remove(y)
        for i in range(max(len(fa), len(fb))):
            pairs.append((fa[i] if i < len(fa) else None, fb[i] if i < len(fb) else None))
        for x, y in pairs:
            if x is None:
                change = "added"
            elif y is None:
                change = "removed"
            else:
                change = "unchanged" if x.sha256 == y.sha256 else "changed"
            out.append(FileChange(extension, x.name if x else None, y.name if y else None, change))
    return tuple(out)


def _name_order(f: PostFile) -> tuple[str, str]:
    return f.name.casefold(), f.name
