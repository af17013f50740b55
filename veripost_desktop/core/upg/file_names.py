"""A package member's own name and extension, whichever separator its ZIP
used (``/``, or ``\\`` in ZIPs made on Windows): the one rule the parser,
the search index and its writer share."""

from __future__ import annotations


def base_name(filename: str) -> str:
    """The file's own name, without any folder (``/`` or ``\\``) in front."""
    return filename.replace("\\", "/").rsplit("/", 1)[-1]


def split_extension(filename: str) -> tuple[str, str]:
    """``"dir/GRBL-Post.ctl"`` -> ``("GRBL-Post", "CTL")``; no dot -> ``(name, "")``."""
    name = base_name(filename)
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        return name, ""
    return stem, extension.upper()
