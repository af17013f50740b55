"""Searching the text of every ready package (issue 14): one function for the
CLI and the window.

A literal search is case-insensitive and has no syntax: quotes, ``<``,
``>``, ``:``, ``*`` and ``!`` are plain characters. A query of 3 characters
or more is answered from the trigram index (``search_fts``, every trigram of
the query must be in the line) and each candidate line is then confirmed
with ``LIKE`` (or, for non-ASCII text, by Python's ``str.lower``); a shorter
one, and a ``regex`` search (Python's ``re``, case-insensitive), scan the
lines. Two passes: the first counts the hits of every file (in SQLite, so a
query with a million hits is still counted), the second reads the lines of
only the first files in result order, until ``limit`` hits.

Results are ordered by package name, package id, file name and line. A long
query stops when ``cancel()`` turns true (SQLite's progress handler), with
``VeriPostError(cancelled)``.
"""

from __future__ import annotations

import bisect
import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from veripost_desktop.core.errors import ErrorCode, VeriPostError
from veripost_desktop.core.upg.section_identity import PREAMBLE_KEY

# The text types always searched; the settings' extra types are added to these.
SEARCHED_EXTENSIONS: tuple[str, ...] = (".SRC", ".LIB", ".LNG", ".ATR", ".KIN", ".PINF")
DEFAULT_LIMIT = 1_000
# The trigram tokenizer needs this many characters to find a query.
INDEXED_QUERY_LENGTH = 3
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
    files: tuple[FileHits, ...] = field(default=())  # every file with hits, in result order

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total_hits": self.total_hits,
            "truncated": self.truncated,
            "hits": [h.to_dict() for h in self.hits],
        }

    def package_counts(self) -> dict[str, int]:
        """Hits per package id, in result order."""
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
            found = [m.span() for m in self.regex.finditer(line)]
            # An empty match (``^``) is kept only when there is nothing else to show.
            return tuple(span for span in found if span[1] > span[0]) or tuple(found[:1])
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


