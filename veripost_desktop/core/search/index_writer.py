"""Writing a package's text into the search index, in the index file's own
write transaction (``core/search/index_database.py``; ``Catalog._index_package``,
``delete_search_index``).

Layout. Posts repeat lines within a file and from post to post, so every
distinct line is stored and indexed once:

- ``search_texts`` ``(id, text)``: each distinct line of the index, and
  ``search_fts``, an FTS5 ``trigram`` index over it (external content:
  the text is stored once; ``detail=none``, ``columnsize=0``: it answers
  "which texts hold all these trigrams", all a substring search needs).
- ``search_files``: each indexed file, the text id of each of its lines
  packed in a blob (4 bytes a line), its section starts as JSON.
- ``search_postings`` ``(text_id, file_id, hits)``: which files hold a text,
  and on how many lines.
- ``search_text_uses`` ``(text_id, extension, uses)``: on how many lines of
  files of that type a text is, summed over the index: what an unfiltered
  search counts its hits with.
- ``search_pending_files`` ``(file_id, postings_count, postings)``: the
  postings of new files, not yet in the two tables above. Those are keyed
  by text, and one package's rows would land on leaves all over them (a
  commit rewrote ~1,200 pages at 200 packages, more as the index grows).
  Here a file's postings are one row: one B-tree insert a file, not one a
  posting, which halved what writing them cost. ``postings`` is a JSON
  array with one number a posting: the text id when one line of the file
  holds it (most do, so most numbers are short), else ``text_id << 32 |
  hits`` (``PENDING_TEXT_ID``, ``PENDING_HITS`` read them back over
  ``json_each``). Once ``FOLD_ROWS`` postings wait and the index is idle
  (``idle_folding.py``), or ``MAX_PENDING_ROWS`` at any time, they are
  folded in, in text order, many packages to a leaf (``fold_pending``).
  Searches read both.
- ``search_packages`` ``(package_id, job_id)``: the packages the index
  holds, and which job read each.

A text no file uses any more is removed with the last file that held it.
Writes run in the index file's write transaction (``BEGIN IMMEDIATE``), so
text ids are allocated, and postings folded, by one writer at a time.
"""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Connection, Engine

from veripost_desktop.core.search.text_id_cache import (
    LearnedIds,
    TextIdCache,
    count_removal,
    read_removals,
)
from veripost_desktop.core.upg.file_names import split_extension
from veripost_desktop.core.upg.indexed_text import (
    LINE_ARRAY_TYPE,
    IndexedText,
    pack_numbers,
    unpack_numbers,
)

# SQLite's default limit of bound parameters per statement is 999 (older builds).
_CHUNK = 400
# Pending postings are folded into the text-keyed tables once there are this
# many and the index has been idle a moment (``idle_folding.py``): about 25
# bench packages. A fold costs ~1 microsecond a posting, ~5 ms a package,
# a third of what indexing one costs; done while packages keep arriving it
# would slow their ingestion by as much.
FOLD_ROWS = 100_000
# ...and at once, by the write that takes them past this many, however busy
# the index is: every search reads the pending rows in full.
MAX_PENDING_ROWS = 1_000_000
# A pending posting is one JSON number: the text id when one line holds it
# (most), else ``text_id << 32 | hits``; read over ``json_each(...) j`` by:
PENDING_TEXT_ID = "(CASE WHEN j.value > 4294967295 THEN j.value >> 32 ELSE j.value END)"
PENDING_HITS = "(CASE WHEN j.value > 4294967295 THEN j.value & 4294967295 ELSE 1 END)"


