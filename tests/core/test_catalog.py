"""The SQLite catalog: a real file, migrated at start, rows that survive."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from veripost_desktop.core.catalog import Catalog, PackageStatus
from veripost_desktop.core.catalog.records import StoredFile
from veripost_desktop.core.errors import ErrorCode, UserError, VeriPostError


def test_catalog_file_is_created_in_wal_mode_and_rows_survive_reopen(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "catalog.sqlite3"
    catalog = Catalog(path)
    pkg = catalog.create_package("GRBL-Post", tmp_path / "x.zip", file_count=4, total_bytes=10)
    catalog.close()

    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    reopened = Catalog(path)
    got = reopened.get_package(pkg.id)
    assert got.name == "GRBL-Post"
    assert got.status is PackageStatus.PENDING
    assert got.storage_prefix == f"packages/{pkg.id}/"
    assert got.created_at.tzinfo is not None
    reopened.close()


def test_status_writes_from_a_superseded_job_are_ignored(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "c.sqlite3")
    pkg = catalog.create_package("P", "p.zip")
    retry = catalog.start_new_job(pkg.id)
    assert retry.job_id != pkg.job_id
    assert not catalog.set_status(pkg.id, pkg.job_id, PackageStatus.READY)
    assert catalog.set_status(pkg.id, retry.job_id, PackageStatus.STORING)
    assert catalog.get_package(pkg.id).status is PackageStatus.STORING


def test_files_are_recorded_and_errors_keep_their_shape(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "c.sqlite3")
    pkg = catalog.create_package("P", "p.zip")
    files = [
        StoredFile("P.SRC", ".SRC", f"packages/{pkg.id}/P.SRC", 10, "a" * 64),
        StoredFile("P.LIB", ".LIB", f"packages/{pkg.id}/P.LIB", 5, "b" * 64),
    ]
    assert catalog.record_files(pkg.id, pkg.job_id, files)
    got = catalog.get_package(pkg.id)
    assert (got.file_count, got.total_bytes) == (2, 15)
    assert [f.filename for f in catalog.list_files(pkg.id)] == ["P.LIB", "P.SRC"]
    assert catalog.get_file(pkg.id, "p.src").filename == "P.SRC"  # any case, as on Windows

    catalog.mark_error(pkg.id, pkg.job_id, UserError("storage_unavailable", "msg", "det"))
    err = catalog.get_package(pkg.id)
    assert (err.status, err.error_code, err.error_message, err.error_detail) == (
        PackageStatus.ERROR,
        "storage_unavailable",
        "msg",
        "det",
    )


def test_unknown_package_and_file_are_friendly_errors(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "c.sqlite3")
    with pytest.raises(VeriPostError) as info:
        catalog.get_package("nope")
    assert info.value.code == ErrorCode.PACKAGE_NOT_FOUND
    pkg = catalog.create_package("P", "p.zip")
    with pytest.raises(VeriPostError) as info:
        catalog.get_file(pkg.id, "X.SRC")
    assert info.value.code == ErrorCode.FILE_NOT_IN_PACKAGE


def test_many_threads_writing_statuses_lose_nothing(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "c.sqlite3")
    packages = [catalog.create_package(f"P{i}", "p.zip") for i in range(40)]
    errors: list[BaseException] = []

    def walk(pkg_id: str, job_id: str) -> None:
        try:
            for status in (
                PackageStatus.VALIDATING,
                PackageStatus.STORING,
                PackageStatus.PARSING,
                PackageStatus.READY,
            ):
                assert catalog.set_status(pkg_id, job_id, status)
                catalog.list_packages()  # readers interleave with writers
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=walk, args=(p.id, p.job_id)) for p in packages]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert {p.status for p in catalog.list_packages()} == {PackageStatus.READY}
    assert catalog.count_packages() == 40


def test_a_drop_registers_in_one_transaction(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "c.sqlite3", owner_token="me")
    made = catalog.create_packages([(f"P{i}", f"p{i}.zip", 4, 100 + i) for i in range(50)])
    assert [p.name for p in made] == [f"P{i}" for i in range(50)]
    assert len({p.id for p in made}) == 50 and len({p.job_id for p in made}) == 50
    assert all(p.status is PackageStatus.PENDING and p.owner_token == "me" for p in made)
    assert [p.id for p in catalog.list_packages()] == [p.id for p in made]


def test_a_package_record_is_the_packages_row_field_for_field() -> None:
    # The catalog copies rows into records by name: every record field must be
    # a column, and every column a field, or a migration's column goes unread.
    from dataclasses import fields

    from veripost_desktop.core.catalog import PackageRecord
    from veripost_desktop.core.catalog.models import PackageRow

    columns = {c.name for c in PackageRow.__table__.columns}
    assert {f.name for f in fields(PackageRecord)} == columns
