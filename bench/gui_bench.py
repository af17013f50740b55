"""Figure 4, run in its own process by run_bench.py (offscreen Qt):

* the longest gap between ticks of a 10 ms QTimer while packages are dropped
  on the real main window and ingest to the end through the GUI path (drop
  -> IngestionController -> QThreadPool workers -> queued signals -> model);
* the time from ``create_main_window`` to a painted window over a catalog of
  many packages (rows bulk-inserted into a fresh catalog file).

Prints one JSON object on its last line of stdout.

    .venv/bin/python bench/gui_bench.py --endpoint URL --work DIR --catalog-rows N ZIP...
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

TICK_MS = 10
INGEST_TIMEOUT_S = 1800.0
# PySide6 6.12.0 on CPython 3.11 drops one reference to ``True`` on every
# ``Signal.emit()``; after some thousands of emits the interpreter aborts
# ("Fatal Python error: bool_dealloc"). Extra references keep this process
# alive long enough to measure; ``emit_probe`` reports the loss.
_TRUE_REFS = [True] * 1_000_000


def wait_for_app(timeout: float) -> Any:
    """``veripost_desktop.app``, once it exists and imports (it is being written)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            module = importlib.import_module("veripost_desktop.app")
            if hasattr(module, "create_main_window"):
                return module
            raise ImportError("veripost_desktop.app has no create_main_window yet")
        except Exception as exc:  # noqa: BLE001 - anything: the file is mid-edit
            if time.monotonic() > deadline:
                raise RuntimeError(f"veripost_desktop.app is not usable: {exc}") from exc
            for name in [m for m in sys.modules if m.startswith("veripost_desktop")]:
                del sys.modules[name]
            time.sleep(2.0)


def _application(app_module: Any) -> Any:
    ensure = getattr(app_module, "ensure_application", None)
    if callable(ensure):
        return ensure()
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def _settings(endpoint: str, data_dir: Path) -> Any:
    from veripost_desktop.core.config import Settings

    return Settings(
        data_dir=data_dir,
        log_dir=data_dir / "logs",
        s3_endpoint=endpoint,
        s3_access_key="bench",
        s3_secret_key="bench-secret",  # type: ignore[arg-type]
        s3_bucket=f"gui-{uuid.uuid4().hex[:12]}",
    )


def _never_block_on_dialogs(shown: list[str]) -> None:
    from PySide6.QtWidgets import QMessageBox

    def fake_exec(box: QMessageBox) -> int:
        shown.append(f"{box.windowTitle()}: {box.text()} {box.detailedText()}")
        return int(QMessageBox.StandardButton.Ok)

    QMessageBox.exec = fake_exec  # type: ignore[method-assign,assignment]


