"""Writing a package's text into the search index, inside the catalog's own
transaction (``Catalog.record_analysis``, ``delete_packages``, ``clear_files``).

Layout (migration 0006):

- ``search_files``: one row per indexed file, with the id of its first line
  in ``search_lines`` and its line count (a file's lines have consecutive
  ids, so a line's number is ``id - first_line_id + 1`` and is not stored),
  and its section starts as JSON.
- ``search_lines``: ``(id, file_id, text)``, one row per line, the line
  without its line end.
- ``search_fts``: an FTS5 ``trigram`` index over ``search_lines.text``
  (external content: the text is stored once), ``detail=none`` and
  ``columnsize=0``: it answers "which lines hold all these trigrams" and
  nothing more, which is all a substring search needs, at a fraction of the
  size of positional data. Lines are confirmed by ``LIKE`` afterwards.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from itertools import repeat

from sqlalchemy import Connection

from veripost_desktop.core.upg.indexed_text import IndexedText
from veripost_desktop.core.upg.text_decoding import split_lines

# SQLite's default limit of bound parameters per statement is 999 (older builds).
_CHUNK = 500


def text_lines(text: str) -> list[str]:
    """The lines of a decoded file as search shows them: split as the viewer
    and the parser count lines (``split_lines``), each without its CR."""
    return split_lines(text.replace("\r\n", "\n"))


def file_extension(filename: str) -> str:
    """``"dir/P.rtf"`` -> ``".RTF"``; ``""`` without one."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, extension = name.rpartition(".")
    return "." + extension.upper() if dot and stem else ""


def delete_index(conn: Connection, package_ids: Sequence[str]) -> None:
    """Remove every indexed line of ``package_ids`` (FTS entries, lines, files)."""
    for start in range(0, len(package_ids), _CHUNK):
        chunk = list(package_ids[start : start + _CHUNK])
        marks = ", ".join("?" * len(chunk))
        # An external-content FTS5 table forgets a row only when told its old text.
        conn.exec_driver_sql(
            "INSERT INTO search_fts (search_fts, rowid, text) "
            "SELECT 'delete', l.id, l.text FROM search_files f "
            "JOIN search_lines l ON l.id BETWEEN f.first_line_id "
            "AND f.first_line_id + f.line_count - 1 "
            f"WHERE f.package_id IN ({marks})",
            tuple(chunk),
        )
        conn.exec_driver_sql(
            "DELETE FROM search_lines WHERE id IN (SELECT l.id FROM search_files f "
            "JOIN search_lines l ON l.id BETWEEN f.first_line_id "
            "AND f.first_line_id + f.line_count - 1 "
            f"WHERE f.package_id IN ({marks}))",
            tuple(chunk),
        )
        conn.exec_driver_sql(
            f"DELETE FROM search_files WHERE package_id IN ({marks})", tuple(chunk)
        )


def write_index(conn: Connection, package_id: str, texts: Iterable[IndexedText]) -> int:
    """Replace the package's indexed lines with ``texts``; returns the lines written."""
    delete_index(conn, [package_id])
    next_id = int(
        conn.exec_driver_sql("SELECT coalesce(max(id), 0) + 1 FROM search_lines").scalar() or 1
    )
    first_id = next_id
    for text in texts:
        lines = text_lines(text.text)
        result = conn.exec_driver_sql(
            "INSERT INTO search_files (package_id, filename, extension, first_line_id, "
            "line_count, sections) VALUES (?, ?, ?, ?, ?, ?)",
            (
                package_id,
                text.filename,
                file_extension(text.filename),
                next_id,
                len(lines),
                json.dumps([list(s) for s in text.sections], separators=(",", ":")),
            ),
        )
        file_id = result.lastrowid
        if lines:
            # Plain tuples built in C (zip, range, repeat): a large post has
            # hundreds of thousands of lines and the write lock is held.
            conn.exec_driver_sql(
                "INSERT INTO search_lines (id, file_id, text) VALUES (?, ?, ?)",
                list(zip(range(next_id, next_id + len(lines)), repeat(file_id), lines)),
            )
        next_id += len(lines)
    if next_id > first_id:
        conn.exec_driver_sql(
            "INSERT INTO search_fts (rowid, text) "
            "SELECT id, text FROM search_lines WHERE id BETWEEN ? AND ?",
            (first_id, next_id - 1),
        )
    return next_id - first_id
