"""The catalog's write-ahead log reaches the database file from a thread of
its own (``core/catalog/checkpointer.py``), not inside an ingestion's commit."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from veripost_desktop.core.catalog import Catalog, checkpointer, database


def _rows_in_the_database_file(path: Path) -> int:
    # immutable=1: the main file alone, the log ignored (at first even the
    # tables are only in the log).
    db = sqlite3.connect(f"{path.as_uri()}?immutable=1", uri=True)
    try:
        return int(db.execute("SELECT count(*) FROM packages").fetchone()[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        db.close()


def test_committed_rows_reach_the_database_file_without_a_writer_checkpointing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "WAL_CHECKPOINT_PAGES", 10**9)  # no automatic checkpoint
    monkeypatch.setattr(checkpointer, "CHECKPOINT_BYTES", 64 * 1024)
    monkeypatch.setattr(checkpointer, "POLL_SECONDS", 0.05)
    path = tmp_path / "catalog.sqlite3"
    catalog = Catalog(path)
    try:
        catalog.create_packages((f"P{i:04d}", f"p{i}.zip", 0, 0) for i in range(2_000))
        deadline = time.monotonic() + 10
        while _rows_in_the_database_file(path) < 2_000 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _rows_in_the_database_file(path) == 2_000
    finally:
        catalog.close()


def test_closing_the_catalog_stops_the_thread_and_closes_its_file(tmp_path: Path) -> None:
    import threading

    catalog = Catalog(tmp_path / "catalog.sqlite3")
    names = {t.name for t in threading.enumerate()}
    assert "checkpoint catalog.sqlite3" in names
    catalog.close()
    assert "checkpoint catalog.sqlite3" not in {t.name for t in threading.enumerate()}
