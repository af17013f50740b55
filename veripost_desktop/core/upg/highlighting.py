"""Syntax colouring for the source viewer, as plain spans (no Qt here).

``tokenize_line`` returns ``(start, length, category)`` spans, sorted and
never overlapping, ready for ``QSyntaxHighlighter.setFormat``. Text not
covered by a span keeps the default format. Categories:

- ``comment``: the whole line from its first non-blank ``*`` (this includes
  switched-off code such as ``*:SECTION=FASTLINE``);
- ``keyword``: a leading ``:NAME=`` (with the ``=``) or a bare ``:NAME``;
- ``template``: the ``:T:`` marker of a template line;
- ``calc``: the ``:C:`` / ``:C1:`` ... marker of a calculation line;
- ``token``: a ``<...>`` token (``<EOL>``, ``<G:90>``, ``<"%4LT":(X+1)>``) in
  a template line or a keyword's value. A token holds no blank and no
  ``<``, so the comparison in ``IF A<5 THEN <N>`` is not a token. Calc lines
  have no tokens: there ``<`` and ``>`` are comparisons.
"""

from __future__ import annotations

import re
from typing import Final

from veripost_desktop.core.upg.syntax import KEYWORD_RE, is_calc_marker, is_template_marker

COMMENT: Final = "comment"
KEYWORD: Final = "keyword"
TEMPLATE: Final = "template"
CALC: Final = "calc"
TOKEN: Final = "token"
CATEGORIES: Final = (COMMENT, KEYWORD, TEMPLATE, CALC, TOKEN)

Span = tuple[int, int, str]

_TOKEN_RE = re.compile(r"<[^<>\s]++>")


def _tokens(line: str, start: int, end: int) -> list[Span]:
    return [(m.start(), m.end() - m.start(), TOKEN) for m in _TOKEN_RE.finditer(line, start, end)]


def tokenize_line(line: str) -> list[Span]:
    """Spans of one source line (a trailing CR/LF is never part of a span)."""
    end = len(line.rstrip("\r\n"))
    start = len(line) - len(line.lstrip())
    if start >= end:
        return []
    first = line[start]
    if first == "*":
        return [(start, end - start, COMMENT)]
    if first != ":":
        return []
    match = KEYWORD_RE.match(line, start, end)
    if match is None:
        return []
    keyword = match.group(1).upper()
    after_name = match.end(1)
    if line[after_name : after_name + 1] == ":" and after_name < end:
        marker = (start, after_name + 1 - start)
        if is_template_marker(keyword):
            return [(*marker, TEMPLATE), *_tokens(line, after_name + 1, end)]
        if is_calc_marker(keyword):
            return [(*marker, CALC)]
        return [(*marker, KEYWORD)]
    keyword_end = match.end(2) if match.group(2) else after_name
    return [(start, keyword_end - start, KEYWORD), *_tokens(line, keyword_end, end)]