@dataclass(frozen=True)
class _FileGroup:
    file_id: int
    hits: int
    package_id: str
    package_name: str
    filename: str
    first_line_id: int
    line_count: int


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
            self.predicate = "vp_line_matches(l.text)"
        elif request.text.isascii():
            # LIKE folds ASCII letters only, which is all an ASCII query needs.
            self.predicate = "l.text LIKE :pattern ESCAPE '\\'"
            self.params["pattern"] = _like_pattern(request.text)
        else:
            needle = request.text.lower()
            db.create_function(
                "vp_line_matches", 1, lambda t: needle in t.lower(), deterministic=True
            )
            self.predicate = "vp_line_matches(l.text)"
        if self.use_index:
            self.params["fts"] = fts_expression(request.text)

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

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel():
            raise _cancelled()

    # -- pass 1: hits per file, every file
    def _file_filter(self) -> tuple[str, dict[str, object]]:
        r = self.request
        where = ["p.status = 'ready'"]
        params: dict[str, object] = {}
        extensions = (
            [_normal_extension(r.file_type)]
            if r.file_type
            else [_normal_extension(e) for e in r.extensions]
        )
        names = []
        for i, ext in enumerate(dict.fromkeys(extensions)):
            params[f"ext{i}"] = ext
            names.append(f":ext{i}")
        where.append(f"f.extension IN ({', '.join(names)})")
        if r.package_id:
            where.append("f.package_id = :package_id")
            params["package_id"] = r.package_id
        for column in ("machine", "controller"):
            value = getattr(r, column)
            if value:
                where.append(f"instr(lower(coalesce(p.{column}, '')), :{column}) > 0")
                params[column] = value.lower()
        if r.system:
            where.append("lower(coalesce(p.system, '')) = :system")
            params["system"] = r.system.lower()
        return " AND ".join(where), params

    def _groups(self) -> list[_FileGroup]:
        file_where, file_params = self._file_filter()
        if self.use_index:
            scope = ""
            if self.request.package_id:
                scope = (
                    "AND l.file_id IN (SELECT id FROM search_files WHERE package_id = :package_id)"
                )
            counted = (
                "SELECT l.file_id AS file_id, count(*) AS hits "
                "FROM search_fts JOIN search_lines l ON l.id = search_fts.rowid "
                f"WHERE search_fts MATCH :fts AND {self.predicate} {scope} "
                "GROUP BY l.file_id"
            )
        else:
            # A scan: read only the lines of the files the filters allow.
            counted = (
                "SELECT f.id AS file_id, count(*) AS hits FROM search_files f "
                "JOIN packages p ON p.id = f.package_id "
                "JOIN search_lines l ON l.id BETWEEN f.first_line_id "
                "AND f.first_line_id + f.line_count - 1 "
                f"WHERE {file_where} AND {self.predicate} GROUP BY f.id"
            )
        sql = (
            "SELECT g.file_id, g.hits, f.package_id, p.name, f.filename, f.first_line_id, "
            f"f.line_count FROM ({counted}) g "
            "JOIN search_files f ON f.id = g.file_id JOIN packages p ON p.id = f.package_id "
            f"WHERE {file_where} ORDER BY p.name, p.id, f.filename"
        )
        rows = self.db.execute(sql, {**self.params, **file_params}).fetchall()
        return [_FileGroup(*row) for row in rows]

    # -- pass 2: the lines of the first files
    def _file_lines(self, group: _FileGroup, limit: int) -> list[tuple[int, str]]:
        last = group.first_line_id + group.line_count - 1
        params = {**self.params, "first": group.first_line_id, "last": last, "limit": limit}
        if self.use_index:
            sql = (
                "SELECT l.id, l.text FROM search_fts JOIN search_lines l "
                "ON l.id = search_fts.rowid WHERE search_fts MATCH :fts "
                "AND search_fts.rowid BETWEEN :first AND :last "
                f"AND {self.predicate} ORDER BY l.id LIMIT :limit"
            )
        else:
            sql = (
                "SELECT l.id, l.text FROM search_lines l WHERE l.id BETWEEN :first AND :last "
                f"AND {self.predicate} ORDER BY l.id LIMIT :limit"
            )
        return self.db.execute(sql, params).fetchall()

    def _sections(self, file_ids: Iterable[int]) -> dict[int, list[list[Any]]]:
        ids = list(file_ids)
        out: dict[int, list[list[Any]]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            for file_id, sections in self.db.execute(
                f"SELECT id, sections FROM search_files WHERE id IN ({marks})", chunk
            ):
                out[file_id] = json.loads(sections)
        return out

    def _run(self) -> SearchResult:
        groups = self._groups()
        self._check_cancel()
        total = sum(g.hits for g in groups)
        limit = self.request.limit
        chosen: list[_FileGroup] = []
        taken = 0
        for group in groups:
            if taken >= limit:
                break
            chosen.append(group)
            taken += group.hits
        sections = self._sections(g.file_id for g in chosen)
        hits: list[SearchHit] = []
        for group in chosen:
            self._check_cancel()
            spans = sections.get(group.file_id, [])
            starts = [s[0] for s in spans]
            for line_id, text in self._file_lines(group, limit - len(hits)):
                index = line_id - group.first_line_id
                section, commented_out = _section_of(starts, spans, index)
                hits.append(
                    SearchHit(
                        package_id=group.package_id,
                        package_name=group.package_name,
                        file=group.filename,
                        line=index + 1,
                        section=section,
                        commented_out=commented_out,
                        text=text,
                        spans=self.matcher.spans(text),
                    )
                )
            if len(hits) >= limit:
                break
        files = tuple(FileHits(g.package_id, g.package_name, g.filename, g.hits) for g in groups)
        return SearchResult(
            query=self.request.text,
            total_hits=total,
            truncated=total > len(hits),
            hits=tuple(hits),
            files=files,
        )


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
