"""Search inside every stored post (issue 14), on the real corpus files:
hits against a plain line scan, filters, the limit, removal, a catalog read
again from storage, cancelling, a bad regular expression."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.search_helpers import SEARCHED as SEARCHED_TYPES
from tests.search_helpers import TORMACH, ScanHit, plain_scan, write_zip
from veripost_desktop.core.catalog import PackageStatus
from veripost_desktop.core.catalog.catalog import READING_VERSION
from veripost_desktop.core.config import Settings
from veripost_desktop.core.errors import ErrorCode, VeriPostError
from veripost_desktop.core.search import index_writer, search_query
from veripost_desktop.core.search.index_writer import PENDING_HITS, PENDING_TEXT_ID, fold_pending
from veripost_desktop.core.search.search_query import (
    SearchRequest,
    SearchResult,
    search,
    searched_extensions,
)
from veripost_desktop.core.services import Services, open_services
from veripost_desktop.core.upg import analyse_package

FOLDERS = ("GRBL-Post", "SCL-SW-GRBL-1_1", TORMACH)
ALL = 100_000

# New postings wait in search_pending_files until they are folded into
# the text-keyed tables; a search must read the same either way. "pending":
# nothing folded; "folded": each package folded as it is written; "mixed":
# the first package folded, the later ones pending.
FOLD_MODES = ("pending", "folded", "mixed")
NEVER = 10**12


def folds(mode: str, package_number: int) -> bool:
    """Whether the ``package_number``-th package (0-based) is folded in ``mode``."""
    return mode == "folded" or (mode == "mixed" and package_number == 0)


@contextmanager
def folding(mode: str, package_number: int) -> Iterator[None]:
    """While the ``package_number``-th package is written in ``mode`` by
    this process (``parse_workers=0``)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(index_writer, "MAX_PENDING_ROWS", 1 if folds(mode, package_number) else NEVER)
        yield


@pytest.fixture(scope="module", params=FOLD_MODES)
def indexed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path
) -> Iterator[Services]:
    """The three corpus packages, ingested through the real pipeline (parse process)."""
    root = tmp_path_factory.mktemp("search")
    services = open_services(
        Settings(data_dir=root / "data", extra_extensions=(".CNF",), parse_workers=1)
    )
    for number, folder in enumerate(FOLDERS):
        # The parse process writes the lines (core/ingestion/parse_and_index.py),
        # leaving them pending; the modes fold them in here.
        outcome = services.pipeline.ingest(write_zip(corpus_dir, folder, root / f"{folder}.zip"))
        assert outcome.ok, outcome.error
        if folds(request.param, number):
            with services.catalog.index_engine.begin() as conn:
                assert fold_pending(conn) > 0
    state = index_state(services.catalog.index_path)
    assert (state["search_pending"] > 0) == (request.param != "folded")
    assert (state["search_postings"] > 0) == (request.param != "pending")
    yield services
    services.close()


# Corpus folder -> package name (the name of the package's .SRC).
PACKAGE_NAMES = {
    "GRBL-Post": "GRBL-Post",
    "SCL-SW-GRBL-1_1": "SCL-SW-GRBL-1_1",
    TORMACH: "Tormach PCNC1100 Series 3",
}


def names(services: Services) -> dict[str, str]:
    assert {p.name for p in services.catalog.list_packages()} == set(PACKAGE_NAMES.values())
    return PACKAGE_NAMES


def run(services: Services, text: str, **options: object) -> SearchResult:
    request = SearchRequest(text=text, **options)  # type: ignore[arg-type]
    return search(services.catalog.read_engine, request)


def as_scan(result: SearchResult) -> list[ScanHit]:
    return [
        ScanHit(h.package_name, h.file, h.line, h.section, h.commented_out, h.text)
        for h in result.hits
    ]


QUERIES = [
    "rapid z",  # mixed case, in many sections
    "<G:ABSINC>",  # < > : as plain characters
    "<F!>",  # and !
    '"A" indexer',  # quotes (in the Tormach .CNF: not searched by default)
    "five_axis_rapid_z_move",  # only in a commented-out section's header
    "Metric_Shift",  # in the preamble, before the first header
    "no such text in any post 42",  # no hit at all
    "Z",  # 1 character: a scan
    "m:",  # 2 characters: a scan
    "*FANUC",  # *, in the preamble
    ":section=",  # every header
]


