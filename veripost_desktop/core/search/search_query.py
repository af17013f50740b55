"""Searching the text of every ready package (issue 14): one function for the
CLI and the window.

A literal search is case-insensitive and has no syntax: quotes, ``<``,
``>``, ``:``, ``*`` and ``!`` are plain characters. The index holds every
distinct line once (``index_writer.py``), so a search first finds the
matching *texts*: from the trigram index for a query of 3 characters or
more (every trigram of the query must be in the text, then ``LIKE``, or
Python's ``str.lower`` for non-ASCII text, confirms it), by reading every
distinct text for a shorter one and for a ``regex`` search (Python's ``re``,
case-insensitive). Its total is the sum of those texts' uses (or of their
postings, with a filter), plus their pending postings (new files not yet
folded in, ``index_writer.py``); its first ``limit`` hits are read from the
line arrays of the first files in result order. The index is a file of its
own, attached to every read connection of the catalog
(``index_database.py``): one statement joins its files to the catalog's
packages, and only ``ready`` packages answer.

Results are ordered by package name, package id, file name and line. A long
query stops when ``cancel()`` turns true (SQLite's progress handler), with
``VeriPostError(cancelled)``.
"""

from __future__ import annotations

import bisect
import json
import re
import sqlite3
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from sqlalchemy import Engine

from veripost_desktop.core.catalog.records import PackageStatus
from veripost_desktop.core.errors import ErrorCode, VeriPostError
from veripost_desktop.core.search.index_writer import PENDING_HITS, PENDING_TEXT_ID
from veripost_desktop.core.upg.indexed_text import LINE_ARRAY_TYPE, pack_numbers, unpack_numbers
from veripost_desktop.core.upg.section_identity import PREAMBLE_KEY

# The text types always searched; the settings' extra types are added to these.
SEARCHED_EXTENSIONS: tuple[str, ...] = (".SRC", ".LIB", ".LNG", ".ATR", ".KIN", ".PINF")
DEFAULT_LIMIT = 1_000
# The trigram tokenizer needs this many characters to find a query.
INDEXED_QUERY_LENGTH = 3
# Up to this many hits, the files holding them are listed from the postings;
# past it, the packages are walked in order (the first hold the first hits).
DIRECT_LISTING_HITS = 20_000
# While walking, each file's postings are looked up per matched text up to
# this many texts; past it (a 1-character query) the file's lines are read.
WALK_POSTINGS_TEXTS = 256
# Up to this many matched texts in a file, their lines are found by a byte
# search of its line array (C speed); past it, by one pass in Python.
FIND_TEXTS = 4
NOT_READY = ", ".join(f"'{s.value}'" for s in PackageStatus if s is not PackageStatus.READY)
# SQLite VM steps between two looks at ``cancel()``.
_PROGRESS_STEPS = 20_000

CancelCheck = Callable[[], bool]


def searched_extensions(extra_extensions: Iterable[str] = ()) -> tuple[str, ...]:
    """The six UPG text types and the settings' extra types (never ``.CTL``)."""
    extra = (_normal_extension(e) for e in extra_extensions)
    return tuple(dict.fromkeys([*SEARCHED_EXTENSIONS, *(e for e in extra if e != ".CTL")]))


@dataclass(frozen=True)
class SearchRequest:
    text: str
    regex: bool = False
    limit: int = DEFAULT_LIMIT
    package_id: str | None = None
    machine: str | None = None  # contained in the package's machine, any case
    controller: str | None = None  # contained in the package's controller, any case
    system: str | None = None  # the package's system, any case (MILL, LATHE ...)
    file_type: str | None = None  # "SRC" or ".src": one extension only
    extensions: tuple[str, ...] = SEARCHED_EXTENSIONS


@dataclass(frozen=True)
class SearchHit:
    package_id: str
    package_name: str
    file: str
    line: int  # 1-based
    section: str | None  # the key of the section holding the line; None in the preamble
    commented_out: bool  # the section's header is a commented-out one
    text: str  # the whole line, without its line end
    # Where the query matches in ``text``: (start, end) character offsets.
    spans: tuple[tuple[int, int], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "package_id": self.package_id,
            "package_name": self.package_name,
            "file": self.file,
            "line": self.line,
            "section": self.section,
            "commented_out": self.commented_out,
            "text": self.text,
        }


@dataclass(frozen=True)
class FileHits:
    """How many lines of one file match (all of them, not only those returned)."""

    package_id: str
    package_name: str
    file: str
    hits: int


