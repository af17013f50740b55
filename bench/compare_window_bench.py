"""Benchmark the compare window (issue 13): two ~1 MB posts (``grown_pair``
of ``bench_compare.py``: A grown from the corpus, B an edited copy) stored in
a local catalog, then opened in the real window as a person does.

- **open**: from the request (Package > Compare) until the window shows the
  comparison with its first section side by side: the worker's ``compare``
  (reading both packages back, SHA-256 checked) plus the GUI thread's part;
- **GUI thread**: ``show_comparison`` alone (summary, model, first section);
- **largest section**: selecting the changed section with the most lines;
- **F8**: the time per press over 200 presses (crossing sections).

    .venv/bin/python bench/compare_window_bench.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_compare import MB, grown_pair  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from veripost_desktop.app import create_main_window, ensure_application  # noqa: E402
from veripost_desktop.core.compare.model import PackageComparison  # noqa: E402
from veripost_desktop.core.config import Settings  # noqa: E402
from veripost_desktop.core.services import open_services  # noqa: E402
from veripost_desktop.gui.compare import sections_model as sections  # noqa: E402
from veripost_desktop.gui.compare.window import CompareWindow  # noqa: E402


def settle(condition: Callable[[], bool], timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        QApplication.processEvents()
        time.sleep(0.001)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    a, b = grown_pair(MB, random.Random(13))
    with tempfile.TemporaryDirectory(prefix="veripost-compare-bench-") as tmp:
        work = Path(tmp)
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "qs"))
        settings = Settings(data_dir=work / "data")
        services = open_services(settings)
        ids = []
        for name, files in (("A", a), ("B", b)):
            path = work / f"{name}.zip"
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
                for n, d in files.items():
                    zf.writestr(n, d)
            outcome = services.pipeline.ingest(path, add_duplicates=True)
            assert outcome.package is not None and outcome.ok, outcome.error
            ids.append(outcome.package.id)
        services.close()

        ensure_application()
        window = create_main_window(settings)
        window.show()
        settle(lambda: window.settled_at_start is not None)
        controller = window.compare.controller
        opens: list[float] = []
        comparison: PackageComparison | None = None
        gui: list[float] = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            window_ = controller.compare(ids[0], ids[1], "A", "B")
            settle(lambda w=window_: w.comparison is not None)  # type: ignore[misc]
            opens.append(time.perf_counter() - start)
            comparison = window_.comparison
            assert comparison is not None
            window_.close()
            QApplication.processEvents()
            # The GUI thread's part alone, on a fresh window.
            fresh = CompareWindow("A", "B", controller.runner, window.file_actions)
            fresh.show()
            start = time.perf_counter()
            fresh.show_comparison(comparison)
            gui.append(time.perf_counter() - start)
            fresh.close()
            QApplication.processEvents()
        assert comparison is not None
        sizes = ", ".join(f"{n} {len(d) / MB:.2f} MB" for n, d in a.items())
        print(f"A: {sizes}; {len(comparison.sections)} sections differ")
        print(
            f"  open (request -> first section shown), best of {args.repeat}: {min(opens):.3f} s"
            f" (median {sorted(opens)[len(opens) // 2]:.3f} s)"
        )
        print(f"  of which on the GUI thread (show_comparison):      {min(gui):.3f} s")

        compare = controller.compare(ids[0], ids[1], "A", "B")
        settle(lambda: compare.comparison is not None)
        changes = comparison.sections
        largest = max(
            range(len(changes)), key=lambda r: len(changes[r].a_body) + len(changes[r].b_body)
        )
        change = changes[largest]
        start = time.perf_counter()
        compare._select_row(largest)
        took = time.perf_counter() - start
        print(
            f"  largest section ({change.name}, {len(change.a_body)} + {len(change.b_body)}"
            f" lines) shown in {took:.3f} s"
        )
        compare._select_row(0)
        presses = 200
        start = time.perf_counter()
        for _ in range(presses):
            compare.next_change()
        per = (time.perf_counter() - start) / presses
        row = compare.section_list.currentIndex().data(sections.SectionChangeRole)
        print(f"  F8: {per * 1000:.1f} ms per press ({presses} presses, now at {row.name})")
        compare.close()
        window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