@pytest.mark.parametrize("query", QUERIES)
def test_hits_are_those_of_a_plain_line_scan(
    indexed: Services, corpus_dir: Path, query: str
) -> None:
    expected = plain_scan(corpus_dir, names(indexed), query)
    result = run(indexed, query, limit=ALL)
    assert as_scan(result) == expected
    assert result.total_hits == len(expected) and not result.truncated
    assert result.query == query
    for hit in result.hits:
        assert hit.spans and all(hit.text[a:b].lower() == query.lower() for a, b in hit.spans), hit


def test_the_queries_cover_what_the_issue_asks(indexed: Services, corpus_dir: Path) -> None:
    # Guards the list above: each query shows what it claims to show.
    scan = {q: plain_scan(corpus_dir, names(indexed), q) for q in QUERIES}
    assert scan["no such text in any post 42"] == []
    commented = scan["five_axis_rapid_z_move"]
    assert commented and all(h.commented_out for h in commented)
    preamble = scan["Metric_Shift"]
    assert preamble and all(h.section is None for h in preamble)
    assert len(scan["Z"]) > 100 and len(scan["m:"]) > 10
    assert scan['"A" indexer'] == []  # the .CNF is not a searched type by default


@pytest.mark.parametrize("pattern", [r"<G:8[15]>", r"^\*:section=five", r"CALL\(CALC_\w+\)", r"^$"])
def test_regex_hits_are_those_of_a_plain_line_scan(
    indexed: Services, corpus_dir: Path, pattern: str
) -> None:
    expected = plain_scan(corpus_dir, names(indexed), pattern, regex=True)
    result = run(indexed, pattern, regex=True, limit=ALL)
    assert expected
    assert as_scan(result) == expected and result.total_hits == len(expected)


def test_an_invalid_regex_is_a_friendly_error(indexed: Services) -> None:
    with pytest.raises(VeriPostError) as caught:
        run(indexed, "<G:8[15>", regex=True)
    assert caught.value.error.code == ErrorCode.INVALID_QUERY
    assert "regular expression" in caught.value.error.message
    with pytest.raises(VeriPostError) as caught:
        run(indexed, "")
    assert caught.value.error.code == ErrorCode.INVALID_QUERY


def test_the_limit_keeps_the_first_hits_and_counts_them_all(
    indexed: Services, corpus_dir: Path
) -> None:
    expected = plain_scan(corpus_dir, names(indexed), "=")  # 1 character: a scan
    assert len(expected) > 1000
    result = run(indexed, "=")  # the default limit
    assert len(result.hits) == 1000 and result.truncated
    assert result.total_hits == len(expected)
    assert as_scan(result) == expected[:1000]
    indexed_query = plain_scan(corpus_dir, names(indexed), ":T:")  # from the index
    small = run(indexed, ":t:", limit=7)
    assert as_scan(small) == indexed_query[:7] and small.truncated
    assert small.total_hits == len(indexed_query)
    exact = run(indexed, ":t:", limit=len(indexed_query))
    assert len(exact.hits) == len(indexed_query) and not exact.truncated
    short = run(indexed, "z", limit=3)
    assert len(short.hits) == 3 and short.truncated and short.total_hits > 100


def test_filters(indexed: Services, corpus_dir: Path) -> None:
    packages = {p.name: p for p in indexed.catalog.list_packages()}
    grbl = packages["GRBL-Post"]
    only_grbl = run(indexed, "rapid z", limit=ALL, package_id=grbl.id)
    assert as_scan(only_grbl) == plain_scan(corpus_dir, {"GRBL-Post": "GRBL-Post"}, "rapid z")

    lib_only = run(indexed, "CALC_", limit=ALL, file_type="LIB")
    assert lib_only.hits and {h.file[-4:] for h in lib_only.hits} == {".LIB"}
    assert as_scan(lib_only) == plain_scan(corpus_dir, names(indexed), "CALC_", extensions={".LIB"})
    assert run(indexed, "CALC_", file_type=".lib", limit=ALL).total_hits == lib_only.total_hits

    # Machine and controller: contained, any case; system: equal, any case.
    generic = run(indexed, "rapid z", limit=ALL, machine="generic cnc")
    assert {h.package_name for h in generic.hits} == {"SCL-SW-GRBL-1_1"}
    rscnc = run(indexed, "rapid z", limit=ALL, machine="RSCNC32", controller="grbl")
    assert {h.package_name for h in rscnc.hits} == {"GRBL-Post", PACKAGE_NAMES[TORMACH]}
    assert (
        run(indexed, "rapid z", limit=ALL, system="mill").total_hits
        == run(indexed, "rapid z", limit=ALL).total_hits
    )
    assert run(indexed, "rapid z", system="LATHE").total_hits == 0