@dataclass(frozen=True)
class SearchResult:
    query: str
    total_hits: int
    truncated: bool
    hits: tuple[SearchHit, ...]
    # The files of the listed hits, in result order, each with all its hits
    # (when ``truncated``, files past the limit are counted in ``total_hits`` only).
    files: tuple[FileHits, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total_hits": self.total_hits,
            "truncated": self.truncated,
            "hits": [h.to_dict() for h in self.hits],
        }

    def package_counts(self) -> dict[str, int]:
        """Hits per package id of the listed packages, in result order."""
        counts: dict[str, int] = {}
        for f in self.files:
            counts[f.package_id] = counts.get(f.package_id, 0) + f.hits
        return counts


# ---- matching ----------------------------------------------------------------


@dataclass(frozen=True)
class Matcher:
    """How a line is tested and where it matches, for one request."""

    text: str
    regex: re.Pattern[str] | None

    def spans(self, line: str) -> tuple[tuple[int, int], ...]:
        if self.regex is not None:
            matches = [m.span() for m in self.regex.finditer(line)]
            # An empty match (``^``) is kept only when there is nothing else to show.
            return tuple(span for span in matches if span[1] > span[0]) or tuple(matches[:1])
        needle = self.text.lower()
        haystack = line.lower()
        found: list[tuple[int, int]] = []
        start = haystack.find(needle)
        while start >= 0:
            found.append((start, start + len(needle)))
            start = haystack.find(needle, start + len(needle))
        return tuple(found)

    def matches(self, line: str) -> bool:
        if self.regex is not None:
            return self.regex.search(line) is not None
        return self.text.lower() in line.lower()


def matcher_for(request: SearchRequest) -> Matcher:
    """Check the request; a bad one raises ``VeriPostError(invalid_query)``."""
    if not request.text:
        raise VeriPostError(
            ErrorCode.INVALID_QUERY, "Type the text to search for.", "empty search text"
        )
    if request.limit < 1:
        raise VeriPostError(
            ErrorCode.INVALID_QUERY,
            "The number of hits to show must be 1 or more.",
            f"limit {request.limit}",
        )
    if not request.regex:
        return Matcher(request.text, None)
    try:
        pattern = re.compile(request.text, re.IGNORECASE)
    except re.error as exc:
        raise VeriPostError(
            ErrorCode.INVALID_QUERY,
            "The regular expression is not valid. Check its brackets and escapes, "
            "or search without --regex for the literal text.",
            f"{request.text!r}: {exc}",
        ) from exc
    return Matcher(request.text, pattern)


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def fts_expression(text: str) -> str:
    """Every distinct trigram of ``text`` as an FTS5 string, ANDed: with
    ``detail=none`` the index answers which lines hold them all (the line is
    confirmed afterwards). Each is quoted (inner quotes doubled), so nothing
    the person typed is read as FTS5 syntax."""
    grams = dict.fromkeys(text[i : i + 3].lower() for i in range(len(text) - 2))
    return " AND ".join('"' + gram.replace('"', '""') + '"' for gram in grams)


def _normal_extension(value: str) -> str:
    value = value.strip().upper()
    return value if value.startswith(".") else "." + value


# ---- the query -------------------------------------------------------------------


def search(
    engine: Engine, request: SearchRequest, cancel: CancelCheck | None = None
) -> SearchResult:
    """Run ``request`` on the catalog behind ``engine`` (its read engine)."""
    matcher = matcher_for(request)
    with engine.connect() as conn, conn.begin():
        raw = conn.connection.driver_connection
        assert isinstance(raw, sqlite3.Connection)
        return _Search(raw, request, matcher, cancel).run()