def _drop(window: Any, paths: list[Path]) -> bool:
    """A real drop of local files on the window; whether the window took it."""
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = QPointF(window.width() / 2, window.height() / 2)
    action, button, keys = (
        Qt.DropAction.CopyAction,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    enter = QDragEnterEvent(pos.toPoint(), action, mime, button, keys)
    QApplication.sendEvent(window, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(pos, action, mime, button, keys)
    QApplication.sendEvent(window, drop)
    return drop.isAccepted()


def _add_without_drop(window: Any, paths: list[Path]) -> None:
    for owner in (window, getattr(window, "ingestion", None)):
        for name in ("add_files", "add_paths"):
            method = getattr(owner, name, None)
            if callable(method):
                method(paths)
                return
    raise RuntimeError("the window takes no drop and has no add_files/add_paths")


class StallSampler:
    """Diagnostics only (``--diagnose-stalls``; it competes for the GIL, so
    figures taken with it are not the benchmark's): when the GUI thread has
    not ticked for ``threshold_s``, record where it is."""

    def __init__(self, ticks: list[float], threshold_s: float = 0.05) -> None:
        import threading
        from collections import Counter

        self._ticks = ticks
        self._threshold = threshold_s
        self._gui = threading.get_ident()
        self._stop = threading.Event()
        self.where: Counter[str] = Counter()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        import traceback

        while not self._stop.wait(0.02):
            if not self._ticks or time.perf_counter() - self._ticks[-1] < self._threshold:
                continue
            frame = sys._current_frames().get(self._gui)
            if frame is None:
                continue
            stack = traceback.extract_stack(frame)
            ours = [f for f in stack if "veripost_desktop" in f.filename] or stack[-3:]
            inner = stack[-1]
            self.where[
                " > ".join(f"{Path(f.filename).stem}.{f.name}:{f.lineno}" for f in ours[-4:])
                + f" | in {Path(inner.filename).name}:{inner.name}"
            ] += 1


def measure_ingest(
    app_module: Any, endpoint: str, work: Path, zips: list[Path], diagnose: bool = False
) -> dict[str, Any]:
    from PySide6.QtCore import QEventLoop, QTimer

    shown: list[str] = []
    _never_block_on_dialogs(shown)
    window = app_module.create_main_window(_settings(endpoint, work / "gui-ingest"))
    window.resize(1200, 800)
    window.show()
    model = window.package_model
    ticks: list[float] = []
    marks: dict[str, float] = {}
    loop = QEventLoop()

    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))

    def start() -> None:
        marks["drop"] = time.perf_counter()
        if not _drop(window, zips) or model.rowCount() == 0:
            _add_without_drop(window, zips)
        marks["dropped"] = time.perf_counter()

    def poll() -> None:
        if "dropped" not in marks:
            return
        records = model.records()
        done = len(records) >= len(zips) and all(r.status.is_final for r in records)
        if done and "done" not in marks:
            marks["done"] = time.perf_counter()
            QTimer.singleShot(300, loop.quit)  # a little idle time after the end
        elif time.perf_counter() - marks["drop"] > INGEST_TIMEOUT_S:
            loop.quit()

    poller = QTimer()
    poller.setInterval(100)
    poller.timeout.connect(poll)
    sampler = StallSampler(ticks) if diagnose else None
    timer.start()
    poller.start()
    if sampler is not None:
        sampler.start()
    QTimer.singleShot(500, start)  # let the window settle first
    loop.exec()
    timer.stop()
    poller.stop()
    if sampler is not None:
        sampler.stop()

    records = model.records()
    statuses: dict[str, int] = {}
    for r in records:
        statuses[r.status.value] = statuses.get(r.status.value, 0) + 1
    window.close()
    if "done" not in marks:
        raise RuntimeError(f"GUI ingestion did not finish in {INGEST_TIMEOUT_S:.0f} s: {statuses}")

    during = [t for t in ticks if marks["drop"] - TICK_MS / 1000 <= t <= marks["done"]]
    gaps = [b - a for a, b in zip(during, during[1:], strict=False)]
    # The tick just before the drop and the first after it frame the drop itself.
    before = max((t for t in ticks if t <= marks["drop"]), default=marks["drop"])
    after = min((t for t in ticks if t >= marks["dropped"]), default=marks["dropped"])
    return {
        "packages": len(zips),
        "statuses": statuses,
        "dialogs": shown,
        "max_gap_ms": max(gaps) * 1000,
        "drop_gap_ms": (after - before) * 1000,
        "drop_call_ms": (marks["dropped"] - marks["drop"]) * 1000,
        "max_gap_after_drop_ms": max(
            (b - a for a, b in zip(during, during[1:], strict=False) if a >= after), default=0
        )
        * 1000,
        "p99_gap_ms": statistics.quantiles(gaps, n=100)[98] * 1000 if len(gaps) > 100 else None,
        "gaps_over_100ms": sum(g > 0.1 for g in gaps),
        # When the long gaps happened (seconds after the drop, gap in ms).
        "long_gaps": [
            (round(a - marks["drop"], 2), round((b - a) * 1000))
            for a, b in zip(during, during[1:], strict=False)
            if b - a > 0.08
        ],
        "ticks": len(during),
        "ingest_seconds": marks["done"] - marks["drop"],
        "workers": window.services.settings.ingest_workers,
        "stalls": dict(sampler.where.most_common(15)) if sampler is not None else None,
    }