def file_extension(filename: str) -> str:
    """``"dir/P.rtf"`` -> ``".RTF"``; ``""`` without one."""
    _stem, extension = split_extension(filename)
    return "." + extension if extension else ""


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
    raw = _raw(conn)
    raw.execute(
        "DELETE FROM search_packages WHERE package_id IN (SELECT value FROM json_each(?))",
        (_as_json(list(package_ids)),),
    )
    if not files:
        return
    file_ids = [f[0] for f in files]
    # A file is either pending (its rows go at once, a range of the table) or folded.
    pending = {
        row[0]
        for row in raw.execute(
            "SELECT p.file_id FROM json_each(?) j "
            "JOIN search_pending_files p ON p.file_id = j.value",
            (_as_json(file_ids),),
        )
    }
    raw.execute(
        "DELETE FROM search_pending_files WHERE file_id IN (SELECT value FROM json_each(?))",
        (_as_json(sorted(pending)),),
    )
    postings: list[tuple[int, int]] = []
    uses: Counter[tuple[int, str]] = Counter()
    touched: set[int] = set()
    for file_id, extension, lines in files:
        counts = Counter(unpack_numbers(lines))
        touched.update(counts)
        if file_id in pending:
            continue
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
    # Texts no file holds any more, folded or pending, leave the index too.
    candidates = _as_json(sorted(touched))
    unused = [
        row[0]
        for row in raw.execute(
            "SELECT j.value FROM json_each(?) j WHERE NOT EXISTS "
            "(SELECT 1 FROM search_text_uses u WHERE u.text_id = j.value) "
            f"EXCEPT SELECT {PENDING_TEXT_ID} FROM search_pending_files p, "
            f"json_each(p.postings) j WHERE {PENDING_TEXT_ID} IN (SELECT value FROM json_each(?))",
            (candidates, candidates),
        )
    ]
    if unused:
        gone = _as_json(unused)
        # An external-content FTS5 table forgets a row only when told its old text.
        raw.execute(
            "INSERT INTO search_fts (search_fts, rowid, text) SELECT 'delete', id, text "
            "FROM search_texts WHERE id IN (SELECT value FROM json_each(?))",
            (gone,),
        )
        raw.execute(
            "DELETE FROM search_texts WHERE id IN (SELECT value FROM json_each(?))", (gone,)
        )
        count_removal(raw)  # text ids remembered anywhere may be stale now
    raw.execute(
        "DELETE FROM search_files WHERE id IN (SELECT value FROM json_each(?))",
        (_as_json(file_ids),),
    )


def delete_job_index(conn: Connection, package_id: str, job_id: str) -> None:
    """Remove the package's indexed files if its job ``job_id`` wrote them."""
    written_by = conn.exec_driver_sql(
        "SELECT job_id FROM search_packages WHERE package_id = ?", (package_id,)
    ).scalar()
    if written_by == job_id:
        delete_index(conn, [package_id])


def fold_pending(conn: Connection) -> int:
    """Move every pending posting into ``search_postings`` and
    ``search_text_uses``; returns how many were moved."""
    return fold_pending_raw(_raw(conn))


def fold_pending_raw(raw: sqlite3.Connection) -> int:
    """``fold_pending`` on a driver connection, in its open write transaction."""
    moved = raw.execute(
        "INSERT INTO search_postings (text_id, file_id, hits) "
        f"SELECT {PENDING_TEXT_ID}, p.file_id, {PENDING_HITS} "
        "FROM search_pending_files p, json_each(p.postings) j ORDER BY 1, 2"
    ).rowcount
    if moved <= 0:
        return 0
    raw.execute(
        "INSERT INTO search_text_uses (text_id, extension, uses) "
        f"SELECT {PENDING_TEXT_ID}, f.extension, sum({PENDING_HITS}) "
        "FROM search_pending_files p JOIN search_files f ON f.id = p.file_id, "
        "json_each(p.postings) j GROUP BY 1, 2 ORDER BY 1, 2 "
        "ON CONFLICT (text_id, extension) DO UPDATE SET uses = uses + excluded.uses"
    )
    raw.execute("DELETE FROM search_pending_files")
    return int(moved)


def pending_postings(raw: sqlite3.Connection) -> int:
    """How many postings wait to be folded in."""
    row = raw.execute("SELECT coalesce(sum(postings_count), 0) FROM search_pending_files")
    return int(row.fetchone()[0])


def _raw(conn: Connection) -> sqlite3.Connection:
    # The driver's own connection, in the same transaction: a package has
    # thousands of distinct lines, and every row SQLAlchemy handles costs.
    raw = conn.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def _as_json(values: object) -> str:
    # Raw UTF-8, not \u escapes: every text arrives in SQLite as it was.
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"))


def _text_ids(raw: sqlite3.Connection, texts: list[str]) -> tuple[list[int], dict[str, int]]:
    """The id of each of ``texts`` (distinct), in order, adding (and
    indexing) those the index lacks; and those it had.

    The texts go to SQLite as one JSON array (``json_each``), so thousands
    of look-ups are one statement and the answer is numbers only: binding
    and fetching them row by row cost more than SQLite's own work."""
    if not texts:
        return [], {}
    found: dict[int, int] = dict(
        raw.execute(
            "SELECT j.key, t.id FROM json_each(?) j JOIN search_texts t ON t.text = j.value",
            (_as_json(texts),),
        ).fetchall()
    )
    had = {texts[i]: text_id for i, text_id in found.items()}
    new = [i for i in range(len(texts)) if i not in found]
    if new:
        first = int(raw.execute("SELECT coalesce(max(id), 0) + 1 FROM search_texts").fetchone()[0])
        raw.execute(
            "INSERT INTO search_texts (id, text) SELECT ? + key, value FROM json_each(?)",
            (first, _as_json([texts[i] for i in new])),
        )
        raw.execute(
            "INSERT INTO search_fts (rowid, text) "
            "SELECT id, text FROM search_texts WHERE id BETWEEN ? AND ?",
            (first, first + len(new) - 1),
        )
        found.update(zip(new, range(first, first + len(new)), strict=True))
    return [found[i] for i in range(len(texts))], had


