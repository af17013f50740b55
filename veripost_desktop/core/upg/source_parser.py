"""The .SRC / .LIB parser: one pass over the lines, linear in the file's size.

Every line is a comment (first non-blank ``*``), blank, or a keyword line
``:KEYWORD=value`` / ``:KEYWORD`` (see ``docs/UPG_FORMAT.md``). Keywords are
matched in any case with blanks allowed around ``=``; section names keep
their case (``PROGRAM_STOP`` and ``program_stop`` are two sections).

How sections are counted (this reproduces the corpus figures exactly):

- an **active** section is a non-comment line ``:SECTION=NAME`` or
  ``:SECTION=NAME(params)``; it runs to the line before the next active
  section line, or to the end of the file;
- a **commented-out** section is a comment line whose text, once the
  leading blanks and ``*`` are dropped, is itself a section line
  (``*:SECTION=FASTLINE``, ``** :section = X``). Each such line counts once,
  whatever its name; it does not end the active section it sits in;
- the kind is ``CALC`` when the name starts with ``CALC`` (case as written),
  else ``TEMPLATE``.

How lines are skipped: most lines (body lines, blank lines, ordinary
comments) change nothing. ``parse_source`` does not hand every line to the
parser: one regular expression (``_LINE_TO_FEED_RE``), run in C over the
whole text, finds the lines that may matter - a superset of the lines
``_SourceParser.feed`` acts on - and only those are fed, with their line
numbers set from the count of line ends skipped. ``feed`` stays the one
definition of the grammar; the pattern only has to never miss a line it
would act on. Files with bare CR line ends, and ``parse_source_lines``, go
line by line through ``feed``.

Nothing here is quadratic: each line is scanned once by the skipping
pattern and, if fed, once more by ``feed``. The regular expressions use
possessive quantifiers (no backtracking); the skipping pattern's one lazy
run (up to a ``CALL(``) only makes a short fixed test at each character. No
list of lines is ever sliced or copied.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable

from veripost_desktop.core.upg.library_refs import (
    clean_path,
    is_master_library,
    resolved_file_name,
)
from veripost_desktop.core.upg.models import (
    AttributeBlock,
    CallRef,
    LibraryRef,
    LibraryRefKind,
    OperationBlock,
    PackageWarning,
    Section,
    SectionKind,
    SourceFile,
    WarningCode,
)
from veripost_desktop.core.upg.syntax import KEYWORD_RE, is_calc_marker
from veripost_desktop.core.upg.text_decoding import decode_text, empty_file_warning, split_lines

_CALL_RE = re.compile(r"\bCALL[ \t]*+\([ \t]*+(\w++)[ \t]*+\)", re.ASCII | re.IGNORECASE)

_MACHINE_ATTRIBUTE = "MACHINE NAME"
_CONTROLLER_ATTRIBUTE = "CONTROLLER TYPE"
_DESCRIPTOR = "DESCRIPTOR"

# Keyword lines that matter without an "=".
_BARE_KEYWORDS = frozenset({"ATTREND", "OPEREND", "DEFINE"})


def section_kind(name: str) -> SectionKind:
    return SectionKind.CALC if name.startswith("CALC") else SectionKind.TEMPLATE


def split_section_value(value: str) -> tuple[str, str | None]:
    """``"NAME(a, b)"`` -> ``("NAME", "a, b")``; ``"NAME"`` -> ``("NAME", None)``.

    The parameters run from the first ``(`` to the last ``)`` (to the end of
    the line when the ``)`` is missing). A name is one word: anything after
    a blank is not part of it.
    """
    paren = value.find("(")
    params: str | None = None
    if paren >= 0:
        close = value.rfind(")")
        params = (value[paren + 1 : close] if close > paren else value[paren + 1 :]).strip()
        value = value[:paren]
    name = value.strip()
    if name and (" " in name or "\t" in name):
        name = name.split(None, 1)[0]
    return name, params


def _normalised_attribute_name(name: str) -> str:
    return " ".join(name.upper().split())


@dataclasses.dataclass(slots=True)
class _OpenAttribute:
    name: str
    first_line: int
    attr_type: str | None = None
    default: str | None = None


class _SourceParser:
    """State of one pass; ``feed`` takes lines in order, ``result`` closes the file."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.lineno = 0
        # Active sections get a placeholder at their opening line so that
        # the list stays in file order; it is filled in when they close.
        self.sections: list[Section | None] = []
        self.open_section: tuple[int, str, str | None, int] | None = None
        self.first_definition: dict[str, int] = {}
        self.attributes: list[AttributeBlock] = []
        self.open_attribute: _OpenAttribute | None = None
        self.operations: list[OperationBlock] = []
        self.open_operation: tuple[str, int] | None = None
        self.library_refs: list[LibraryRef] = []
        self.calls: list[CallRef] = []
        self.define_count = 0
        self.system: str | None = None
        self.machine: str | None = None
        self.controller: str | None = None
        self.warnings: list[PackageWarning] = []

    # -- one line ---------------------------------------------------------

    def feed(self, raw: str) -> None:
        self.lineno += 1
        line = raw.lstrip()
        if not line:
            return
        first = line[0]
        if first == "*":
            if ":" in line:
                self._comment(line)
            return
        if first != ":":
            return
        match = KEYWORD_RE.match(line)
        if match is None:
            return
        keyword = match.group(1).upper()
        end_of_keyword = match.end(1)
        if line[end_of_keyword : end_of_keyword + 1] == ":":
            # A body line: :T:, :C:, :C1: ...
            if "(" in line and is_calc_marker(keyword):
                self._calls(line, end_of_keyword + 1)
            return
        if not match.group(2) and keyword not in _BARE_KEYWORDS:
            return
        value = line[match.end() :].rstrip()
        handler = _HANDLERS.get(keyword)
        if handler is not None:
            handler(self, value)

    def _comment(self, line: str) -> None:
        text = line.lstrip("* \t")
        if text[:1] != ":":
            return
        match = KEYWORD_RE.match(text)
        if match is None or not match.group(2) or match.group(1).upper() != "SECTION":
            return
        name, params = split_section_value(text[match.end() :].rstrip())
        if name:
            self.sections.append(
                Section(name, section_kind(name), params, self.lineno, self.lineno, False)
            )

    def _calls(self, line: str, start: int) -> None:
        section = self.open_section[1] if self.open_section else None
        for match in _CALL_RE.finditer(line, start):
            self.calls.append(CallRef(match.group(1), self.lineno, section))

    # -- keyword handlers -------------------------------------------------

    def _section(self, value: str) -> None:
        name, params = split_section_value(value)
        if not name:
            self.warnings.append(
                PackageWarning(
                    WarningCode.SECTION_WITHOUT_NAME,
                    f"{self.filename} line {self.lineno}: a :SECTION= line without a name.",
                    self.filename,
                    self.lineno,
                )
            )
            return
        self._close_blocks()
        self._close_section(self.lineno - 1)
        previous = self.first_definition.get(name)
        if previous is None:
            self.first_definition[name] = self.lineno
        else:
            self.warnings.append(
                PackageWarning(
                    WarningCode.DUPLICATE_SECTION,
                    f"Section {name} is defined twice in {self.filename} (lines {previous} "
                    f"and {self.lineno}); the compiler will use only one of them.",
                    self.filename,
                    self.lineno,
                )
            )
        self.open_section = (len(self.sections), name, params, self.lineno)
        self.sections.append(None)

    def _close_section(self, last_line: int) -> None:
        if self.open_section is None:
            return
        index, name, params, first_line = self.open_section
        self.sections[index] = Section(
            name, section_kind(name), params, first_line, max(first_line, last_line), True
        )
        self.open_section = None

    def _attrname(self, value: str) -> None:
        self._close_blocks()
        self.open_attribute = _OpenAttribute(value, self.lineno)

    def _attrtype(self, value: str) -> None:
        if self.open_attribute is not None and self.open_attribute.attr_type is None:
            self.open_attribute.attr_type = value

    def _attrdefault(self, value: str) -> None:
        if self.open_attribute is not None and self.open_attribute.default is None:
            self.open_attribute.default = value

    def _attrend(self, _value: str) -> None:
        self._close_attribute(self.lineno, terminated=True)

    def _close_attribute(self, last_line: int, *, terminated: bool) -> None:
        if self.open_attribute is None:
            return
        open_attribute, self.open_attribute = self.open_attribute, None
        name, first_line = open_attribute.name, open_attribute.first_line
        attr_type, default = open_attribute.attr_type, open_attribute.default
        self.attributes.append(AttributeBlock(name, attr_type, default, first_line, last_line))
        if not terminated:
            self.warnings.append(
                PackageWarning(
                    WarningCode.UNTERMINATED_ATTRIBUTE_BLOCK,
                    f"{self.filename} line {first_line}: attribute {name!r} has no :ATTREND.",
                    self.filename,
                    first_line,
                )
            )
        if attr_type is not None and attr_type.upper() == _DESCRIPTOR and default:
            key = _normalised_attribute_name(name)
            if key == _MACHINE_ATTRIBUTE and self.machine is None:
                self.machine = default
            elif key == _CONTROLLER_ATTRIBUTE and self.controller is None:
                self.controller = default

    def _operid(self, value: str) -> None:
        self._close_blocks()
        self.open_operation = (value, self.lineno)

    def _operend(self, _value: str) -> None:
        if self.open_operation is not None:
            self.operations.append(OperationBlock(*self.open_operation))
            self.open_operation = None

    def _close_operation_unterminated(self) -> None:
        if self.open_operation is None:
            return
        oper_id, line = self.open_operation
        self.operations.append(OperationBlock(oper_id, line))
        self.open_operation = None
        self.warnings.append(
            PackageWarning(
                WarningCode.UNTERMINATED_OPERATION_BLOCK,
                f"{self.filename} line {line}: operation {oper_id!r} has no :OPEREND.",
                self.filename,
                line,
            )
        )

    def _close_blocks(self) -> None:
        # A new block or a section means the open block's end line is missing.
        self._close_attribute(self.lineno - 1, terminated=False)
        self._close_operation_unterminated()

    def _library(self, value: str) -> None:
        self._reference(LibraryRefKind.LIBRARY, value)

    def _include(self, value: str) -> None:
        self._reference(LibraryRefKind.INCLUDE, value)

    def _reference(self, kind: LibraryRefKind, value: str) -> None:
        raw = clean_path(value)
        file_name = resolved_file_name(raw) if raw else ""
        if not file_name:
            self.warnings.append(
                PackageWarning(
                    WarningCode.EMPTY_LIBRARY_REFERENCE,
                    f"{self.filename} line {self.lineno}: :{kind}= names no file.",
                    self.filename,
                    self.lineno,
                )
            )
            return
        self.library_refs.append(
            LibraryRef(
                kind=kind,
                raw=raw,
                file_name=file_name,
                line=self.lineno,
                is_master=is_master_library(raw),
                from_file=self.filename,
            )
        )

    def _define(self, _value: str) -> None:
        self.define_count += 1

    def _system(self, value: str) -> None:
        if self.system is None and value:
            self.system = value

    # -- end of file ------------------------------------------------------

    def result(self) -> SourceFile:
        self._close_attribute(self.lineno, terminated=False)
        self._close_operation_unterminated()
        self._close_section(self.lineno)
        warnings = self.warnings
        if self.lineno == 0:
            warnings = [empty_file_warning(self.filename), *warnings]
        return SourceFile(
            filename=self.filename,
            line_count=self.lineno,
            is_text=True,
            sections=tuple(s for s in self.sections if s is not None),
            attributes=tuple(self.attributes),
            operations=tuple(self.operations),
            library_refs=tuple(self.library_refs),
            calls=tuple(self.calls),
            define_count=self.define_count,
            system=self.system,
            machine=self.machine,
            controller=self.controller,
            warnings=tuple(warnings),
        )