def test_extra_text_types_of_the_settings_are_searched_never_the_ctl(
    indexed: Services, corpus_dir: Path
) -> None:
    extensions = searched_extensions((".cnf", ".CTL"))
    assert ".CNF" in extensions and ".CTL" not in extensions
    result = run(indexed, '"A" indexer', limit=ALL, extensions=extensions)
    expected = plain_scan(corpus_dir, names(indexed), '"A" indexer', extensions={".CNF", ".SRC"})
    assert expected and as_scan(result) == expected
    assert [h.file for h in result.hits] == ["Tormach PCNC1100 Series 3.CNF"]
    # The compiled post's bytes are never indexed, whatever the type list says.
    assert run(indexed, "a", extensions=(".CTL",)).total_hits == 0


def test_cancelling_stops_the_search(indexed: Services) -> None:
    with pytest.raises(VeriPostError) as caught:
        search(indexed.catalog.read_engine, SearchRequest("e"), cancel=lambda: True)
    assert caught.value.error.code == ErrorCode.CANCELLED


def index_state(path: Path) -> dict[str, int]:
    """Row counts of the index, after checking that it holds together: the
    FTS index matches its texts, every text is used (folded or pending), and
    the uses and postings, each with the pending ones, add up to the lines of
    the files."""
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO search_fts (search_fts) VALUES ('integrity-check')")
        state = {
            table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in (
                "search_files",
                "search_texts",
                "search_postings",
                "search_text_uses",
            )
        }
        # Pending postings: one JSON number ``text_id << 32 | hits`` each.
        pending_ids = (
            f"SELECT {PENDING_TEXT_ID} FROM search_pending_files p, json_each(p.postings) j"
        )
        state["search_pending"], pending, counted = db.execute(
            f"SELECT count(*), coalesce(sum({PENDING_HITS}), 0), "
            "(SELECT coalesce(sum(postings_count), 0) FROM search_pending_files) "
            "FROM search_pending_files p, json_each(p.postings) j"
        ).fetchone()
        unused = db.execute(
            "SELECT count(*) FROM search_texts WHERE id NOT IN "
            f"(SELECT text_id FROM search_text_uses UNION {pending_ids})"
        ).fetchone()[0]
        lines = db.execute("SELECT coalesce(sum(line_count), 0) FROM search_files").fetchone()[0]
        uses = db.execute("SELECT coalesce(sum(uses), 0) FROM search_text_uses").fetchone()[0]
        postings = db.execute("SELECT coalesce(sum(hits), 0) FROM search_postings").fetchone()[0]
    assert counted == state["search_pending"]
    assert unused == 0 and uses + pending == lines == postings + pending
    state["lines"] = lines
    return state


