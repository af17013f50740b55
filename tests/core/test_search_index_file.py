"""The search index in a file of its own (``core/search/index_database.py``):
a file that is missing, of another version or behind the catalog is filled
again from storage; a package removed while its index is written, or by a
process that stopped between the two files, leaves nothing behind."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.search_helpers import write_zip
from veripost_desktop.core.catalog import Catalog
from veripost_desktop.core.config import Settings
from veripost_desktop.core.ingestion.parse_and_index import IndexTarget
from veripost_desktop.core.ingestion.parsing_step import run_parsing_step
from veripost_desktop.core.search.index_database import SCHEMA_VERSION, SearchBase, index_path
from veripost_desktop.core.search.index_writer import PENDING_HITS, PENDING_TEXT_ID, write_index
from veripost_desktop.core.search.search_query import SearchRequest, search
from veripost_desktop.core.services import Services, open_services
from veripost_desktop.core.team.source_reading import packages_to_read, read_outdated_packages
from veripost_desktop.core.upg import analyse_package

FOLDERS = ("GRBL-Post", "SCL-SW-GRBL-1_1")
QUERY = "<G:ABSINC>"


def _hits(services: Services, text: str = QUERY) -> list[tuple[str, str, int]]:
    result = search(services.catalog.read_engine, SearchRequest(text=text, limit=100_000))
    assert result.total_hits == len(result.hits)
    return [(h.package_name, h.file, h.line) for h in result.hits]


def _index_rows(services: Services) -> tuple[int, int]:
    with sqlite3.connect(services.catalog.index_path) as db:
        packages = db.execute("SELECT count(*) FROM search_packages").fetchone()[0]
        files = db.execute("SELECT count(*) FROM search_files").fetchone()[0]
    return packages, files


@pytest.fixture
def data_dir(tmp_path: Path, corpus_dir: Path) -> Iterator[Path]:
    """A catalog of the two corpus packages, ingested and closed."""
    data = tmp_path / "data"
    services = open_services(Settings(data_dir=data, parse_workers=0))
    try:
        for folder in FOLDERS:
            zip_path = write_zip(corpus_dir, folder, tmp_path / f"{folder}.zip")
            assert services.pipeline.ingest(zip_path).ok
    finally:
        services.close()
    yield data


def test_the_index_lives_beside_the_catalog(data_dir: Path) -> None:
    catalog = data_dir / "catalog.sqlite3"
    assert index_path(catalog) == data_dir / "catalog-search.sqlite3"
    assert index_path(catalog).is_file()
    with sqlite3.connect(catalog) as db:
        names = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert not any(name.startswith("search_") for name in names)


@pytest.mark.parametrize("damage", ["removed", "another version"])
def test_an_index_file_to_rebuild_is_filled_again_from_storage(data_dir: Path, damage: str) -> None:
    services = open_services(Settings(data_dir=data_dir, parse_workers=0))
    expected = _hits(services)
    services.close()
    assert expected and {name for name, _f, _l in expected} == set(FOLDERS)
    index = index_path(data_dir / "catalog.sqlite3")
    if damage == "removed":
        for path in index.parent.glob(index.name + "*"):
            path.unlink()
    else:
        with sqlite3.connect(index) as db:
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")

    services = open_services(Settings(data_dir=data_dir, parse_workers=0))
    try:
        assert _hits(services) == []  # emptied, not read with the wrong layout
        assert len(packages_to_read(services.catalog)) == 2
        report = read_outdated_packages(services.catalog, services.store)
        assert report.read == 2 and not report.failed
        assert _hits(services) == expected
        assert packages_to_read(services.catalog) == []
    finally:
        services.close()


def test_an_index_of_version_1_is_upgraded_in_place_not_read_again(data_dir: Path) -> None:
    """Version 1 kept one row a pending posting (``search_pending``); opening
    it turns them into version 2's rows a file, and every search answers as
    before with nothing read from storage."""
    services = open_services(Settings(data_dir=data_dir, parse_workers=0))
    expected = {q: _hits(services, q) for q in (QUERY, "rapid z", "e")}
    services.close()
    index = index_path(data_dir / "catalog.sqlite3")
    with sqlite3.connect(index) as db:  # back to version 1's layout
        db.execute(
            "CREATE TABLE search_pending (file_id INTEGER NOT NULL, text_id INTEGER NOT NULL, "
            "hits INTEGER NOT NULL, PRIMARY KEY (file_id, text_id)) WITHOUT ROWID"
        )
        db.execute(
            f"INSERT INTO search_pending SELECT p.file_id, {PENDING_TEXT_ID}, {PENDING_HITS} "
            "FROM search_pending_files p, json_each(p.postings) j"
        )
        pending = db.execute("SELECT count(*) FROM search_pending").fetchone()[0]
        db.execute("DROP TABLE search_pending_files")
        db.execute("PRAGMA user_version = 1")
    assert pending > 0

    services = open_services(Settings(data_dir=data_dir, parse_workers=0))
    try:
        assert packages_to_read(services.catalog) == []
        assert {q: _hits(services, q) for q in expected} == expected
    finally:
        services.close()
    with sqlite3.connect(index) as db:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        names = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        carried = db.execute("SELECT sum(postings_count) FROM search_pending_files").fetchone()[0]
    assert version == SCHEMA_VERSION and "search_pending" not in names
    assert carried == pending


def test_a_package_removed_while_its_index_is_written_leaves_no_index(
    tmp_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process (a CLI, a second window) removes the package after the
    catalog recorded its reading and before its index is written."""
    services = open_services(Settings(data_dir=tmp_path / "data", parse_workers=0))
    try:
        catalog = services.catalog
        zip_path = write_zip(corpus_dir, FOLDERS[0], tmp_path / "p.zip")
        assert services.pipeline.ingest(zip_path).ok
        package = catalog.list_packages()[0]
        files = {
            f.filename: b"".join(services.store.iter_chunks(f.object_key))
            for f in catalog.list_files(package.id)
        }
        index_package = Catalog._index_package

        def removed_first(self: Catalog, package_id: str, *args: object) -> None:
            other = Catalog(self.path)
            other.delete_packages([package_id])
            other.close()
            index_package(self, package_id, *args)  # type: ignore[arg-type]

        monkeypatch.setattr(Catalog, "_index_package", removed_first)
        assert catalog.record_analysis(package.id, package.job_id, analyse_package(files))
        assert catalog.find_package(package.id) is None
        assert _index_rows(services) == (0, 0)
        assert _hits(services) == []
    finally:
        services.close()


