"""One post's files taken together: what they hold and what looks wrong between them.

``analyse_package`` parses every file it knows by extension (any case) and
lists the others. Findings are **warnings**, never errors: a package with
warnings is still a package an engineer may want to store and share.

Cross-file rules
----------------
``missing_library``
    A ``:LIBRARY=`` / ``:INCLUDE=`` whose file name (the last path component,
    compared case-insensitively) is not among the package's files, unless
    it names a vendor master library (rule in ``library_refs``).
``ctl_without_lng``
    A ``.CTL`` with no ``.LNG`` of the same base name.
``base_name_mismatch``
    A ``.LIB .CTL .LNG .KIN .PINF .CNF .ATR`` or further ``.SRC`` whose base
    name differs (case-insensitively) from the package's ``.SRC``. A library
    the sources name by ``:LIBRARY=`` / ``:INCLUDE=`` is exempt: its name is
    chosen by the reference. Other files (``.RTF`` setup sheets, named by the
    ``.PINF``) are not compared.
``undefined_call``
    A ``CALL(NAME)`` whose target is not an active section of any ``.SRC`` or
    ``.LIB`` of the package (names compared case-sensitively, as UPG does).
    It is only warned when the package can be fully known: no source
    references a master library (whose sections cannot be seen here: the
    GRBL posts call ``CALC_ENGMET`` from ``MILL.LIB``), no own library is
    missing (already warned, and the targets are probably in it), and every
    ``.SRC`` / ``.LIB`` is text. Unresolved calls are always listed in
    ``PackageAnalysis.unresolved_calls``, warned or not.
``multiple_src_files``
    More than one ``.SRC``: the one sharing its base name with the most files
    (the first by name on a tie) is taken as the post's.

Per-file findings (``not_text``, ``duplicate_section`` ...) come from the
file parsers and are listed first, in file order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from functools import cache

from veripost_desktop.core.upg.companion_files import parse_kin, parse_lng, parse_pinf
from veripost_desktop.core.upg.file_names import base_name, split_extension
from veripost_desktop.core.upg.indexed_text import ReadFile, indexed_texts
from veripost_desktop.core.upg.models import (
    CallRef,
    LibraryRef,
    LibraryRefKind,
    PackageAnalysis,
    PackageFile,
    PackageWarning,
    SectionHash,
    SourceFile,
    WarningCode,
)
from veripost_desktop.core.upg.section_identity import (
    own_library,
    read_sectioned_lines,
    section_hashes,
)
from veripost_desktop.core.upg.source_parser import parse_source

SOURCE_EXTENSIONS = frozenset({"SRC", "LIB"})
# The files of one post that are expected to share the .SRC's base name.
SAME_NAME_EXTENSIONS = frozenset({"SRC", "LIB", "CTL", "LNG", "KIN", "PINF", "CNF", "ATR"})


def _parse_file(filename: str, data: bytes) -> PackageFile:
    _stem, extension = split_extension(filename)
    entry = PackageFile(filename=filename, extension=extension, size=len(data))
    if extension in SOURCE_EXTENSIONS:
        return dataclasses.replace(entry, source=parse_source(data, filename))
    if extension == "PINF":
        return dataclasses.replace(entry, post_info=parse_pinf(data, filename))
    if extension == "KIN":
        return dataclasses.replace(entry, kinematics=parse_kin(data, filename))
    if extension == "LNG":
        return dataclasses.replace(entry, language=parse_lng(data, filename))
    return entry


def _file_warnings(entry: PackageFile) -> tuple[PackageWarning, ...]:
    for parsed in (entry.source, entry.post_info, entry.kinematics, entry.language):
        if parsed is not None:
            return parsed.warnings
    return ()


def _first(values: list[str | None]) -> str | None:
    return next((v for v in values if v), None)


def analyse_package(files: Mapping[str, bytes]) -> PackageAnalysis:
    """Parse every file of one post (name -> bytes) and check them against each other.

    Names may carry folders (``"post/GRBL-Post.SRC"``); only the last
    component is used to match files. Never raises for bad content.
    """
    # Each text file is cut into lines and sections once, for both the
    # section hashes and the search index (the parser has its own pass).
    read = cache(lambda name: read_sectioned_lines(files[name], name))
    entries = [
        _parse_file(name, data)
        for name, data in sorted(files.items(), key=lambda item: (item[0].casefold(), item[0]))
    ]
    warnings: list[PackageWarning] = [w for e in entries for w in _file_warnings(e)]

    sources = [e.source for e in entries if e.source is not None]
    src_entries = [e for e in entries if e.extension == "SRC"]
    primary = _primary_source(entries, src_entries)
    if primary is not None and len(src_entries) > 1:
        others = [e for e in src_entries if e is not primary]
        warnings.append(
            PackageWarning(
                WarningCode.MULTIPLE_SRC_FILES,
                f"The package has more than one .SRC; {base_name(primary.filename)} is taken as "
                f"the post's source and {', '.join(base_name(e.filename) for e in others)} "
                "ignored for its name and settings.",
                others[0].filename,
            )
        )

    library_refs = _resolve_library_refs(entries, sources, warnings)
    _check_ctl_has_lng(entries, warnings)
    if primary is not None:
        _check_base_names(entries, primary, library_refs, warnings)
    unresolved = _check_calls(sources, library_refs, warnings)

    # The post's own .SRC speaks first, then any other source (e.g. a .LIB).
    ordered_sources = ([primary.source] if primary and primary.source else []) + [
        s for s in sources if primary is None or s is not primary.source
    ]
    post_info = next((e.post_info for e in entries if e.post_info is not None), None)
    return PackageAnalysis(
        files=tuple(entries),
        section_count=sum(s.active_count for s in sources),
        machine=_first([s.machine for s in ordered_sources]),
        controller=_first([s.controller for s in ordered_sources]),
        system=_first([s.system for s in ordered_sources]),
        post_name=post_info.post_name if post_info else None,
        post_extension=post_info.post_extension if post_info else None,
        library_refs=library_refs,
        unresolved_calls=unresolved,
        warnings=tuple(warnings),
        src_filename=primary.filename if primary else None,
        indexed_texts=indexed_texts({e.filename: files[e.filename] for e in entries}, read),
        section_hashes=_section_hashes(read, entries, primary),
    )


def _primary_source(
    entries: list[PackageFile], src_entries: list[PackageFile]
) -> PackageFile | None:
    """The .SRC that most other files share a base name with (first by name on a tie)."""
    name = primary_source_name(e.filename for e in entries)
    return next((e for e in src_entries if e.filename == name), None)


def primary_source_name(filenames: Iterable[str]) -> str | None:
    """The post's .SRC among a package's file names: the one that most other
    files share a base name with (first by name on a tie)."""
    names = sorted(filenames, key=lambda name: (name.casefold(), name))
    srcs = [name for name in names if split_extension(name)[1] == "SRC"]
    if len(srcs) <= 1:
        return srcs[0] if srcs else None
    stems = [split_extension(name)[0].upper() for name in names]

    def shared(name: str) -> int:
        return stems.count(split_extension(name)[0].upper())

    best = max(shared(name) for name in srcs)
    return next(name for name in srcs if shared(name) == best)


def _section_hashes(
    read: ReadFile, entries: list[PackageFile], primary: PackageFile | None
) -> tuple[SectionHash, ...]:
    """The section keys and body hashes of the post's .SRC and own .LIB (the
    files a comparison pairs; rule in ``section_identity``)."""
    if primary is None or primary.source is None:
        return ()
    library_paths = [
        ref.raw for ref in primary.source.library_refs if ref.kind is LibraryRefKind.LIBRARY
    ]
    lib = own_library(primary.filename, library_paths, [e.filename for e in entries])
    out: list[SectionHash] = []
    for role, name in (("src", primary.filename), ("lib", lib)):
        if name is None:
            continue
        lines = read(name)
        if lines is not None:
            out.extend(
                SectionHash(role, key, active, digest)
                for key, active, digest in section_hashes(lines.lines, lines.spans())
            )
    return tuple(out)


def _resolve_library_refs(
    entries: list[PackageFile], sources: list[SourceFile], warnings: list[PackageWarning]
) -> tuple[LibraryRef, ...]:
    present = {base_name(e.filename).upper() for e in entries}
    resolved: list[LibraryRef] = []
    for source in sources:
        for ref in source.library_refs:
            found = ref.file_name.upper() in present
            resolved.append(dataclasses.replace(ref, found=found))
            if not found and not ref.is_master:
                warnings.append(
                    PackageWarning(
                        WarningCode.MISSING_LIBRARY,
                        f"{base_name(ref.from_file)} line {ref.line} names the library "
                        f"{ref.file_name} (:{ref.kind}={ref.raw}), but the package has no file "
                        "of that name. The post will not compile without it.",
                        ref.from_file,
                        ref.line,
                    )
                )
    return tuple(resolved)


def _check_ctl_has_lng(entries: list[PackageFile], warnings: list[PackageWarning]) -> None:
    lng_stems = {split_extension(e.filename)[0].upper(): e for e in entries if e.extension == "LNG"}
    # Named once, not once per .CTL: a package of hundreds of each would
    # otherwise join every .LNG name for every .CTL.
    other = ""
    if lng_stems:
        names = ", ".join(base_name(e.filename) for e in lng_stems.values())
        other = f" (the package's .LNG, {names}, has another name)"
    for entry in entries:
        if entry.extension != "CTL":
            continue
        stem = split_extension(entry.filename)[0]
        if stem.upper() in lng_stems:
            continue
        warnings.append(
            PackageWarning(
                WarningCode.CTL_WITHOUT_LNG,
                f"{base_name(entry.filename)} has no {stem}.LNG beside it{other}. CAMWorks "
                "needs the .LNG prompt strings to run the compiled post.",
                entry.filename,
            )
        )


def _check_base_names(
    entries: list[PackageFile],
    primary: PackageFile,
    library_refs: tuple[LibraryRef, ...],
    warnings: list[PackageWarning],
) -> None:
    expected = split_extension(primary.filename)[0]
    referenced = {ref.file_name.upper() for ref in library_refs}
    for entry in entries:
        if entry is primary or entry.extension not in SAME_NAME_EXTENSIONS:
            continue
        name = base_name(entry.filename)
        if split_extension(name)[0].upper() == expected.upper() or name.upper() in referenced:
            continue
        warnings.append(
            PackageWarning(
                WarningCode.BASE_NAME_MISMATCH,
                f"{name} does not share the base name of the post's source "
                f"{base_name(primary.filename)} (expected {expected}.{entry.extension}). "
                "All files of one post normally share one base name.",
                entry.filename,
            )
        )


def _check_calls(
    sources: list[SourceFile],
    library_refs: tuple[LibraryRef, ...],
    warnings: list[PackageWarning],
) -> tuple[CallRef, ...]:
    defined: set[str] = set()
    commented_out: set[str] = set()
    for source in sources:
        for section in source.sections:
            (defined if section.active else commented_out).add(section.name)
    unresolved = [
        (source, call) for source in sources for call in source.calls if call.target not in defined
    ]
    fully_known = (
        all(s.is_text for s in sources)
        and not any(ref.is_master for ref in library_refs)
        and all(ref.found for ref in library_refs)
    )
    if fully_known:
        by_upper = {name.upper(): name for name in sorted(defined)}
        for source, call in unresolved:
            hint = ""
            if call.target.upper() in by_upper:
                hint = (
                    f" A section {by_upper[call.target.upper()]} exists; section names are "
                    "case-sensitive."
                )
            elif call.target in commented_out:
                hint = " A section of that name exists but is commented out."
            warnings.append(
                PackageWarning(
                    WarningCode.UNDEFINED_CALL,
                    f"{base_name(source.filename)} line {call.line} calls {call.target}, which "
                    f"is not defined in any file of the package.{hint}",
                    source.filename,
                    call.line,
                )
            )
    return tuple(call for _source, call in unresolved)