def fill_catalog(data_dir: Path, rows: int) -> None:
    """``rows`` ready packages, bulk-inserted into a fresh catalog."""
    from sqlalchemy import insert

    from veripost_desktop.core.catalog import Catalog
    from veripost_desktop.core.catalog.models import PackageRow

    data_dir.mkdir(parents=True, exist_ok=True)
    catalog = Catalog(data_dir / "catalog.sqlite3")
    start = datetime(2024, 1, 1, tzinfo=UTC)
    values = []
    for n in range(rows):
        package_id = str(uuid.uuid4())
        when = start + timedelta(minutes=7 * n)
        values.append(
            {
                "id": package_id,
                "name": f"P{n:05d}-GRBL-Post",
                "status": "ready",
                "file_count": 6 + n % 5,
                "section_count": 81 + n % 40,
                "total_bytes": 200_000 + 7_919 * n,
                "zip_sha256": uuid.uuid4().hex * 2,
                "source_path": f"/data/deliveries/P{n:05d}-GRBL-Post.zip",
                "storage_prefix": f"packages/{package_id}/",
                "job_id": str(uuid.uuid4()),
                "machine": "GRBL 3-axis mill",
                "controller": "GRBL 1.1",
                "system": "MILL",
                "post_name": f"P{n:05d}-GRBL-Post",
                "post_extension": "nc",
                "warning_count": n % 3,
                "created_at": when,
                "updated_at": when,
            }
        )
    with catalog.write_engine.begin() as conn:
        conn.execute(insert(PackageRow), values)
    catalog.close()


def measure_catalog(app_module: Any, endpoint: str, work: Path, rows: int) -> dict[str, Any]:
    from PySide6.QtWidgets import QApplication

    settings = _settings(endpoint, work / "gui-catalog")
    fill_catalog(settings.data_dir, rows)

    start = time.perf_counter()
    window = app_module.create_main_window(settings)
    created = time.perf_counter()
    window.resize(1200, 800)
    window.show()
    QApplication.processEvents()
    QApplication.processEvents()
    shown = time.perf_counter()
    visible_rows = window.package_view.model().rowCount()

    # Where the time goes: the catalog query, then a reload (model reset + proxy re-sort).
    t0 = time.perf_counter()
    window.services.catalog.list_packages()
    t1 = time.perf_counter()
    window.ingestion.load_packages()
    QApplication.processEvents()
    t2 = time.perf_counter()
    window.close()
    return {
        "rows": rows,
        "visible_rows": visible_rows,
        "show_seconds": shown - start,
        "create_seconds": created - start,
        "list_packages_seconds": t1 - t0,
        "reload_seconds": t2 - t1,
    }


def emit_probe(emits: int = 1000) -> dict[str, Any]:
    """How many references to ``True`` ``emits`` emits of a plain signal drop."""
    import PySide6
    from PySide6.QtCore import QObject, Signal

    class Probe(QObject):
        ping = Signal(object)

    probe = Probe()
    probe.ping.connect(lambda _value: None)
    before = sys.getrefcount(True)
    for n in range(emits):
        probe.ping.emit(n)
    return {
        "pyside": PySide6.__version__,
        "true_refs_lost_per_1000_emits": (before - sys.getrefcount(True)) * 1000 // emits,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--catalog-rows", type=int, default=10_000)
    parser.add_argument("--wait-for-app", type=float, default=120.0, help="seconds")
    parser.add_argument(
        "--diagnose-stalls", action="store_true", help="sample the GUI thread's stack in stalls"
    )
    parser.add_argument("zips", nargs="+", type=Path)
    args = parser.parse_args(argv)

    app_module = wait_for_app(args.wait_for_app)
    qt_app = _application(app_module)
    result: dict[str, Any] = {
        "ingest": measure_ingest(
            app_module, args.endpoint, args.work, args.zips, args.diagnose_stalls
        ),
        "catalog": measure_catalog(app_module, args.endpoint, args.work, args.catalog_rows),
    }
    result.update(emit_probe())
    print(json.dumps(result), flush=True)
    del qt_app
    return 0


if __name__ == "__main__":
    status = main()
    # Skip interpreter teardown: see _TRUE_REFS.
    sys.stderr.flush()
    os._exit(status)
