"""Comparisons made in tests by the real engine (``compare_posts``) from the
corpus folders or from edited copies of their text, with no catalog: for
window tests that need a comparison but not a stored package."""

from __future__ import annotations

import hashlib
from pathlib import Path

from veripost_desktop.core.compare import compare_posts
from veripost_desktop.core.compare.model import PackageComparison, Side
from veripost_desktop.core.compare.package_sources import TEXT_EXTENSIONS, PostFile, PostSource


def post_from_files(name: str, files: dict[str, bytes]) -> PostSource:
    return PostSource(
        Side(f"test-{name}", name, None),
        tuple(
            PostFile(
                filename,
                Path(filename).suffix.upper(),
                hashlib.sha256(data).hexdigest(),
                data if Path(filename).suffix.upper() in TEXT_EXTENSIONS else None,
            )
            for filename, data in sorted(files.items())
        ),
    )


def post_from_folder(folder: Path) -> PostSource:
    return post_from_files(folder.name, {p.name: p.read_bytes() for p in folder.iterdir()})


def grbl_vs_scl(corpus: Path) -> PackageComparison:
    return compare_posts(
        post_from_folder(corpus / "GRBL-Post"), post_from_folder(corpus / "SCL-SW-GRBL-1_1")
    )


def src_text(corpus: Path, package: str = "GRBL-Post") -> str:
    return (corpus / package / f"{package}.SRC").read_bytes().decode("cp1252")


def compare_sources(a_name: str, a_src: str, b_name: str, b_src: str) -> PackageComparison:
    """Two posts of one .SRC each (no library)."""
    return compare_posts(
        post_from_files(a_name, {f"{a_name}.SRC": a_src.encode("cp1252")}),
        post_from_files(b_name, {f"{b_name}.SRC": b_src.encode("cp1252")}),
    )