@pytest.mark.parametrize("mode", FOLD_MODES)
def test_removing_a_package_removes_its_hits(tmp_path: Path, corpus_dir: Path, mode: str) -> None:
    services = open_services(Settings(data_dir=tmp_path / "data", parse_workers=0))
    try:
        ids = {}
        for number, folder in enumerate(("GRBL-Post", "SCL-SW-GRBL-1_1")):
            with folding(mode, number):
                outcome = services.pipeline.ingest(
                    write_zip(corpus_dir, folder, tmp_path / f"{folder}.zip")
                )
            assert outcome.package is not None
            ids[folder] = outcome.package.id
        before = run(services, "rapid z", limit=ALL)
        assert {h.package_name for h in before.hits} == {"GRBL-Post", "SCL-SW-GRBL-1_1"}
        before_removal = index_state(services.catalog.index_path)

        services.catalog.delete_package(ids["GRBL-Post"])
        after = run(services, "rapid z", limit=ALL)
        assert as_scan(after) == plain_scan(
            corpus_dir, {"SCL-SW-GRBL-1_1": "SCL-SW-GRBL-1_1"}, "rapid z"
        )
        after_removal = index_state(services.catalog.index_path)
        grbl_lines = sum(
            len((corpus_dir / "GRBL-Post" / n).read_bytes().split(b"\n")) - 1
            for n in ("GRBL-Post.SRC", "GRBL-Post.LIB", "GRBL-Post.lng")
        )
        assert after_removal["search_files"] == before_removal["search_files"] - 3
        assert after_removal["lines"] == before_removal["lines"] - grbl_lines
        # Texts only GRBL-Post held are gone; the ones SCL-SW-GRBL shares stay.
        assert 0 < after_removal["search_texts"] < before_removal["search_texts"]

        services.catalog.clear_files(ids["SCL-SW-GRBL-1_1"])
        assert run(services, "rapid z").total_hits == 0
        assert set(index_state(services.catalog.index_path).values()) == {0}
    finally:
        services.close()


def test_a_catalog_from_before_the_index_is_filled_by_reading_again(
    tmp_path: Path, corpus_dir: Path
) -> None:
    """Packages recorded before the index (reading_version below 2) are read
    again from storage by the lead's background pass: simulated here with the
    same two calls, analyse_package and record_analysis."""
    services = open_services(
        Settings(data_dir=tmp_path / "data", extra_extensions=(".CNF",), parse_workers=0)
    )
    try:
        for folder in FOLDERS:
            assert services.pipeline.ingest(
                write_zip(corpus_dir, folder, tmp_path / f"{folder}.zip")
            ).ok
        expected = as_scan(run(services, "<G:ABSINC>", limit=ALL))
        assert expected
        # As a catalog of the previous reading: no index rows, reading_version 1.
        services.catalog.delete_search_index([p.id for p in services.catalog.list_packages()])
        with services.catalog.write_engine.begin() as conn:
            conn.exec_driver_sql("UPDATE packages SET reading_version = 1")
        assert run(services, "<G:ABSINC>").total_hits == 0
        assert set(index_state(services.catalog.index_path).values()) == {0}

        stale = [
            p
            for p in services.catalog.list_packages()
            if p.reading_version is None or p.reading_version < READING_VERSION
        ]
        assert len(stale) == 3
        for package in stale:
            files = {
                f.filename: b"".join(services.store.iter_chunks(f.object_key))
                for f in services.catalog.list_files(package.id)
            }
            analysis = analyse_package(files)
            assert services.catalog.record_analysis(package.id, package.job_id, analysis)
        assert as_scan(run(services, "<G:ABSINC>", limit=ALL)) == expected
        assert {p.reading_version for p in services.catalog.list_packages()} == {2}
    finally:
        services.close()


