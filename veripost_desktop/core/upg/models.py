"""Result objects of the UPG parser: frozen, typed, safe to pass across threads.

Every parser returns one of these and never raises for bad input: what is
wrong with a file is reported as a ``PackageWarning`` on the result. Every
result has ``to_dict()`` returning plain JSON-able data (str, int, bool,
None, lists and dicts) for the catalog and the CLI's ``--json`` output.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from veripost_desktop.core.upg.indexed_text import IndexedText


class SectionKind(StrEnum):
    CALC = "CALC"
    TEMPLATE = "TEMPLATE"


class LibraryRefKind(StrEnum):
    LIBRARY = "LIBRARY"
    INCLUDE = "INCLUDE"


class WarningCode(StrEnum):
    """Stable warning codes. Never rename one: scripts and the catalog rely on them."""

    # Found in one file
    NOT_TEXT = "not_text"
    EMPTY_FILE = "empty_file"
    UNDECODABLE_CHARACTERS = "undecodable_characters"
    DUPLICATE_SECTION = "duplicate_section"
    SECTION_WITHOUT_NAME = "section_without_name"
    UNTERMINATED_ATTRIBUTE_BLOCK = "unterminated_attribute_block"
    UNTERMINATED_OPERATION_BLOCK = "unterminated_operation_block"
    EMPTY_LIBRARY_REFERENCE = "empty_library_reference"
    PINF_MISSING_POST_NAME = "pinf_missing_post_name"
    KIN_UNEXPECTED_LAYOUT = "kin_unexpected_layout"
    LNG_MALFORMED_LINES = "lng_malformed_lines"

    # Found by comparing the files of a package
    MISSING_LIBRARY = "missing_library"
    CTL_WITHOUT_LNG = "ctl_without_lng"
    BASE_NAME_MISMATCH = "base_name_mismatch"
    UNDEFINED_CALL = "undefined_call"
    MULTIPLE_SRC_FILES = "multiple_src_files"


def to_jsonable(value: Any) -> Any:
    """Turn result objects (dataclasses, enums, tuples) into plain JSON data."""
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


class _PickledAsCall:
    """Pickles as a call of the class with its fields, in order.

    A parse process sends its findings back pickled; a large post holds
    thousands of sections. The default for a slotted dataclass restores each
    object through ``dataclasses.fields`` in Python, which made unpickling
    in the app cost more GIL time than the parsing it replaced.
    """

    __slots__ = ()

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        names: tuple[str, ...] = self.__slots__  # the dataclass's own slots, in field order
        return type(self), tuple(getattr(self, name) for name in names)


@dataclass(frozen=True, slots=True)
class PackageWarning(_PickledAsCall):
    """Something an engineer should look at; never stops a package from being stored.

    ``code`` is stable and machine-readable, ``text`` is plain English, and
    ``filename`` names the file the finding is about (``line`` when known).
    """

    code: WarningCode
    text: str
    filename: str
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(to_jsonable(self))


@dataclass(frozen=True, slots=True)
class Section(_PickledAsCall):
    """One ``:SECTION=`` line of a .SRC or .LIB.

    An active section runs from its ``:SECTION=`` line to the line before the
    next active one (or the end of the file). A commented-out one
    (``*:SECTION=``) is a single comment line: ``first_line == last_line``.
    Line numbers are 1-based.
    """

    name: str
    kind: SectionKind
    params: str | None
    first_line: int
    last_line: int
    active: bool


@dataclass(frozen=True, slots=True)
class AttributeBlock(_PickledAsCall):
    """An ``:ATTRNAME=`` ... ``:ATTREND`` block (a "question")."""

    name: str
    attr_type: str | None
    default: str | None
    first_line: int
    last_line: int


@dataclass(frozen=True, slots=True)
class OperationBlock(_PickledAsCall):
    """An ``:OPERID=`` ... ``:OPEREND`` block."""

    oper_id: str
    line: int


@dataclass(frozen=True, slots=True)
class LibraryRef(_PickledAsCall):
    """A ``:LIBRARY=`` or ``:INCLUDE=`` line.

    ``file_name`` is the last component of ``raw`` (after ``\\`` or ``/``):
    the only part that can be resolved inside a package. ``found`` is None
    until ``analyse_package`` has looked for it among the package's files.
    """

    kind: LibraryRefKind
    raw: str
    file_name: str
    line: int
    is_master: bool
    from_file: str
    found: bool | None = None


@dataclass(frozen=True, slots=True)
class CallRef(_PickledAsCall):
    """A ``CALL(NAME)`` in a calc line; ``section`` is the enclosing section, if any."""

    target: str
    line: int
    section: str | None


@dataclass(frozen=True, slots=True)
class SourceFile(_PickledAsCall):
    """What one .SRC or .LIB holds. Counts are derived from the tuples."""

    filename: str
    line_count: int
    is_text: bool
    sections: tuple[Section, ...] = ()
    attributes: tuple[AttributeBlock, ...] = ()
    operations: tuple[OperationBlock, ...] = ()
    library_refs: tuple[LibraryRef, ...] = ()
    calls: tuple[CallRef, ...] = ()
    define_count: int = 0
    system: str | None = None
    machine: str | None = None
    controller: str | None = None
    warnings: tuple[PackageWarning, ...] = ()

    @property
    def active_count(self) -> int:
        return sum(1 for s in self.sections if s.active)

    @property
    def calc_count(self) -> int:
        return sum(1 for s in self.sections if s.active and s.kind is SectionKind.CALC)

    @property
    def template_count(self) -> int:
        return sum(1 for s in self.sections if s.active and s.kind is SectionKind.TEMPLATE)

    @property
    def commented_out_count(self) -> int:
        return sum(1 for s in self.sections if not s.active)

    @property
    def attribute_count(self) -> int:
        return len(self.attributes)

    @property
    def operation_count(self) -> int:
        return len(self.operations)

    @property
    def library_line_count(self) -> int:
        """``:LIBRARY=`` lines only (``:INCLUDE=`` lines are in ``library_refs`` too)."""
        return sum(1 for r in self.library_refs if r.kind is LibraryRefKind.LIBRARY)

    @property
    def active_sections(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.active)

    def counts(self) -> dict[str, int]:
        return {
            "active": self.active_count,
            "calc": self.calc_count,
            "template": self.template_count,
            "commented_out": self.commented_out_count,
            "attributes": self.attribute_count,
            "operations": self.operation_count,
            "library_lines": self.library_line_count,
            "defines": self.define_count,
        }

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = to_jsonable(self)
        data["counts"] = self.counts()
        return data


@dataclass(frozen=True, slots=True)
class PostInfo(_PickledAsCall):
    """A .PINF: ``Key = Value`` lines. Keys are matched case-insensitively."""

    filename: str
    post_name: str | None = None
    post_extension: str | None = None
    short_info: str | None = None
    long_info: str | None = None
    entries: tuple[tuple[str, str], ...] = ()
    is_text: bool = True
    warnings: tuple[PackageWarning, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = to_jsonable(self)
        data["entries"] = [{"key": k, "value": v} for k, v in self.entries]
        return data


KNOWN_KIN_LAYOUTS: tuple[int, ...] = (19, 22)


@dataclass(frozen=True, slots=True)
class KinematicsEntry(_PickledAsCall):
    line: int
    value: str
    description: str


@dataclass(frozen=True, slots=True)
class KinematicsFile(_PickledAsCall):
    """A .KIN: one ``<value> * <description>`` per line, 19 lines (22 in newer releases).

    Blank lines are neither entries nor malformed; ``known_layout`` is 19 or
    22 when the file is exactly that many well-formed lines, else None.
    """

    filename: str
    line_count: int
    entries: tuple[KinematicsEntry, ...] = ()
    malformed_lines: tuple[int, ...] = ()
    blank_line_count: int = 0
    is_text: bool = True
    warnings: tuple[PackageWarning, ...] = ()

    @property
    def well_formed_count(self) -> int:
        return len(self.entries)

    @property
    def known_layout(self) -> int | None:
        if not self.malformed_lines and self.well_formed_count in KNOWN_KIN_LAYOUTS:
            return self.well_formed_count
        return None

    @property
    def matches_known_layout(self) -> bool:
        return self.known_layout is not None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = to_jsonable(self)
        data["well_formed_count"] = self.well_formed_count
        data["known_layout"] = self.known_layout
        data["matches_known_layout"] = self.matches_known_layout
        return data


@dataclass(frozen=True, slots=True)
class LanguageEntry(_PickledAsCall):
    line: int
    number: int
    text: str


@dataclass(frozen=True, slots=True)
class LanguageFile(_PickledAsCall):
    """A .LNG: each line 70 space-padded characters, then ``:NNNN:``."""

    filename: str
    line_count: int
    entries: tuple[LanguageEntry, ...] = ()
    malformed_lines: tuple[int, ...] = ()
    blank_line_count: int = 0
    is_text: bool = True
    warnings: tuple[PackageWarning, ...] = ()

    @property
    def entry_count(self) -> int:
        return len(self.entries)

    @property
    def malformed_count(self) -> int:
        return len(self.malformed_lines)

    @property
    def numbers_sequential(self) -> bool:
        """True when the entries are numbered 1, 2, 3 ... in file order."""
        return all(e.number == i for i, e in enumerate(self.entries, start=1))

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = to_jsonable(self)
        data["entry_count"] = self.entry_count
        data["malformed_count"] = self.malformed_count
        data["numbers_sequential"] = self.numbers_sequential
        return data


@dataclass(frozen=True, slots=True)
class PackageFile(_PickledAsCall):
    """One file of a package. ``extension`` is upper-case without the dot.

    Exactly one of ``source`` / ``post_info`` / ``kinematics`` / ``language``
    is set for the extensions that are parsed; other files (``.CTL``,
    ``.CNF``, ``.ATR``, ``.RTF`` ...) are only listed. The count properties
    are 0 for files that are not .SRC or .LIB.
    """

    filename: str
    extension: str
    size: int
    source: SourceFile | None = None
    post_info: PostInfo | None = None
    kinematics: KinematicsFile | None = None
    language: LanguageFile | None = None

    @property
    def active_count(self) -> int:
        return self.source.active_count if self.source else 0

    @property
    def calc_count(self) -> int:
        return self.source.calc_count if self.source else 0

    @property
    def template_count(self) -> int:
        return self.source.template_count if self.source else 0

    @property
    def commented_out_count(self) -> int:
        return self.source.commented_out_count if self.source else 0

    @property
    def sections(self) -> tuple[Section, ...]:
        return self.source.sections if self.source else ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "extension": self.extension,
            "size": self.size,
            "active": self.active_count,
            "calc": self.calc_count,
            "template": self.template_count,
            "commented_out": self.commented_out_count,
            "source": self.source.to_dict() if self.source else None,
            "post_info": self.post_info.to_dict() if self.post_info else None,
            "kinematics": self.kinematics.to_dict() if self.kinematics else None,
            "language": self.language.to_dict() if self.language else None,
        }


@dataclass(frozen=True, slots=True)
class SectionHash(_PickledAsCall):
    """One section key of the post's .SRC (``file_role`` "src") or own .LIB
    ("lib"), active or commented out, and the hash of its body: all copies of
    the key taken together (``section_identity.copies_hash``)."""

    file_role: str
    key: str
    active: bool
    body_hash: str


@dataclass(frozen=True, slots=True)
class PackageAnalysis(_PickledAsCall):
    """Everything ``analyse_package`` found in one post's files.

    ``warnings`` holds the per-file findings of every file followed by the
    cross-file ones. ``unresolved_calls`` lists ``CALL`` targets defined in no
    file of the package even when they are not warned about (see
    ``package_analysis`` for the rule).
    """

    files: tuple[PackageFile, ...]
    section_count: int
    machine: str | None
    controller: str | None
    system: str | None
    post_name: str | None
    post_extension: str | None
    library_refs: tuple[LibraryRef, ...]
    unresolved_calls: tuple[CallRef, ...]
    warnings: tuple[PackageWarning, ...]
    src_filename: str | None = None
    # The text the search index is built from (issue 14; ``indexed_text.py``).
    indexed_texts: tuple[IndexedText, ...] = ()
    # A hash per section body of the post's .SRC and own .LIB, for ranking
    # similar posts without reading sources (issue 13; ``section_identity.py``).
    section_hashes: tuple[SectionHash, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "src_filename": self.src_filename,
            "section_count": self.section_count,
            "machine": self.machine,
            "controller": self.controller,
            "system": self.system,
            "post_name": self.post_name,
            "post_extension": self.post_extension,
            "files": [f.to_dict() for f in self.files],
            "library_refs": to_jsonable(self.library_refs),
            "unresolved_calls": to_jsonable(self.unresolved_calls),
            "warnings": [w.to_dict() for w in self.warnings],
        }
