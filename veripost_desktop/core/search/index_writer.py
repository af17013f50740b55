"""Writing a package's text into the search index, inside the catalog's own
transaction (``Catalog.record_analysis``, ``delete_packages``, ``clear_files``).

Layout (migration 0006). Posts repeat lines within a file and from post to
post, so every distinct line is stored and indexed once:

- ``search_texts`` ``(id, text)``: each distinct line of the catalog, and
  ``search_fts``, an FTS5 ``trigram`` index over it (external content:
  the text is stored once; ``detail=none``, ``columnsize=0``: it answers
  "which texts hold all these trigrams", all a substring search needs).
- ``search_files``: each indexed file, the text id of each of its lines
  packed in a blob (4 bytes a line), its section starts as JSON.
- ``search_postings`` ``(text_id, file_id, hits)``: which files hold a text,
  and on how many lines.
- ``search_text_uses`` ``(text_id, extension, uses)``: on how many lines of
  files of that type a text is, summed over the catalog: what an unfiltered
  search counts its hits with.

A text no file uses any more is removed with the last file that held it.
Writes run in the catalog's write transaction (``BEGIN IMMEDIATE``), so
text ids are allocated by one writer at a time.
"""

from __future__ import annotations

import json
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence

from sqlalchemy import Connection

from veripost_desktop.core.upg.indexed_text import (
    LINE_ARRAY_TYPE,
    IndexedText,
    pack_numbers,
    unpack_numbers,
)

# SQLite's default limit of bound parameters per statement is 999 (older builds).
_CHUNK = 400


def file_extension(filename: str) -> str:
    """``"dir/P.rtf"`` -> ``".RTF"``; ``""`` without one."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, extension = name.rpartition(".")
    return "." + extension.upper() if dot and stem else ""


def _chunks(items: Sequence[object]) -> Iterable[list[object]]:
    for start in range(0, len(items), _CHUNK):
        yield list(items[start : start + _CHUNK])


def delete_index(conn: Connection, package_ids: Sequence[str]) -> None:
    """Remove every indexed file of ``package_ids``, and the texts no other file holds."""
    files: list[tuple[int, str, bytes]] = []
    for chunk in _chunks(package_ids):
        marks = ", ".join("?" * len(chunk))
        files += conn.exec_driver_sql(
            f"SELECT id, extension, lines FROM search_files WHERE package_id IN ({marks})",
            tuple(chunk),
        ).all()
    if not files:
        return
    postings: list[tuple[int, int]] = []
    uses: Counter[tuple[int, str]] = Counter()
    for file_id, extension, lines in files:
        counts = Counter(unpack_numbers(lines))
        postings += [(text_id, file_id) for text_id in counts]
        for text_id, hits in counts.items():
            uses[(text_id, extension)] += hits
    if postings:
        conn.exec_driver_sql(
            "DELETE FROM search_postings WHERE text_id = ? AND file_id = ?", postings
        )
        conn.exec_driver_sql(
            "UPDATE search_text_uses SET uses = uses - ? WHERE text_id = ? AND extension = ?",
            [(n, text_id, extension) for (text_id, extension), n in uses.items()],
        )
        conn.exec_driver_sql(
            "DELETE FROM search_text_uses WHERE text_id = ? AND extension = ? AND uses <= 0",
            list(uses),
        )
    # Texts no file holds any more leave the index too.
    touched = sorted({text_id for text_id, _extension in uses})
    unused: list[int] = []
    for chunk in _chunks(touched):
        marks = ", ".join("?" * len(chunk))
        unused += [
            row[0]
            for row in conn.exec_driver_sql(
                f"SELECT id FROM search_texts WHERE id IN ({marks}) AND NOT EXISTS "
                "(SELECT 1 FROM search_text_uses u WHERE u.text_id = search_texts.id)",
                tuple(chunk),
            )
        ]
    for chunk in _chunks(unused):
        marks = ", ".join("?" * len(chunk))
        # An external-content FTS5 table forgets a row only when told its old text.
        conn.exec_driver_sql(
            "INSERT INTO search_fts (search_fts, rowid, text) "
            f"SELECT 'delete', id, text FROM search_texts WHERE id IN ({marks})",
            tuple(chunk),
        )
        conn.exec_driver_sql(f"DELETE FROM search_texts WHERE id IN ({marks})", tuple(chunk))
    for chunk in _chunks([f[0] for f in files]):
        marks = ", ".join("?" * len(chunk))
        conn.exec_driver_sql(f"DELETE FROM search_files WHERE id IN ({marks})", tuple(chunk))


def _text_ids(conn: Connection, texts: list[str]) -> dict[str, int]:
    """The id of every text, adding (and indexing) those the catalog lacks."""
    ids: dict[str, int] = {}
    # The driver's own cursor, in the same transaction: thousands of rows per
    # package, and SQLAlchemy's row objects would cost more than the look-ups.
    raw = conn.connection.driver_connection
    assert raw is not None
    for chunk in _chunks(texts):
        marks = ", ".join("?" * len(chunk))
        rows = raw.execute(
            f"SELECT text, id FROM search_texts WHERE text IN ({marks})", chunk
        ).fetchall()
        ids.update(rows)
    new = [text for text in texts if text not in ids]
    if new:
        first = int(
            conn.exec_driver_sql("SELECT coalesce(max(id), 0) + 1 FROM search_texts").scalar() or 1
        )
        new_ids = range(first, first + len(new))
        conn.exec_driver_sql(
            "INSERT INTO search_texts (id, text) VALUES (?, ?)",
            list(zip(new_ids, new, strict=True)),
        )
        conn.exec_driver_sql(
            "INSERT INTO search_fts (rowid, text) "
            "SELECT id, text FROM search_texts WHERE id BETWEEN ? AND ?",
            (new_ids[0], new_ids[-1]),
        )
        ids.update(zip(new, new_ids, strict=True))
    return ids


def write_index(conn: Connection, package_id: str, texts: Iterable[IndexedText]) -> int:
    """Replace the package's indexed files with ``texts``; returns the lines indexed."""
    delete_index(conn, [package_id])
    texts = list(texts)
    ids = _text_ids(conn, list(dict.fromkeys(t for f in texts for t in f.texts)))
    uses: Counter[tuple[int, str]] = Counter()
    written = 0
    for text in texts:
        extension = file_extension(text.filename)
        local_ids = [ids[t] for t in text.texts]
        lines = array(LINE_ARRAY_TYPE, map(local_ids.__getitem__, text.line_indexes()))
        file_id = conn.exec_driver_sql(
            "INSERT INTO search_files (package_id, filename, extension, line_count, sections, "
            "lines) VALUES (?, ?, ?, ?, ?, ?)",
            (
                package_id,
                text.filename,
                extension,
                len(lines),
                json.dumps([list(s) for s in text.sections], separators=(",", ":")),
                pack_numbers(lines),
            ),
        ).lastrowid
        counts = text.text_counts()
        if local_ids:
            conn.exec_driver_sql(
                "INSERT INTO search_postings (text_id, file_id, hits) VALUES (?, ?, ?)",
                [(text_id, file_id, n) for text_id, n in zip(local_ids, counts, strict=True)],
            )
        for text_id, n in zip(local_ids, counts, strict=True):
            uses[(text_id, extension)] += n
        written += len(lines)
    if uses:
        conn.exec_driver_sql(
            "INSERT INTO search_text_uses (text_id, extension, uses) VALUES (?, ?, ?) "
            "ON CONFLICT (text_id, extension) DO UPDATE SET uses = uses + excluded.uses",
            [(text_id, extension, n) for (text_id, extension), n in uses.items()],
        )
    return written
