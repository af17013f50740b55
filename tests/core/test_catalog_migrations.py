"""A catalog written by the first schema upgrades in place, every row kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from veripost_desktop.core.catalog import Catalog, PackageStatus
from veripost_desktop.core.catalog.database import alembic_config, head_revision


def write_first_schema_catalog(path: Path) -> None:
    engine = create_engine(f"sqlite:///{path.as_posix()}")
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    engine.dispose()
    with sqlite3.connect(path) as conn:
        for i in range(3):
            conn.execute(
                "INSERT INTO packages (id, name, status, file_count, total_bytes, source_path,"
                " storage_prefix, job_id, created_at, updated_at, zip_sha256)"
                " VALUES (?, ?, 'ready', 1, 10, 'x.zip', ?, 'job', '2026-01-01 00:00:00',"
                " '2026-01-01 00:00:00', ?)",
                (f"pkg-{i}", f"Post{i}", f"packages/pkg-{i}/", f"{i:064d}"),
            )
            conn.execute(
                "INSERT INTO package_files (package_id, filename, extension, object_key,"
                " size_bytes, sha256, created_at) VALUES (?, 'P.SRC', '.SRC', ?, 10, ?,"
                " '2026-01-01 00:00:00')",
                (f"pkg-{i}", f"packages/pkg-{i}/P.SRC", "a" * 64),
            )


def test_first_schema_catalog_upgrades_with_every_row(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite3"
    write_first_schema_catalog(path)

    catalog = Catalog(path)
    packages = catalog.list_packages()
    assert [p.name for p in packages] == ["Post0", "Post1", "Post2"]
    assert {p.status for p in packages} == {PackageStatus.READY}
    assert packages[0].machine is None and packages[0].warning_count is None  # not parsed yet
    assert [f.filename for f in catalog.list_files("pkg-1")] == ["P.SRC"]
    assert catalog.list_sections("pkg-1") == []
    catalog.close()

    backups = list(tmp_path.glob("catalog.sqlite3.bak-0001-*"))
    assert len(backups) == 1, "a backup copy is made before migrating"
    with sqlite3.connect(backups[0]) as conn:
        assert conn.execute("SELECT count(*) FROM packages").fetchone()[0] == 3
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == (
            head_revision()
        )


def test_a_current_catalog_is_not_backed_up_again(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite3"
    Catalog(path).close()
    Catalog(path).close()
    assert list(tmp_path.glob("*.bak-*")) == []


def test_migrations_build_the_schema_the_models_describe(tmp_path: Path) -> None:
    # A model change without its migration (or the reverse) would show here:
    # columns, tables and indexes alike.
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from veripost_desktop.core.catalog.models import Base

    path = tmp_path / "catalog.sqlite3"
    Catalog(path).close()
    engine = create_engine(f"sqlite:///{path.as_posix()}")
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert differences == []
    with sqlite3.connect(path) as conn:
        indexes = {row[1] for row in conn.execute("PRAGMA index_list('package_sections')")}
    assert indexes == {"ix_package_sections_package_id"}