def test_index_rows_of_packages_the_catalog_lacks_are_pruned(data_dir: Path) -> None:
    """As a process stopped between a removal's two writes leaves them."""
    services = open_services(Settings(data_dir=data_dir, parse_workers=0))
    try:
        catalog = services.catalog
        kept = _hits(services)
        gone = catalog.list_packages()[0]
        with catalog.write_engine.begin() as conn:  # the catalog's rows only
            conn.exec_driver_sql("DELETE FROM package_files WHERE package_id = ?", (gone.id,))
            conn.exec_driver_sql("DELETE FROM packages WHERE id = ?", (gone.id,))
        assert _index_rows(services)[0] == 2
        assert catalog.prune_search_index() == 1
        assert _index_rows(services)[0] == 1
        assert _hits(services) == [h for h in kept if h[0] != gone.name]
        assert catalog.prune_search_index() == 0
    finally:
        services.close()


def test_readings_no_search_reads_are_pruned(data_dir: Path) -> None:
    """A package that ended in error keeps no lines (its parse process may
    finish writing after a cancel), nor does a reading by a job that is not
    the package's; a ready package's own reading stays."""
    services = open_services(Settings(data_dir=data_dir, parse_workers=0))
    try:
        catalog = services.catalog
        failed, superseded = catalog.list_packages()
        with catalog.write_engine.begin() as conn:
            conn.exec_driver_sql("UPDATE packages SET status = 'error' WHERE id = ?", (failed.id,))
            conn.exec_driver_sql(
                "UPDATE packages SET job_id = 'a later job' WHERE id = ?", (superseded.id,)
            )
        assert _index_rows(services)[0] == 2
        assert catalog.prune_search_index() == 2
        assert _index_rows(services) == (0, 0)
        assert catalog.prune_search_index() == 0
        # Read again for its current job, the superseded package's lines are back.
        report = read_outdated_packages(catalog, services.store)
        assert report.read == 1 and not report.failed
        assert {name for name, _f, _l in _hits(services)} == {superseded.name}
        assert catalog.prune_search_index() == 0
    finally:
        services.close()