class _Search:
    def __init__(
        self,
        db: sqlite3.Connection,
        request: SearchRequest,
        matcher: Matcher,
        cancel: CancelCheck | None,
    ) -> None:
        self.db = db
        self.request = request
        self.matcher = matcher
        self.cancel = cancel
        self.use_index = not request.regex and len(request.text) >= INDEXED_QUERY_LENGTH
        self.params: dict[str, object] = {}
        if request.regex:
            assert matcher.regex is not None
            search_line = matcher.regex.search
            db.create_function(
                "vp_line_matches", 1, lambda t: search_line(t) is not None, deterministic=True
            )
            self.predicate = "vp_line_matches(t.text)"
        elif request.text.isascii():
            # LIKE folds ASCII letters only, which is all an ASCII query needs.
            self.predicate = "t.text LIKE :pattern ESCAPE '\\'"
            self.params["pattern"] = _like_pattern(request.text)
        else:
            needle = request.text.lower()
            db.create_function(
                "vp_line_matches", 1, lambda t: needle in t.lower(), deterministic=True
            )
            self.predicate = "vp_line_matches(t.text)"
        if self.use_index:
            self.params["fts"] = fts_expression(request.text)
        self.filter_sql, self.filter_params = self._file_filter()
        r = request
        self.narrowed = bool(r.package_id or r.machine or r.controller or r.system)

    def run(self) -> SearchResult:
        if self.cancel is not None:
            cancel = self.cancel
            self.db.set_progress_handler(lambda: 1 if cancel() else 0, _PROGRESS_STEPS)
        try:
            return self._run()
        except sqlite3.OperationalError as exc:
            if self.cancel is not None and self.cancel():
                raise _cancelled() from exc
            raise
        finally:
            if self.cancel is not None:
                self.db.set_progress_handler(None, 0)
            # The pooled connection keeps its temp tables: leave them empty.
            for table in ("vp_matched", "vp_pending", "vp_files"):
                if self._has_temp(table):
                    self.db.execute(f"DELETE FROM temp.{table}")

    def _has_temp(self, table: str) -> bool:
        return (
            self.db.execute(
                "SELECT 1 FROM temp.sqlite_master WHERE type = 'table' AND name = ?", (table,)
            ).fetchone()
            is not None
        )

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel():
            raise _cancelled()

    def _file_filter(self) -> tuple[str, dict[str, object]]:
        """The WHERE over ``search_files f`` and ``packages pk`` of the request's filters."""
        r = self.request
        where = ["pk.status = 'ready'"]
        params: dict[str, object] = {}
        extensions = (
            [_normal_extension(r.file_type)]
            if r.file_type
            else [_normal_extension(e) for e in r.extensions]
        )
        self.extensions = list(dict.fromkeys(extensions))
        names = []
        for i, ext in enumerate(self.extensions):
            params[f"ext{i}"] = ext
            names.append(f":ext{i}")
        self.extension_sql = ", ".join(names)
        where.append(f"f.extension IN ({self.extension_sql})")
        if r.package_id:
            where.append("f.package_id = :package_id")
            params["package_id"] = r.package_id
        for column in ("machine", "controller"):
            value = getattr(r, column)
            if value:
                where.append(f"instr(lower(coalesce(pk.{column}, '')), :{column}) > 0")
                params[column] = value.lower()
        if r.system:
            where.append("lower(coalesce(pk.system, '')) = :system")
            params["system"] = r.system.lower()
        return " AND ".join(where), params

    def _sql(self, sql: str, **extra: object) -> sqlite3.Cursor:
        return self.db.execute(sql, {**self.params, **self.filter_params, **extra})

    # -- which texts match: the distinct lines, few even in a large catalog
    def _matched_texts(self) -> set[int]:
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS vp_matched (id INTEGER PRIMARY KEY)")
        self.db.execute("DELETE FROM temp.vp_matched")
        if self.use_index:
            source = (
                "SELECT t.id FROM search_fts JOIN search_texts t ON t.id = search_fts.rowid "
                f"WHERE search_fts MATCH :fts AND {self.predicate}"
            )
        else:
            source = f"SELECT t.id FROM search_texts t WHERE {self.predicate}"
        self._sql(f"INSERT INTO temp.vp_matched (id) {source}")
        matched = {row[0] for row in self.db.execute("SELECT id FROM temp.vp_matched")}
        # The postings of the matched texts not yet folded in: one pass over
        # the pending rows, read by every step below beside search_postings.
        self.db.execute(
            "CREATE TEMP TABLE IF NOT EXISTS vp_pending (file_id INTEGER, text_id INTEGER, "
            "hits INTEGER, PRIMARY KEY (file_id, text_id)) WITHOUT ROWID"
        )
        self.db.execute("DELETE FROM temp.vp_pending")
        if matched:
            self.db.execute(
                "INSERT INTO temp.vp_pending (file_id, text_id, hits) "
                f"SELECT p.file_id, {PENDING_TEXT_ID}, {PENDING_HITS} "
                "FROM search_pending_files p, json_each(p.postings) j "
                f"WHERE {PENDING_TEXT_ID} IN (SELECT id FROM temp.vp_matched)"
            )
        return matched

    # -- how many lines hold them
    def _total(self) -> int:
        pending = self._sql(
            "SELECT coalesce(sum(v.hits), 0) FROM temp.vp_pending v "
            "CROSS JOIN search_files f ON f.id = v.file_id "
            f"JOIN packages pk ON pk.id = f.package_id WHERE {self.filter_sql}"
        ).fetchone()[0]
        return int(pending) + self._folded_total()

    def _folded_total(self) -> int:
        if not self.narrowed:
            counted = self._sql(
                "SELECT coalesce(sum(u.uses), 0) FROM temp.vp_matched m "
                "JOIN search_text_uses u ON u.text_id = m.id "
                f"WHERE u.extension IN ({self.extension_sql})"
            ).fetchone()[0]
            # Lines of packages that are not ready (an ingestion under way) do not
            # count. CROSS JOIN keeps SQLite on this order: the few such files
            # first, then one postings look-up per matched text.
            not_ready = self._sql(
                "SELECT coalesce(sum(p.hits), 0) FROM packages pk "
                "CROSS JOIN search_files f ON f.package_id = pk.id "
                "CROSS JOIN temp.vp_matched m "
                "CROSS JOIN search_postings p ON p.text_id = m.id AND p.file_id = f.id "
                f"WHERE pk.status IN ({NOT_READY}) AND f.extension IN ({self.extension_sql})"
            ).fetchone()[0]
            return int(counted) - int(not_ready)
        if self.request.package_id:
            sql = (
                "SELECT coalesce(sum(p.hits), 0) FROM search_files f "
                "CROSS JOIN packages pk ON pk.id = f.package_id "
                "CROSS JOIN temp.vp_matched m "
                "CROSS JOIN search_postings p ON p.text_id = m.id AND p.file_id = f.id "
                f"WHERE {self.filter_sql}"
            )
        else:
            sql = (
                "SELECT coalesce(sum(p.hits), 0) FROM temp.vp_matched m "
                "CROSS JOIN search_postings p ON p.text_id = m.id "
                "JOIN search_files f ON f.id = p.file_id "
                f"JOIN packages pk ON pk.id = f.package_id WHERE {self.filter_sql}"
            )
        return int(self._sql(sql).fetchone()[0])

    # -- the files that hold hits, in result order
    def _listed_files(self, total: int) -> Iterator[_Listed]:
        columns = "f.id, f.package_id, pk.name, f.filename"
        order = "ORDER BY pk.name, pk.id, f.filename"
        if self.narrowed or total <= DIRECT_LISTING_HITS:
            # Few hits (or a filter): the files holding them, from the postings
            # (CROSS JOIN: one range of postings per matched text, in that order).
            scope = ""
            if self.request.package_id:
                scope = (
                    "AND p.file_id IN (SELECT id FROM search_files WHERE package_id = :package_id)"
                )
            held: dict[int, list[tuple[int, int]]] = {}
            for file_id, text_id, hits in self._sql(
                "SELECT p.file_id, p.text_id, p.hits FROM temp.vp_matched m "
                f"CROSS JOIN search_postings p ON p.text_id = m.id {scope}"
            ):
                held.setdefault(file_id, []).append((text_id, hits))
            for file_id, text_id, hits in self.db.execute(
                "SELECT file_id, text_id, hits FROM temp.vp_pending"
            ):
                held.setdefault(file_id, []).append((text_id, hits))
            self._check_cancel()
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS vp_files (id INTEGER PRIMARY KEY)")
            self.db.execute("DELETE FROM temp.vp_files")
            self.db.executemany("INSERT INTO temp.vp_files (id) VALUES (?)", ((i,) for i in held))
            for file_id, package_id, name, filename in self._sql(
                f"SELECT {columns} FROM temp.vp_files v CROSS JOIN search_files f ON f.id = v.id "
                f"JOIN packages pk ON pk.id = f.package_id WHERE {self.filter_sql} {order}"
            ).fetchall():
                yield _Listed(file_id, package_id, name, filename, held[file_id])
            return
        # Many hits: walk the packages in order; the first ones hold the first hits.
        packages = self.db.execute(
            "SELECT id, name FROM packages WHERE status = 'ready' ORDER BY name, id"
        ).fetchall()
        per_file = len(self.matched) <= WALK_POSTINGS_TEXTS
        for package_id, name in packages:
            files = self.db.execute(
                "SELECT id, filename FROM search_files "
                f"WHERE package_id = :package_id AND extension IN ({self.extension_sql}) "
                "ORDER BY filename",
                {**self.filter_params, "package_id": package_id},
            ).fetchall()
            for file_id, filename in files:
                self._check_cancel()
                if not per_file:  # too many texts to look each up: read the file's lines
                    yield _Listed(file_id, package_id, name, filename, None)
                    continue
                held_here = self.db.execute(
                    "SELECT p.text_id, p.hits FROM temp.vp_matched m CROSS JOIN search_postings p "
                    "ON p.text_id = m.id AND p.file_id = :file_id "
                    "UNION ALL SELECT text_id, hits FROM temp.vp_pending WHERE file_id = :file_id",
                    {"file_id": file_id},
                ).fetchall()
                if held_here:
                    yield _Listed(file_id, package_id, name, filename, held_here)

    def _positions(
        self, lines: bytes, held: list[tuple[int, int]] | None, need: int
    ) -> list[tuple[int, int]]:
        """The first ``need`` (line index, text id) of the matched texts in ``lines``."""
        if held is None or len(held) > FIND_TEXTS:
            # Many texts: one pass over the line array (stopping at ``need``).
            wanted = self.matched if held is None else {t for t, _h in held}
            numbers = unpack_numbers(lines)
            return list(islice(((i, t) for i, t in enumerate(numbers) if t in wanted), need))
        found = []
        for text_id, _hits in held:
            # The packed array's bytes: find the 4-byte id at a 4-byte boundary.
            pattern = pack_numbers(array(LINE_ARRAY_TYPE, [text_id]))
            at = lines.find(pattern)
            while at >= 0:
                if at % 4 == 0:
                    found.append((at // 4, text_id))
                    at = lines.find(pattern, at + 4)
                else:
                    at = lines.find(pattern, at + 1)
        found.sort()
        return found[:need]

    def _run(self) -> SearchResult:
        self.matched = self._matched_texts()
        self._check_cancel()
        total = self._total() if self.matched else 0
        if not total:
            return SearchResult(self.request.text, 0, False, (), ())
        limit = self.request.limit
        found: list[tuple[_File, list[tuple[int, int]]]] = []  # (file, [(line index, text id)])
        taken = 0
        for listed in self._listed_files(total):
            row = self.db.execute(
                "SELECT lines, sections FROM search_files WHERE id = ?", (listed.file_id,)
            ).fetchone()
            positions = self._positions(row[0], listed.held, limit - taken)
            if not positions:
                continue
            hits_in_file = (
                sum(h for _t, h in listed.held)
                if listed.held is not None
                else len(self._positions(row[0], None, row[0].__len__()))
            )
            file = _File(
                listed.file_id,
                listed.package_id,
                listed.package_name,
                listed.filename,
                row[1],
                hits_in_file,
            )
            found.append((file, positions))
            taken += len(positions)
            if taken >= limit:
                break
        texts = self._texts({t for _f, positions in found for _i, t in positions})
        hits: list[SearchHit] = []
        for file, positions in found:
            spans = json.loads(file.sections)
            starts = [s[0] for s in spans]
            for index, text_id in positions:
                text = texts[text_id]
                section, commented_out = _section_of(starts, spans, index)
                hits.append(
                    SearchHit(
                        package_id=file.package_id,
                        package_name=file.package_name,
                        file=file.filename,
                        line=index + 1,
                        section=section,
                        commented_out=commented_out,
                        text=text,
                        spans=self.matcher.spans(text),
                    )
                )
        files = tuple(FileHits(f.package_id, f.package_name, f.filename, f.hits) for f, _p in found)
        return SearchResult(
            query=self.request.text,
            total_hits=total,
            truncated=total > len(hits),
            hits=tuple(hits),
            files=files,
        )

    def _texts(self, ids: set[int]) -> dict[int, str]:
        out: dict[int, str] = {}
        ordered = sorted(ids)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            out.update(
                self.db.execute(f"SELECT id, text FROM search_texts WHERE id IN ({marks})", chunk)
            )
        return out


@dataclass(frozen=True)
class _Listed:
    """A file that holds hits; ``held``: (text id, hits) of the matched texts
    in it, or None when it is to be read line by line."""

    file_id: int
    package_id: str
    package_name: str
    filename: str
    held: list[tuple[int, int]] | None


@dataclass(frozen=True)
class _File:
    file_id: int
    package_id: str
    package_name: str
    filename: str
    sections: str
    hits: int


def _section_of(
    starts: Sequence[int], spans: Sequence[Sequence[Any]], index: int
) -> tuple[str | None, bool]:
    """(key, commented out) of the span holding line ``index`` (0-based)."""
    position = bisect.bisect_right(starts, index) - 1
    if position < 0:
        return None, False
    _start, key, active = spans[position]
    if key == PREAMBLE_KEY:
        return None, False
    return key, not active


def _cancelled() -> VeriPostError:
    return VeriPostError(ErrorCode.CANCELLED, "The search was cancelled.", "stopped by the caller")
