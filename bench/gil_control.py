"""Diagnostics, not a figure: the 10 ms QTimer of ``gui.max_tick_gap`` with no
VeriPost code at all, beside 0, 1, 2 and 4 Python threads that only compute.
It shows how much of the window's stalls the GIL alone explains when
ingestion workers run CPU-bound Python (parsing, ORM inserts) in the GUI
process.

    .venv/bin/python bench/gil_control.py [--seconds 5]
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TICK_MS = 10


def busy(stop: threading.Event) -> None:
    n = 0
    while not stop.is_set():
        n += 1


def measure(threads: int, seconds: float) -> str:
    from PySide6.QtCore import QEventLoop, QTimer

    stop = threading.Event()
    workers = [threading.Thread(target=busy, args=(stop,), daemon=True) for _ in range(threads)]
    for worker in workers:
        worker.start()
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    loop = QEventLoop()
    timer.start()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    timer.stop()
    stop.set()
    for worker in workers:
        worker.join()
    gaps = sorted(b - a for a, b in zip(ticks, ticks[1:], strict=False))
    p99 = gaps[int(len(gaps) * 0.99)]
    return (
        f"{threads} busy thread(s): {len(ticks)} ticks, longest gap {gaps[-1] * 1000:.0f} ms, "
        f"p99 {p99 * 1000:.0f} ms, {sum(g > 0.1 for g in gaps)} over 100 ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    print(f"switch interval {sys.getswitchinterval() * 1000:.0f} ms, {os.cpu_count()} CPUs")
    for threads in (0, 1, 2, 4):
        print(measure(threads, args.seconds), flush=True)
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
