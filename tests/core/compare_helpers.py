"""Posts built in memory for the compare tests: file name -> text or bytes."""

from __future__ import annotations

import hashlib
from pathlib import Path

from veripost_desktop.core.compare.model import Side
from veripost_desktop.core.compare.package_sources import TEXT_EXTENSIONS, PostFile, PostSource


def post(name: str, files: dict[str, str | bytes], *, crlf: bool = False) -> PostSource:
    """A post of ``files``; text is written with LF (CRLF when ``crlf``)."""
    out = []
    for filename, content in files.items():
        data = content if isinstance(content, bytes) else content.encode("cp1252")
        if crlf and isinstance(content, str):
            data = data.replace(b"\n", b"\r\n")
        extension = "." + filename.rpartition(".")[2].upper()
        out.append(
            PostFile(
                filename,
                extension,
                hashlib.sha256(data).hexdigest(),
                data if extension in TEXT_EXTENSIONS else None,
            )
        )
    return PostSource(Side(None, name, None), tuple(out))


def corpus_post(corpus: Path, package: str) -> PostSource:
    return post(package, {p.name: p.read_bytes() for p in sorted((corpus / package).iterdir())})


def src(*sections: str, preamble: str = ":SYSTEM=MILL\n") -> str:
    """A .SRC text: the preamble, then each section text as given."""
    return preamble + "".join(sections)
