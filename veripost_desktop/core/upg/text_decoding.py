"""Bytes to lines for every UPG text file, tolerant of whatever a delivery holds.

UPG-2 writes ASCII/cp1252 with CRLF or LF. The five byte values cp1252
leaves undefined become U+FFFD (counted, never fatal). A file holding NUL
bytes is not text - a compiled .CTL renamed, or a UTF-16 export - and is
reported as such instead of being parsed into nonsense.
"""

from __future__ import annotations

from dataclasses import dataclass

from veripost_desktop.core.upg.models import PackageWarning, WarningCode

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_REPLACEMENT = "\ufffd"


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str
    is_text: bool
    warnings: tuple[PackageWarning, ...]


def decode_text(data: bytes, filename: str) -> DecodedText:
    """Decode a UPG text file; ``is_text`` False (and ``text`` empty) for binary data."""
    if b"\x00" in data:
        hint = ' It looks like a UTF-16 ("Unicode") export.' if data[:2] in _UTF16_BOMS else ""
        return DecodedText(
            text="",
            is_text=False,
            warnings=(
                PackageWarning(
                    WarningCode.NOT_TEXT,
                    f"{filename} contains NUL bytes, so it is not a text file and was not "
                    f"read.{hint} UPG-2 expects plain ASCII/ANSI text.",
                    filename,
                ),
            ),
        )
    if data.startswith(_UTF8_BOM):
        # An editor saved it as UTF-8 with a signature; honour that encoding.
        text = data[len(_UTF8_BOM) :].decode("utf-8", errors="replace")
    else:
        text = data.decode("cp1252", errors="replace")
    warnings: tuple[PackageWarning, ...] = ()
    replaced = text.count(_REPLACEMENT)
    if replaced:
        warnings = (
            PackageWarning(
                WarningCode.UNDECODABLE_CHARACTERS,
                f"{filename} has {replaced} byte(s) that are not valid ANSI (cp1252) "
                "characters; they are shown as \N{REPLACEMENT CHARACTER}.",
                filename,
            ),
        )
    return DecodedText(text=text, is_text=True, warnings=warnings)


def split_lines(text: str) -> list[str]:
    """Split on LF (CRLF's CR is left for the line parsers to strip).

    Splitting only on ``\\n`` keeps line numbers the same as any editor's and
    ``wc -l``'s: ``str.splitlines`` would also break at form feeds and other
    control characters. A final newline does not start another line. A file
    with bare CR line ends (classic Mac) and no LF at all is split on CR.
    """
    lines = text.split("\r" if "\n" not in text and "\r" in text else "\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def text_lines(text: str) -> list[str]:
    """The lines of a decoded file as search and compare show them: split as
    the viewer and the parser count lines (``split_lines``), each without its CR."""
    return split_lines(text.replace("\r\n", "\n"))


def empty_file_warning(filename: str) -> PackageWarning:
    return PackageWarning(WarningCode.EMPTY_FILE, f"{filename} is empty.", filename)
