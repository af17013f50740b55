"""Pending postings are folded in once the index is idle, by a thread of the
catalog (``core/search/idle_folding.py``), and searches find the same hits."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.search_helpers import write_zip
from veripost_desktop.core.config import Settings
from veripost_desktop.core.search import index_writer
from veripost_desktop.core.search.idle_folding import IdleFolder
from veripost_desktop.core.search.search_query import SearchRequest, search
from veripost_desktop.core.services import Services, open_services

FOLDERS = ("GRBL-Post", "SCL-SW-GRBL-1_1")


def _pending(services: Services) -> int:
    with sqlite3.connect(services.catalog.index_path) as db:
        row = db.execute("SELECT coalesce(sum(postings_count), 0) FROM search_pending_files")
        return int(row.fetchone()[0])


def _hits(services: Services) -> list[tuple[str, str, int]]:
    result = search(services.catalog.read_engine, SearchRequest("<G:ABSINC>", limit=100_000))
    return [(h.package_name, h.file, h.line) for h in result.hits]


class _NoFolder:
    """Stands in for the catalog's own folder: each test runs one of its own."""

    def __init__(self, path: Path) -> None:
        pass

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass


@pytest.fixture
def services(
    tmp_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Services]:
    monkeypatch.setattr("veripost_desktop.core.catalog.catalog.IdleFolder", _NoFolder)
    services = open_services(Settings(data_dir=tmp_path / "data", parse_workers=0))
    try:
        for folder in FOLDERS:
            zip_path = write_zip(corpus_dir, folder, tmp_path / f"{folder}.zip")
            assert services.pipeline.ingest(zip_path).ok
        yield services
    finally:
        services.close()


def test_pending_postings_are_folded_once_the_index_is_idle(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    pending = _pending(services)
    assert pending > 0  # well under the write path's MAX_PENDING_ROWS
    before = _hits(services)
    monkeypatch.setattr(index_writer, "FOLD_ROWS", pending)
    folder = IdleFolder(services.catalog.index_path, idle_seconds=0.2, poll_seconds=0.05)
    folder.start()
    try:
        deadline = time.monotonic() + 10
        while _pending(services) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        folder.stop()
    assert _pending(services) == 0
    assert _hits(services) == before


def test_fewer_than_fold_rows_stay_pending(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    pending = _pending(services)
    monkeypatch.setattr(index_writer, "FOLD_ROWS", pending + 1)
    folder = IdleFolder(services.catalog.index_path, idle_seconds=0.1, poll_seconds=0.02)
    folder.start()
    time.sleep(0.6)
    folder.stop()
    assert _pending(services) == pending


def test_no_fold_while_the_index_keeps_being_written(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another connection commits more often than the idle time: no fold."""
    pending = _pending(services)
    monkeypatch.setattr(index_writer, "FOLD_ROWS", 1)
    folder = IdleFolder(services.catalog.index_path, idle_seconds=0.5, poll_seconds=0.02)
    folder.start()
    writer = sqlite3.connect(services.catalog.index_path, isolation_level=None)
    try:
        for n in range(12):  # a commit every 0.1 s for 1.2 s
            writer.execute(
                "INSERT OR REPLACE INTO search_info (key, value) VALUES ('probe', ?)", (n,)
            )
            time.sleep(0.1)
        assert _pending(services) == pending
    finally:
        writer.close()
        folder.stop()