def test_an_index_of_another_job_is_read_again(data_dir: Path) -> None:
    """The index holds a package as read by one job; the catalog's package
    is another job's (a reading that lost a race with a retry)."""
    services = open_services(Settings(data_dir=data_dir, parse_workers=0))
    try:
        catalog = services.catalog
        package = catalog.list_packages()[0]
        with catalog.index_engine.begin() as conn:
            write_index(conn, package.id, "an older job", ())
        assert packages_to_read(catalog) == [package.id]
        assert read_outdated_packages(catalog, services.store).read == 1
        assert packages_to_read(catalog) == []
    finally:
        services.close()


def test_the_index_file_holds_the_tables_its_models_describe(data_dir: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{index_path(data_dir / 'catalog.sqlite3').as_posix()}")
    with engine.connect() as conn:
        # The FTS5 table and its shadow tables are SQLite's own: no model describes them.
        context = MigrationContext.configure(
            conn,
            opts={
                "include_name": lambda name, kind, _parent: (
                    not str(name).startswith("search_fts") or kind != "table"
                )
            },
        )
        differences = compare_metadata(context, SearchBase.metadata)
    engine.dispose()
    assert differences == []


def test_a_damaged_index_file_is_made_anew_and_the_catalog_kept(data_dir: Path) -> None:
    index = index_path(data_dir / "catalog.sqlite3")
    index.write_bytes(b"not a database, whatever it was" * 100)
    services = open_services(Settings(data_dir=data_dir, parse_workers=0))
    try:
        assert services.recovered_catalog is None
        assert {p.name for p in services.catalog.list_packages()} == set(FOLDERS)
        assert _hits(services) == []
        assert read_outdated_packages(services.catalog, services.store).read == 2
        assert {name for name, _f, _l in _hits(services)} == set(FOLDERS)
    finally:
        services.close()


def test_a_damaged_catalog_takes_its_index_with_it(data_dir: Path) -> None:
    catalog = data_dir / "catalog.sqlite3"
    catalog.write_bytes(b"not a database either" * 100)
    services = open_services(Settings(data_dir=data_dir, parse_workers=0))
    try:
        assert services.recovered_catalog is not None
        assert services.catalog.list_packages() == []
        assert _index_rows(services) == (0, 0)
    finally:
        services.close()


def test_a_package_another_desktop_wrote_anew_answers_no_search_until_read(
    data_dir: Path,
) -> None:
    """A refresh replaces a package whose manifest lists other files: its old
    files' lines leave the index, and the background pass reads the new ones."""
    from veripost_desktop.core.catalog.synced_packages import write_manifests
    from veripost_desktop.core.team.publishing import build_manifest

    services = open_services(Settings(data_dir=data_dir, parse_workers=0))
    try:
        catalog = services.catalog
        package = next(p for p in catalog.list_packages() if p.name == "GRBL-Post")
        manifest = build_manifest(catalog, package.id)
        fewer = tuple(f for f in manifest.files if not f.name.upper().endswith(".LIB"))
        assert len(fewer) < len(manifest.files)
        write_manifests(catalog, [(manifest.model_copy(update={"files": fewer}), "new etag")])
        assert {name for name, _f, _l in _hits(services)} == {"SCL-SW-GRBL-1_1"}
        assert packages_to_read(catalog) == [package.id]
        assert read_outdated_packages(catalog, services.store).read == 1
        files = {(name, f) for name, f, _l in _hits(services)}
        assert ("GRBL-Post", "GRBL-Post.SRC") in files
        assert ("GRBL-Post", "GRBL-Post.LIB") not in files
    finally:
        services.close()


def test_an_upgrade_carries_the_catalogs_index_over_without_reading_again(
    data_dir: Path,
) -> None:
    """A catalog at migration 0009 held the index in its own tables: the
    upgrade copies them into the index file, and nothing is read again."""
    from alembic import command

    from veripost_desktop.core.catalog import database

    catalog_path = data_dir / "catalog.sqlite3"
    services = open_services(Settings(data_dir=data_dir, parse_workers=0))
    expected = {q: _hits(services, q) for q in (QUERY, "rapid z", "e")}
    services.close()
    # Back to 0009, its tables filled with what the index file holds, the
    # readings as they were; then no index file.
    engine = database._make_engine(catalog_path, immediate=True)
    cfg = database.alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0009")
    engine.dispose()
    index = index_path(catalog_path)
    with sqlite3.connect(catalog_path) as db:
        db.execute("ATTACH DATABASE ? AS old", (str(index),))
        for table in ("search_texts", "search_text_uses", "search_files"):
            db.execute(f"INSERT INTO main.{table} SELECT * FROM old.{table}")
        # 0009 kept one row a pending posting.
        db.execute(
            f"INSERT INTO main.search_pending SELECT p.file_id, {PENDING_TEXT_ID}, "
            f"{PENDING_HITS} FROM old.search_pending_files p, json_each(p.postings) j"
        )
        assert db.execute("SELECT count(*) FROM main.search_pending").fetchone()[0] > 0
        db.execute("INSERT INTO main.search_postings SELECT * FROM old.search_postings")
        db.execute("INSERT INTO search_fts (search_fts) VALUES ('rebuild')")
        db.execute("UPDATE packages SET reading_version = 2")
    for path in index.parent.glob(index.name + "*"):
        path.unlink()

    services = open_services(Settings(data_dir=data_dir, parse_workers=0))
    try:
        assert packages_to_read(services.catalog) == []
        assert {q: _hits(services, q) for q in expected} == expected
        with sqlite3.connect(catalog_path) as db:
            names = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        assert not any(name.startswith("search_") for name in names)
    finally:
        services.close()


def test_a_reading_indexed_by_a_job_that_lost_the_package_is_removed(
    data_dir: Path, corpus_dir: Path
) -> None:
    """The parse process writes the index before the catalog records the
    reading (core/ingestion/parse_and_index.py). When the catalog then says
    the job is not the package's any more, that job's index goes, and only
    that job's."""
    services = open_services(Settings(data_dir=data_dir, parse_workers=0))
    try:
        catalog = services.catalog
        package = next(p for p in catalog.list_packages() if p.name == "GRBL-Post")
        files = {
            f.filename: b"".join(services.store.iter_chunks(f.object_key))
            for f in catalog.list_files(package.id)
        }
        analysis = analyse_package(files)
        kept = _hits(services)

        # The current job's index stays when a stale job's reading arrives.
        assert not catalog.record_analysis(package.id, "stale job", analysis, search_indexed=True)
        assert _hits(services) == kept

        # A stale job's index (written by its parse process) goes.
        with catalog.index_engine.begin() as conn:
            write_index(conn, package.id, "stale job", analysis.indexed_texts)
        assert not catalog.record_analysis(package.id, "stale job", analysis, search_indexed=True)
        assert [h for h in _hits(services) if h[0] == "GRBL-Post"] == []
        assert packages_to_read(catalog) == [package.id]
    finally:
        services.close()


def test_the_parse_process_writes_the_index_and_sends_no_lines_back(
    tmp_path: Path, corpus_dir: Path
) -> None:
    services = open_services(Settings(data_dir=tmp_path / "data", parse_workers=1))
    try:
        zip_path = write_zip(corpus_dir, FOLDERS[0], tmp_path / "p.zip")
        package = services.catalog.create_package("GRBL-Post", zip_path)
        validation = services.pipeline.check(zip_path)
        target = IndexTarget(str(services.catalog.index_path), package.id, package.job_id)
        parsed = run_parsing_step(zip_path, validation, parse_workers=1, index=target)
        assert parsed.search_indexed and parsed.analysis.indexed_texts == ()
        with sqlite3.connect(services.catalog.index_path) as db:
            row = db.execute(
                "SELECT job_id FROM search_packages WHERE package_id = ?", (package.id,)
            ).fetchone()
            files = db.execute(
                "SELECT count(*) FROM search_files WHERE package_id = ?", (package.id,)
            ).fetchone()[0]
        assert row == (package.job_id,) and files == 3  # .SRC, .LIB, .lng
    finally:
        services.close()
