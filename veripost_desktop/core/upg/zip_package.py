"""Read the posts of a package straight from its ZIP.

Used by the parsing step in this process, and in the parse processes (see
``core/ingestion/parse_pool.py``): everything here is a plain function of
picklable arguments that imports nothing but the UPG parser, so a spawned
process starts quickly.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path

from veripost_desktop.core.upg.models import PackageAnalysis
from veripost_desktop.core.upg.package_analysis import analyse_package

# Extensions the parser reads; other files (.CTL ...) are passed by name only,
# so cross-file checks (a .CTL without its .LNG, base names) see the package.
PARSED_EXTENSIONS = frozenset({".SRC", ".LIB", ".PINF", ".KIN", ".LNG", ".ATR"})
# Never read: the compiled post. Every other accepted file (the extra text
# types of the settings, .RTF, .CNF ...) is read for the search index.
UNREAD_EXTENSIONS = frozenset({".CTL"})
# A UPG source is a few hundred KB; a text file past this is not a post
# source and would only cost memory. It is listed, not parsed.
MAX_PARSED_BYTES = 64 * 1024 * 1024


def is_parsed(extension: str, size: int) -> bool:
    """Whether the member's bytes go to ``analyse_package`` (parsed, or indexed for search)."""
    return extension.upper() not in UNREAD_EXTENSIONS and size <= MAX_PARSED_BYTES


def read_package_files(
    zip_path: str | Path, members: Sequence[tuple[str, str, bool]]
) -> dict[str, bytes]:
    """``{file name: bytes}`` for ``(file name, name in the ZIP, parse?)``;
    files not parsed map to ``b""``."""
    files: dict[str, bytes] = {}
    with zipfile.ZipFile(zip_path) as zf:
        for name, zip_name, parse in members:
            files[name] = zf.read(zip_name) if parse else b""
    return files


def analyse_zip(zip_path: str | Path, members: Sequence[tuple[str, str, bool]]) -> PackageAnalysis:
    """The whole reading of one package, from its ZIP."""
    return analyse_package(read_package_files(zip_path, members))
