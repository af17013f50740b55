"""The status bar's account of a batch of ingestions, and Cancel all."""

from __future__ import annotations

import gc
import os
import re
import time
import weakref
import zipfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QLabel, QProgressBar, QToolButton
from pytestqt.qtbot import QtBot

from tests.conftest import make_package_zip
from tests.gui.conftest import INGEST_TIMEOUT_MS, ShownBox, crc_broken_zip, drop_files
from veripost_desktop.core.catalog import PackageRecord, PackageStatus
from veripost_desktop.core.config import Settings
from veripost_desktop.gui.packages import package_table_model as packages
from veripost_desktop.gui.packages.progress_delegate import ProgressDelegate
from veripost_desktop.gui.window.batch_progress import BatchSnapshot
from veripost_desktop.gui.window.main_window import MainWindow

OpenWindow = Callable[..., MainWindow]


def big_zip(corpus_dir: Path, path: Path, megabytes: int = 40) -> Path:
    """A package with a large incompressible member: its ingestion takes a while."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.write(corpus_dir / "GRBL-Post" / "GRBL-Post.SRC", "BIG/BIG.SRC")
        zf.writestr("BIG/BIG.CTL", os.urandom(megabytes * 1024 * 1024))
    return path


def start_one_running_two_queued(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, corpus_dir: Path
) -> tuple[MainWindow, list[str], list[BatchSnapshot]]:
    """A window with one ingestion thread, a big package running and two
    small ones queued behind it: (window, their ids in that order, the list
    ``batch.ended`` appends to)."""
    window = open_window(Settings(data_dir=tmp_path / "data", ingest_workers=1))
    zips = [
        big_zip(corpus_dir, tmp_path / "big.zip", megabytes=80),
        make_package_zip(corpus_dir, tmp_path / "GRBL-Post.zip"),
        make_package_zip(corpus_dir, tmp_path / "SCL.zip", "SCL-SW-GRBL-1_1"),
    ]
    ended: list[BatchSnapshot] = []
    window.batch.ended.connect(ended.append)
    drop_files(window, zips)
    ids = [r.id for r in window.package_model.records()]
    assert len(ids) == 3
    # The catalog, not the row: a row shows a status a moment after the worker
    # reached it, and under load the big package could be done by then.
    qtbot.waitUntil(
        lambda: (
            window.services.catalog.get_package(ids[0]).status
            in (PackageStatus.VALIDATING, PackageStatus.STORING)
        ),
        timeout=10_000,
    )
    return window, ids, ended


def batch_widgets(window: MainWindow) -> tuple[QLabel, QProgressBar, QToolButton]:
    label = window.statusBar().findChild(QLabel, "batchLabel")
    bar = window.statusBar().findChild(QProgressBar, "batchProgress")
    button = window.statusBar().findChild(QToolButton, "cancelAllButton")
    assert label is not None and bar is not None and button is not None
    return label, bar, button


def test_status_bar_counts_a_batch_then_sums_it_up(
    qtbot: QtBot,
    open_window: OpenWindow,
    tmp_path: Path,
    corpus_dir: Path,
    shown_boxes: list[ShownBox],
) -> None:
    # One worker: the packages run one after another, in the order dropped.
    window = open_window(Settings(data_dir=tmp_path / "data", ingest_workers=1))
    label, bar, button = batch_widgets(window)
    # Each row's Status cell draws its own bar while the package is stored.
    delegate = window.package_view.itemDelegateForColumn(packages.COL_STATUS)
    assert isinstance(delegate, ProgressDelegate)
    assert not label.isVisibleTo(window) and not window.window_actions.cancel_all.isEnabled()
    texts: list[str] = []
    window.batch.changed.connect(lambda _batch: texts.append(label.text()))
    ended: list[BatchSnapshot] = []
    window.batch.ended.connect(ended.append)
    ticks: list[object] = []
    window.package_model.dataChanged.connect(lambda *args: ticks.append(args))

    zips = [
        make_package_zip(corpus_dir, tmp_path / "GRBL-Post.zip"),
        crc_broken_zip(corpus_dir, tmp_path / "damaged.zip"),
        big_zip(corpus_dir, tmp_path / "big.zip"),
    ]
    drop_files(window, zips)
    assert label.isVisibleTo(window) and bar.isVisibleTo(window)
    assert button.defaultAction() is window.window_actions.cancel_all
    assert window.window_actions.cancel_all.isEnabled()
    assert re.fullmatch(r"Ingesting 0 of 3 · 0 bytes of \d+(\.\d)? MB", label.text()), label.text()

    qtbot.waitUntil(lambda: bool(ended), timeout=INGEST_TIMEOUT_MS)
    (final,) = ended
    assert (final.total, final.ready, final.failed, final.cancelled) == (3, 2, 1, 0)
    assert final.bytes_done == final.bytes_total > 40 * 1024 * 1024
    # Each ending was shown as it happened; the failure is counted from then on.
    assert any(t.startswith("Ingesting 1 of 3 ·") and "failed" not in t for t in texts)
    assert any(t.startswith("Ingesting 2 of 3 ·") and t.endswith(" · 1 failed") for t in texts)
    # Byte progress is folded in, not shown per event.
    assert len(texts) < len(ticks)
    assert not label.isVisibleTo(window)
    assert not window.window_actions.cancel_all.isEnabled()
    assert window.statusBar().currentMessage() == "Ingested 3 packages: 2 ready, 1 failed."
    assert not shown_boxes  # a failure shows in its row


def test_cancel_all_ends_every_queued_and_running_ingestion_as_cancelled(
    qtbot: QtBot,
    open_window: OpenWindow,
    tmp_path: Path,
    corpus_dir: Path,
    shown_boxes: list[ShownBox],
) -> None:
    window, ids, ended = start_one_running_two_queued(qtbot, open_window, tmp_path, corpus_dir)
    assert window.window_actions.cancel_all.isEnabled()
    # The two queued workers, taken off the pool by Cancel all, must be freed.
    queued = [weakref.ref(window.ingestion._running[i].worker) for i in ids[1:]]
    window.window_actions.cancel_all.trigger()
    assert window.statusBar().currentMessage() == "Cancelling 3 ingestion(s)..."

    qtbot.waitUntil(lambda: bool(ended), timeout=INGEST_TIMEOUT_MS)
    qtbot.waitUntil(lambda: window.ingestion.active_count == 0)
    gc.collect()
    assert [ref() for ref in queued] == [None, None]
    for package_id in ids:
        record = window.services.catalog.get_package(package_id)
        assert record.status is PackageStatus.ERROR and record.error_code == "cancelled"
        assert window.package_model.record(package_id) == record
        assert window.services.store.list_keys(f"packages/{package_id}/") == []
    (final,) = ended
    assert (final.total, final.cancelled) == (3, 3)
    assert window.statusBar().currentMessage() == "Ingested 3 packages: 0 ready, 3 cancelled."
    assert not window.window_actions.cancel_all.isEnabled()
    assert not shown_boxes


def test_cancel_all_also_stops_a_queued_ingestion_the_pool_starts_meanwhile(
    qtbot: QtBot,
    open_window: OpenWindow,
    tmp_path: Path,
    corpus_dir: Path,
    shown_boxes: list[ShownBox],
) -> None:
    """Cancel all works through the ingestions one after the other, and the
    GUI thread may be held on the way (a slot, a garbage collection, a loaded
    machine). Meanwhile the running ingestion sees its flag and ends, and the
    pool's one thread takes the next queued one. That one too must end as
    cancelled: it was queued when Cancel all was pressed."""
    window, ids, ended = start_one_running_two_queued(qtbot, open_window, tmp_path, corpus_dir)
    big_id, first_queued, last_queued = ids
    catalog = window.services.catalog
    pool = window.ingestion.thread_pool

    def hold_the_gui_thread(record: PackageRecord) -> None:
        # Once the first queued one is reported cancelled, hold the GUI thread
        # until the pool has run the last queued one to its end, or has
        # nothing left to run (the big one ended and the queue is empty).
        if record.id != first_queued:
            return
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if catalog.get_package(last_queued).status.is_final:
                return
            if pool.activeThreadCount() == 0:
                return
            time.sleep(0.01)

    window.ingestion.package_finished.connect(hold_the_gui_thread)
    window.window_actions.cancel_all.trigger()
    assert window.statusBar().currentMessage() == "Cancelling 3 ingestion(s)..."

    qtbot.waitUntil(lambda: bool(ended), timeout=INGEST_TIMEOUT_MS)
    qtbot.waitUntil(lambda: window.ingestion.active_count == 0)
    for package_id in (big_id, first_queued, last_queued):
        record = catalog.get_package(package_id)
        assert (record.status, record.error_code) == (PackageStatus.ERROR, "cancelled"), record.name
        assert window.package_model.record(package_id) == record
        assert window.services.store.list_keys(f"packages/{package_id}/") == []
    (final,) = ended
    assert (final.total, final.cancelled) == (3, 3)
    assert not shown_boxes
