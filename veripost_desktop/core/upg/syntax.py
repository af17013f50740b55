"""The line-level grammar shared by the parser and the highlighter.

Both must agree on what a keyword, a body line and a comment are, so the
source viewer colours exactly what the parser counts.
"""

from __future__ import annotations

import re

# ":NAME", then "=" if present (group 2 is "=" or ""). Possessive quantifiers
# make a failed match cost O(length of the keyword), never more.
KEYWORD_RE = re.compile(r":(\w++)[ \t]*+(=?+)[ \t]*+", re.ASCII)


def is_calc_marker(keyword: str) -> bool:
    """``C``, ``C1``, ``C2`` ... as in ``:C:`` / ``:C1:`` (keyword already upper-case)."""
    return keyword[:1] == "C" and (len(keyword) == 1 or keyword[1:].isdigit())


def is_template_marker(keyword: str) -> bool:
    """``T`` as in ``:T:`` (keyword already upper-case)."""
    return keyword == "T"