@dataclass(frozen=True, slots=True)
class PreparedIndex:
    """A package's texts made ready for ``write_index`` before the write
    transaction (``prepare_index``): ``known`` has each distinct line of the
    package once, in order, with the id the cache knew for it as of its
    counter ``removals`` (None when unknown). Written once."""

    texts: tuple[IndexedText, ...]
    removals: int | None
    known: dict[str, int | None]


def prepare_index(texts: Iterable[IndexedText], cache: TextIdCache | None = None) -> PreparedIndex:
    """What can be done without the write lock, which every ingestion waits for."""
    texts = tuple(texts)
    lines = (t for f in texts for t in f.texts)
    if cache is None:
        return PreparedIndex(texts, None, dict.fromkeys(lines))
    removals, known = cache.peek(lines)
    return PreparedIndex(texts, removals, known)


def _ids_of(
    raw: sqlite3.Connection, prepared: PreparedIndex, cache: TextIdCache | None
) -> tuple[dict[str, int], LearnedIds]:
    """Every text's id: the cache's when its counter still holds, else from
    (or added to) ``search_texts``. Runs inside the write transaction."""
    removals = read_removals(raw)
    known = prepared.known  # without a cache it knows nothing, which always holds
    if cache is not None and prepared.removals != removals:
        known = cache.lookup(removals, prepared.known)
    missing = [text for text, text_id in known.items() if text_id is None]
    missing_ids, had = _text_ids(raw, missing)
    known.update(zip(missing, missing_ids, strict=True))
    return cast(dict[str, int], known), LearnedIds(removals, had)


def write_package_index(
    engine: Engine,
    package_id: str,
    job_id: str,
    texts: Iterable[IndexedText] | PreparedIndex,
    cache: TextIdCache,
) -> None:
    """``write_index`` in a write transaction of its own on ``engine`` (the
    index file's), prepared before the lock is taken; what it found goes
    into ``cache`` once committed."""
    prepared = texts if isinstance(texts, PreparedIndex) else prepare_index(texts, cache)
    with engine.begin() as conn:
        learned = write_index(conn, package_id, job_id, prepared, cache)
    cache.publish(learned)


def write_index(
    conn: Connection,
    package_id: str,
    job_id: str,
    texts: Iterable[IndexedText] | PreparedIndex,
    cache: TextIdCache | None = None,
) -> LearnedIds:
    """Replace the package's indexed files with ``texts``, as read by its
    job ``job_id``. Returns the ids it found in the index, for
    ``cache.publish`` once committed."""
    delete_index(conn, [package_id])
    prepared = texts if isinstance(texts, PreparedIndex) else prepare_index(texts, cache)
    raw = _raw(conn)
    raw.execute(
        "INSERT INTO search_packages (package_id, job_id) VALUES (?, ?)", (package_id, job_id)
    )
    ids, learned = _ids_of(raw, prepared, cache)
    for text in prepared.texts:
        extension = file_extension(text.filename)
        local_ids = [ids[t] for t in text.texts]
        lines = array(LINE_ARRAY_TYPE, map(ids.__getitem__, text.lines))
        file_id = raw.execute(
            "INSERT INTO search_files (package_id, filename, extension, line_count, sections, "
            "lines) VALUES (?, ?, ?, ?, ?, ?)",
            (
                package_id,
                text.filename,
                extension,
                len(lines),
                text.sections_json,
                pack_numbers(lines),
            ),
        ).lastrowid
        if local_ids:
            # The file's pending postings, one number each (``PENDING_TEXT_ID``).
            postings = [
                i if n == 1 else (i << 32) | n
                for i, n in zip(local_ids, text.text_counts(), strict=True)
            ]
            raw.execute(
                "INSERT INTO search_pending_files (file_id, postings_count, postings) "
                "VALUES (?, ?, ?)",
                (file_id, len(postings), _as_json(postings)),
            )
    if pending_postings(raw) >= MAX_PENDING_ROWS:
        fold_pending(conn)
    return learned
