"""Make the screenshots of versions of a post from the real window, under a
real X server (Xvfb), so the question is a real modal dialog over the window.

GRBL-Post and SCL-SW-GRBL-1_1 are stored first by "ann" (the core pipeline,
as the CLI does); then "bob" drops an edited GRBL-Post on the window. Once it
is ready, the window asks whether it is a new version; the script grabs the
screen with the question up (``versions_question.png``), answers *New
version*, selects the new package and grabs the window with the Version
column and the Details history (``versions.png``).

    xvfb-run -a -s "-screen 0 1400x900x24" \\
        .venv/bin/python docs/screenshots/make_versions_screenshot.py [--corpus PATH] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QSettings, QTimer  # noqa: E402
from PySide6.QtGui import QPixmap  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from veripost_desktop.app import create_main_window, ensure_application  # noqa: E402
from veripost_desktop.core.config import Settings  # noqa: E402
from veripost_desktop.core.services import open_services  # noqa: E402
from veripost_desktop.gui.versions.version_question import OBJECT_NAME  # noqa: E402
from veripost_desktop.gui.window.main_window import MainWindow  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "upg"
SIZE = (1280, 800)


def zip_folder(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.iterdir()):
            zf.write(path, f"{folder.name}/{path.name}")
    return target


def edited_grbl(corpus: Path, target: Path) -> Path:
    """GRBL-Post with END_OF_TAPE changed: the post the customer sent back."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted((corpus / "GRBL-Post").iterdir()):
            data = path.read_bytes()
            if path.suffix.upper() == ".SRC":
                head, sep, tail = data.partition(b":SECTION=END_OF_TAPE")
                data = head + sep + b"\r\n:T:G0 Z5.0<EOL>" + tail
            zf.writestr(f"GRBL-Post/{path.name}", data)
    return target


def settle(condition: Callable[[], bool], timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for the window")
        QApplication.processEvents()
        time.sleep(0.01)
    for _ in range(10):
        QApplication.processEvents()
        time.sleep(0.02)


def save(pixmap: QPixmap, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not pixmap.save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(f"wrote {path} ({pixmap.width()}x{pixmap.height()})")


def answer_when_asked(window: MainWindow, out: Path, shots: list[str]) -> None:
    """Poll for the question (it runs its own event loop), grab the screen
    with it up, then click New version."""
    box = QApplication.activeModalWidget()
    if not isinstance(box, QMessageBox) or box.objectName() != OBJECT_NAME or not box.isVisible():
        QTimer.singleShot(50, lambda: answer_when_asked(window, out, shots))
        return
    for _ in range(20):
        QApplication.processEvents()
        time.sleep(0.02)
    screen = QApplication.primaryScreen()
    frame = window.frameGeometry().united(box.frameGeometry())
    save(
        screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height()),
        out / "versions_question.png",
    )
    shots.append(box.text())
    button = box.button(QMessageBox.StandardButton.Yes)
    assert button is not None
    button.click()


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="veripost-shot-") as tmp:
        work = Path(tmp)
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(
            QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "settings")
        )
        os.environ["VERIPOST_CONFIG_FILE"] = str(work / "settings" / "settings.toml")
        app = ensure_application()
        app.setStyle("Fusion")

        ann = open_services(Settings(data_dir=work / "data", user_name="ann"))
        try:
            for name in ("GRBL-Post", "SCL-SW-GRBL-1_1"):
                outcome = ann.pipeline.ingest(zip_folder(args.corpus / name, work / f"{name}.zip"))
                if not outcome.ok:
                    raise SystemExit(f"{name} did not ingest: {outcome.error}")
        finally:
            ann.close()

        window = create_main_window(Settings(data_dir=work / "data", user_name="bob"))
        window.resize(*SIZE)
        window.move(40, 30)
        window.show()
        settle(lambda: window.settled_at_start is not None)

        shots: list[str] = []
        QTimer.singleShot(0, lambda: answer_when_asked(window, args.out, shots))
        linked: list[object] = []
        window.versions.linked.connect(linked.append)
        window.add_files([edited_grbl(args.corpus, work / "GRBL-Post-sent-back.zip")])
        settle(lambda: bool(linked))
        print("asked:", shots[0])

        (new,) = [r for r in window.package_model.records() if r.post_id is not None]
        window.select_package(new.id)
        settle(lambda: window.file_model.package_id == new.id)
        sizes = window.splitter.sizes()
        window.splitter.setSizes([sum(sizes) * 2 // 5, sum(sizes) * 3 // 5])
        window.details_tabs.setCurrentIndex(1)
        settle(lambda: True)
        save(window.grab(), args.out / "versions.png")
        window.close()
        for widget in QApplication.topLevelWidgets():
            widget.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