_HANDLERS: dict[str, Callable[[_SourceParser, str], None]] = {
    "SECTION": _SourceParser._section,
    "ATTRNAME": _SourceParser._attrname,
    "ATTRTYPE": _SourceParser._attrtype,
    "ATTRDEFAULT": _SourceParser._attrdefault,
    "ATTREND": _SourceParser._attrend,
    "OPERID": _SourceParser._operid,
    "OPEREND": _SourceParser._operend,
    "LIBRARY": _SourceParser._library,
    "INCLUDE": _SourceParser._include,
    "DEFINE": _SourceParser._define,
    "SYSTEM": _SourceParser._system,
}


def _line_to_feed_pattern() -> re.Pattern[str]:
    """A line start followed by what can begin a line that ``feed`` acts on.

    Matched on ``"\\n" + text``: each match starts at the ``\\n`` before a
    line, which is that line's start in ``text`` (a literal first character
    lets the C search jump from line end to line end, faster than
    ``^``/MULTILINE). It must match every line ``feed`` acts on (more is
    fine: ``feed`` still decides):

    - after ``str.lstrip()``: ``[^\\S\\n]`` is exactly the blanks ``lstrip``
      drops, as ``re``'s unicode ``\\s`` follows ``str.isspace``;
    - a commented-out section: ``*``, then ``*``/blanks (``_comment``'s
      ``lstrip("* \\t")``), then ``:SECTION`` and ``=``;
    - a keyword with a handler, as a whole word of ``KEYWORD_RE``'s ASCII
      ``\\w``. The look-ahead is case-sensitive on purpose: under
      IGNORECASE, ``[A-Za-z]`` also matches ``ſ``, ``K``, ``ı`` and ``İ``,
      which ``\\w`` (ASCII) does not, so ``:DEFINEſ`` would be missed;
    - a calc body line (``:C:``, ``:C1:`` ...) with a ``CALL(`` after the
      marker; ``_calls`` records nothing on any other line.

    IGNORECASE (unicode) may accept a few more letters than ``.upper()`` on
    ASCII does; that only feeds a line more.
    """
    keywords = "|".join(re.escape(keyword) for keyword in _HANDLERS)
    return re.compile(
        r"\n[^\S\n]*+"
        r"(?:\*[* \t]*+:SECTION[ \t]*+="
        rf"|:(?:{keywords})(?-i:(?![A-Za-z0-9_]))"
        r"|:C[0-9]*+:[^\n]*?CALL[ \t]*+\()",
        re.IGNORECASE,
    )


