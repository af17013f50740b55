"""What the search tests compare against: the corpus packages as ZIPs, and a
plain line scan of the same real files, written apart from the index code."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

# The packages of the search tests: folder in the corpus -> ZIP members.
# The Tormach companions have no .SRC of their own: GRBL-Post's goes with them
# under the Tormach name (a ZIP needs a .SRC to be accepted).
TORMACH = "tormach-pcnc1100-parts"
TORMACH_SRC = "Tormach PCNC1100 Series 3.SRC"

_HEADER = re.compile(r"^[ \t]*(\*[* \t]*)?:[ \t]*SECTION[ \t]*=[ \t]*([^ \t(\r]*)", re.I)
SEARCHED = {".SRC", ".LIB", ".LNG", ".ATR", ".KIN", ".PINF"}


@dataclass(frozen=True)
class ScanHit:
    package: str  # package name
    file: str
    line: int
    section: str | None
    commented_out: bool
    text: str


def package_files(corpus: Path, package: str) -> dict[str, bytes]:
    files = {p.name: p.read_bytes() for p in sorted((corpus / package).iterdir())}
    if package == TORMACH:
        files[TORMACH_SRC] = (corpus / "GRBL-Post" / "GRBL-Post.SRC").read_bytes()
    return files


def write_zip(corpus: Path, package: str, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in package_files(corpus, package).items():
            zf.writestr(f"{package}/{name}", data)
    return target


def scan_lines(data: bytes) -> list[str]:
    text = data.decode("cp1252")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def plain_scan(
    corpus: Path,
    names: dict[str, str],
    query: str,
    *,
    regex: bool = False,
    extensions: set[str] = SEARCHED,
) -> list[ScanHit]:
    """Every matching line of the packages (``names``: corpus folder -> package
    name), in the search's order: package name, file name, line."""
    pattern = re.compile(query if regex else re.escape(query), re.IGNORECASE)
    hits: list[ScanHit] = []
    for folder, name in names.items():
        for filename, data in package_files(corpus, folder).items():
            if Path(filename).suffix.upper() not in extensions:
                continue
            section: str | None = None
            commented = False
            for number, line in enumerate(scan_lines(data), start=1):
                header = _HEADER.match(line)
                if header and header.group(2):
                    section, commented = header.group(2).upper(), header.group(1) is not None
                if pattern.search(line):
                    hits.append(ScanHit(name, filename, number, section, commented, line))
    return sorted(hits, key=lambda h: (h.package, h.file, h.line))
