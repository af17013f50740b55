"""The README's screenshot of *Search in posts*, from the real window.

Ingests the corpus's GRBL-Post and SCL-SW-GRBL-1_1 into a throw-away data
folder (its own QSettings too), opens the panel with Ctrl+Shift+F as a
person would, types a query, waits for the results and saves
``search_panel.png`` (the whole window), then activates the first hit and
saves ``search_hit_viewer.png`` (the source viewer at the line, the match
selected). Run it under a display (Xvfb) to see it as a person would:

    xvfb-run -a -s "-screen 0 1400x900x24" \\
        .venv/bin/python docs/screenshots/make_search_screenshot.py
"""

from __future__ import annotations

import argparse
import tempfile
import time
import zipfile
from pathlib import Path

import shot_env  # noqa: E402 - beside this script

REPO = shot_env.isolate()

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from veripost_desktop.app import create_main_window, ensure_application  # noqa: E402
from veripost_desktop.core.config import Settings  # noqa: E402
from veripost_desktop.core.services import open_services  # noqa: E402

QUERY = "<G:ABSINC>"


def wait_until(app: QApplication, done: object, what: str, timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    while not done():  # type: ignore[operator]
        if time.monotonic() > end:
            raise SystemExit(f"timed out waiting for {what}")
        app.processEvents()
        time.sleep(0.02)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "upg")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="veripost-search-shot-"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "qs"))
    settings = Settings(data_dir=work / "data", log_dir=work / "log")
    services = open_services(settings)
    for package in ("GRBL-Post", "SCL-SW-GRBL-1_1"):
        zip_path = work / f"{package}.zip"
        with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted((args.corpus / package).iterdir()):
                zf.write(path, f"{package}/{path.name}")
        assert services.pipeline.ingest(zip_path).ok
    services.close()

    app = ensure_application()
    window = create_main_window(settings)
    window.resize(1300, 820)
    window.show()
    window.raise_()
    window.activateWindow()
    wait_until(app, lambda: window.settled_at_start is not None, "the start-up check")
    QTest.keyClick(
        window,
        Qt.Key.Key_F,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    panel = window.search_dock.panel
    wait_until(app, window.search_dock.isVisible, "the panel")
    window.resizeDocks([window.search_dock], [380], Qt.Orientation.Vertical)
    finished: list[object] = []
    panel.searchFinished.connect(finished.append)
    QTest.keyClicks(panel.query, QUERY)
    wait_until(app, lambda: bool(finished), "the search")
    QTest.keyClick(panel.query, Qt.Key.Key_Down)
    for _ in range(20):
        app.processEvents()
        time.sleep(0.02)
    args.out.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(args.out / "search_panel.png"))

    QTest.keyClick(panel.view, Qt.Key.Key_Return)
    viewers = window.source_viewers.windows()
    wait_until(app, lambda: bool(viewers) and viewers[0].loaded is not None, "the viewer")
    for _ in range(20):
        app.processEvents()
        time.sleep(0.02)
    viewers[0].grab().save(str(args.out / "search_hit_viewer.png"))
    window.close()
    print(f"saved {args.out / 'search_panel.png'} and {args.out / 'search_hit_viewer.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