_LINE_TO_FEED_RE = _line_to_feed_pattern()


def _parse_text(text: str, filename: str) -> SourceFile:
    """Parse decoded text: the same result as ``feed`` on every line of
    ``split_lines(text)``, but only the lines that may matter are fed."""
    if "\n" not in text and "\r" in text:
        # Bare CR line ends: rare (classic Mac), so simply line by line.
        return parse_source_lines(split_lines(text), filename)
    parser = _SourceParser(filename)
    feed = parser.feed
    find, count = text.find, text.count
    lineno = 0  # lines before the one at ``counted_to``
    counted_to = 0
    for match in _LINE_TO_FEED_RE.finditer("\n" + text):
        start = match.start()  # of the line, in ``text``
        lineno += count("\n", counted_to, start)
        counted_to = start
        # ``feed`` counts the line itself. A CRLF line keeps its "\r", as
        # ``split_lines`` gives it.
        parser.lineno = lineno
        end = find("\n", start)
        feed(text[start:end] if end >= 0 else text[start:])
    # As many lines as ``split_lines``: a final line end starts no line.
    parser.lineno = count("\n") + (1 if text and text[-1] != "\n" else 0)
    return parser.result()


def parse_source_lines(lines: Iterable[str], filename: str) -> SourceFile:
    """Parse a .SRC or .LIB given as lines (with or without their line ends).

    Lines are consumed once, in order, so a caller may stream them from a
    file or an archive member without holding the whole text.
    """
    parser = _SourceParser(filename)
    feed = parser.feed
    for line in lines:
        feed(line)
    return parser.result()


def parse_source(data: bytes, filename: str) -> SourceFile:
    """Parse a .SRC or .LIB from its bytes. Never raises for bad content.

    Decoded as cp1252 (undecodable bytes replaced and warned about); a file
    with NUL bytes is reported ``is_text=False`` with a ``not_text`` warning
    and is not parsed.
    """
    decoded = decode_text(data, filename)
    if not decoded.is_text:
        return SourceFile(filename=filename, line_count=0, is_text=False, warnings=decoded.warnings)
    result = _parse_text(decoded.text, filename)
    if decoded.warnings:
        result = dataclasses.replace(result, warnings=decoded.warnings + result.warnings)
    return result