@pytest.mark.parametrize("query", ["<EOL>", "=", "five_axis_rapid_z_move"])
def test_many_hits_walk_the_packages_in_order(
    indexed: Services, corpus_dir: Path, query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Past DIRECT_LISTING_HITS the first hits are found by walking the packages
    # in order instead of from the postings; the same hits either way.
    expected = plain_scan(corpus_dir, names(indexed), query)
    monkeypatch.setattr(search_query, "DIRECT_LISTING_HITS", 0)
    result = run(indexed, query, limit=ALL)
    assert as_scan(result) == expected and result.total_hits == len(expected)
    first = run(indexed, query, limit=10)
    assert as_scan(first) == expected[:10]


@pytest.mark.parametrize("mode", FOLD_MODES)
def test_packages_not_ready_are_not_searched(tmp_path: Path, corpus_dir: Path, mode: str) -> None:
    services = open_services(Settings(data_dir=tmp_path / "data", parse_workers=0))
    try:
        ids = {}
        for number, folder in enumerate(("GRBL-Post", "SCL-SW-GRBL-1_1")):
            with folding(mode, number):
                outcome = services.pipeline.ingest(
                    write_zip(corpus_dir, folder, tmp_path / f"{folder}.zip")
                )
            assert outcome.package is not None
            ids[folder] = outcome.package
        # A retry under way: the package's earlier reading is still indexed.
        services.catalog.start_new_job(ids["GRBL-Post"].id)
        only_scl = {"SCL-SW-GRBL-1_1": "SCL-SW-GRBL-1_1"}
        for query in ("rapid z", "<G:ABSINC>", "e"):
            result = run(services, query, limit=ALL)
            assert as_scan(result) == plain_scan(corpus_dir, only_scl, query)
            assert result.total_hits == len(result.hits)
    finally:
        services.close()


def test_text_beyond_ascii_is_found_in_any_case(tmp_path: Path, corpus_dir: Path) -> None:
    services = open_services(Settings(data_dir=tmp_path / "data", parse_workers=0))
    try:
        files = {
            "P.SRC": (corpus_dir / "GRBL-Post" / "GRBL-Post.SRC").read_bytes(),
            "P.LNG": "Bohrtiefe ÄNDERN:0001:\r\nÜberlauf äöü:0002:\r\n".encode("cp1252"),
            "P.ctl": b"\x00\x01 \xc4NDERN binary",
        }
        package = services.catalog.create_package("P", tmp_path / "P.zip")
        assert services.catalog.record_analysis(package.id, package.job_id, analyse_package(files))
        services.catalog.set_status(package.id, package.job_id, PackageStatus.READY)
        result = run(services, "tiefe ändern", limit=ALL)
        assert [(h.file, h.line, h.text) for h in result.hits] == [
            ("P.LNG", 1, "Bohrtiefe ÄNDERN:0001:")
        ]
        assert result.hits[0].spans == ((4, 16),)
        assert run(services, "ÄÖÜ").total_hits == 1
        assert run(services, "Ä", limit=ALL).total_hits == 2  # a scan: the .ctl is never read
        assert run(services, "überlauf ä", regex=True).total_hits == 1
    finally:
        services.close()


def test_the_background_reading_pass_fills_the_index(tmp_path: Path, corpus_dir: Path) -> None:
    """The same, through the pass the app runs (``read_outdated_packages``):
    sources read back from storage (checked by SHA-256), the extra .CNF too."""
    from veripost_desktop.core.team.source_reading import read_outdated_packages

    services = open_services(
        Settings(data_dir=tmp_path / "data", extra_extensions=(".CNF",), parse_workers=0)
    )
    try:
        for folder in FOLDERS:
            assert services.pipeline.ingest(
                write_zip(corpus_dir, folder, tmp_path / f"{folder}.zip")
            ).ok
        services.catalog.delete_search_index([p.id for p in services.catalog.list_packages()])
        with services.catalog.write_engine.begin() as conn:
            conn.exec_driver_sql("UPDATE packages SET reading_version = NULL")
        extensions = searched_extensions((".CNF",))
        assert run(services, "indexer", extensions=extensions).total_hits == 0

        report = read_outdated_packages(services.catalog, services.store)
        assert report.read == 3 and not report.failed
        for query in ("<G:ABSINC>", '"A" indexer', "five_axis_rapid_z_move"):
            result = run(services, query, limit=ALL, extensions=extensions)
            expected = plain_scan(
                corpus_dir, PACKAGE_NAMES, query, extensions={*SEARCHED_TYPES, ".CNF"}
            )
            assert expected and as_scan(result) == expected
        index_state(services.catalog.index_path)
    finally:
        services.close()


def test_every_character_reaches_the_index_as_it_was(tmp_path: Path) -> None:
    # The index writer hands texts to SQLite as JSON: quotes, backslashes,
    # control characters, text beyond ASCII and beyond the BMP must come back
    # from a search exactly as the file holds them.
    lng_lines = [
        'say "hi" \\ back\\slash \\n not a newline',
        "tab\there \x0cform feed \x1a sub \x7f del",
        "euro € and ½ in cp1252 :0003:",
        "'single' and [brackets] {braces} ,:0004:",
    ]
    utf8_lines = ["emoji 😀 beyond the BMP", "中文 prompt :0002:", "\u2028 line separator"]
    files = {
        "P.SRC": b":SECTION=START\r\n G0 X0\r\n",
        "P.LNG": "\r\n".join(lng_lines).encode("cp1252") + b"\r\n",
        "P_ZH.LNG": b"\xef\xbb\xbf" + "\n".join(utf8_lines).encode("utf-8"),
    }
    services = open_services(Settings(data_dir=tmp_path / "data", parse_workers=0))
    try:
        package = services.catalog.create_package("P", tmp_path / "P.zip")
        assert services.catalog.record_analysis(package.id, package.job_id, analyse_package(files))
        services.catalog.set_status(package.id, package.job_id, PackageStatus.READY)
        result = run(services, ".", regex=True, limit=ALL)
        assert [(h.file, h.text) for h in result.hits] == [
            ("P.LNG", line) for line in lng_lines
        ] + [("P.SRC", ":SECTION=START"), ("P.SRC", " G0 X0")] + [
            ("P_ZH.LNG", line) for line in utf8_lines
        ]
        for line in lng_lines + utf8_lines:
            found = run(services, line, limit=ALL)
            assert [h.text for h in found.hits] == [line], line
    finally:
        services.close()


def test_pending_postings_fold_in_once_there_are_enough(
    tmp_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A package's postings wait in search_pending_files; the write that brings them
    to MAX_PENDING_ROWS moves them all into the text-keyed tables, and
    searches find the same hits before and after."""
    services = open_services(
        Settings(data_dir=tmp_path / "data", extra_extensions=(".CNF",), parse_workers=0)
    )
    try:
        monkeypatch.setattr(index_writer, "MAX_PENDING_ROWS", NEVER)
        assert services.pipeline.ingest(
            write_zip(corpus_dir, FOLDERS[0], tmp_path / "first.zip")
        ).ok
        first = index_state(services.catalog.index_path)
        assert first["search_pending"] > 0 and first["search_postings"] == 0
        # The second package takes the pending rows past the threshold: all fold.
        monkeypatch.setattr(index_writer, "MAX_PENDING_ROWS", first["search_pending"] + 1)
        assert services.pipeline.ingest(
            write_zip(corpus_dir, FOLDERS[1], tmp_path / "second.zip")
        ).ok
        second = index_state(services.catalog.index_path)
        assert second["search_pending"] == 0 and second["search_postings"] > first["search_pending"]
        # The third stays pending beside them.
        assert services.pipeline.ingest(
            write_zip(corpus_dir, FOLDERS[2], tmp_path / "third.zip")
        ).ok
        third = index_state(services.catalog.index_path)
        assert third["search_pending"] > 0
        queries = ("rapid z", "<G:ABSINC>", "e", "five_axis_rapid_z_move")
        extensions = searched_extensions((".CNF",))
        before = {q: run(services, q, limit=ALL, extensions=extensions) for q in queries}
        for query, result in before.items():
            expected = plain_scan(
                corpus_dir, PACKAGE_NAMES, query, extensions={*SEARCHED_TYPES, ".CNF"}
            )
            assert as_scan(result) == expected and result.total_hits == len(expected)
        with services.catalog.index_engine.begin() as conn:
            assert fold_pending(conn) == third["search_pending"]
            assert fold_pending(conn) == 0  # nothing left
        assert index_state(services.catalog.index_path)["search_pending"] == 0
        for query, result in before.items():
            assert run(services, query, limit=ALL, extensions=extensions) == result
    finally:
        services.close()


def test_downgrading_below_the_index_file_gives_the_catalog_its_tables_back(
    tmp_path: Path, corpus_dir: Path
) -> None:
    """Migration 0010 moved the index to its own file; going back to 0009
    recreates the catalog's (empty) tables and sets every reading back, so
    that version's background pass fills them again from storage."""
    from alembic import command

    from veripost_desktop.core.catalog import database

    services = open_services(Settings(data_dir=tmp_path / "data", parse_workers=0))
    try:
        assert services.pipeline.ingest(write_zip(corpus_dir, FOLDERS[0], tmp_path / "p.zip")).ok
        cfg = database.alembic_config()
        with services.catalog.write_engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0009")
    finally:
        services.close()
    with sqlite3.connect(services.catalog.path) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        readings = {row[0] for row in db.execute("SELECT reading_version FROM packages")}
        rows = db.execute("SELECT count(*) FROM search_files").fetchone()[0]
    assert {"search_fts", "search_texts", "search_files", "search_pending"} <= tables
    assert readings == {None} and rows == 0
