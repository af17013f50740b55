"""Make the README screenshots from the real window, offscreen.

Ingests corpus packages into a throw-away data folder (with its own
QSettings, so neither your catalog nor your window layout is touched), then
saves into ``docs/screenshots/``:

- ``main_window.png``: three ready packages, one with warnings, its files
  and where they are stored;
- ``details_tab.png``: the same window on the Details tab (what the parser
  read, the missing library, the warnings);
- ``source_viewer.png``: GRBL-Post.SRC with its section outline and colours;
- ``refusal_dialog.png``: the dialog a dropped package folder gives, details shown;
- ``compare_window.png``: GRBL-Post against SCL-SW-GRBL-1_1, at START_OF_TAPE;
- ``similar_posts.png``: Find similar posts on GRBL-Post.

    .venv/bin/python docs/screenshots/make_screenshots.py [--corpus PATH] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

# Before Qt is imported: no display needed. The offscreen screen is 800x600
# unless told otherwise; dialogs size themselves from the screen, so give
# them the common desktop one.
_SCREEN = Path(tempfile.gettempdir()) / "veripost-shot-screen.json"
_SCREEN.write_text(
    json.dumps(
        {
            "screens": [
                {
                    "name": "shot",
                    "x": 0,
                    "y": 0,
                    "width": 1920,
                    "height": 1080,
                    "logicalDpi": 96,
                    "logicalBaseDpi": 96,
                    "dpr": 1,
                }
            ]
        }
    )
)
os.environ.setdefault("QT_QPA_PLATFORM", f"offscreen:configfile={_SCREEN}")
# Run from a checkout without installing it.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtGui import QPixmap  # noqa: E402
from PySide6.QtWidgets import QApplication, QPushButton  # noqa: E402

from veripost_desktop.app import create_main_window, ensure_application  # noqa: E402
from veripost_desktop.core.config import Settings  # noqa: E402
from veripost_desktop.core.services import open_services  # noqa: E402
from veripost_desktop.gui.source.section_outline_model import SectionRecordRole  # noqa: E402
from veripost_desktop.gui.widgets.error_dialog import Refusal, refusal_box  # noqa: E402
from veripost_desktop.gui.window.main_window import MainWindow  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "upg"
SIZE = (1280, 780)
VIEWER_SIZE = (1000, 640)
# Where the source viewer opens: rapid-move sections, some commented out,
# with IF ... THEN lines and format tokens on screen.
VIEWER_LINE = 632


def zip_folder(folder: Path, target: Path, skip_suffix: str | None = None) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.iterdir()):
            if skip_suffix is None or path.suffix.upper() != skip_suffix:
                zf.write(path, f"{folder.name}/{path.name}")
    return target


def customised_without_library(corpus: Path, work: Path) -> Path:
    """GRBL-Post as a shop might hand it on: renamed, its own .LIB left out.
    The parser warns that the library the .SRC names is missing."""
    folder = work / "RSCNC32-Shop"
    folder.mkdir()
    for path in (corpus / "GRBL-Post").iterdir():
        if path.suffix.upper() != ".LIB":
            (folder / path.name.replace("GRBL-Post", "RSCNC32-Shop")).write_bytes(path.read_bytes())
    return zip_folder(folder, work / "RSCNC32-Shop.zip")


def ingest(settings: Settings, zips: list[Path]) -> None:
    services = open_services(settings)
    try:
        for path in zips:
            outcome = services.pipeline.ingest(path)
            if not outcome.ok:
                raise SystemExit(f"{path.name} did not ingest: {outcome.error}")
    finally:
        services.close()


def settle(condition: Callable[[], bool], timeout_s: float = 20.0) -> None:
    """Run the event loop until ``condition`` holds (workers report through it)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for the window")
        QApplication.processEvents()
        time.sleep(0.01)
    for _ in range(5):
        QApplication.processEvents()


def save(pixmap: QPixmap, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not pixmap.save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(f"wrote {path} ({pixmap.width()}x{pixmap.height()})")


def select(window: MainWindow, name: str) -> None:
    (record,) = [r for r in window.package_model.records() if r.name == name]
    window.select_package(record.id)
    settle(lambda: window.file_model.package_id == record.id)


def shoot_main_window(window: MainWindow, out: Path) -> None:
    select(window, "RSCNC32-Shop")
    window.details_tabs.setCurrentIndex(0)
    window.file_view.selectRow(0)
    window.package_view.setFocus(Qt.FocusReason.OtherFocusReason)
    settle(lambda: True)
    save(window.grab(), out / "main_window.png")
    sizes = window.splitter.sizes()
    window.splitter.setSizes([sum(sizes) * 2 // 7, sum(sizes) * 5 // 7])
    window.details_tabs.setCurrentIndex(1)
    settle(lambda: True)
    save(window.grab(), out / "details_tab.png")
    window.details_tabs.setCurrentIndex(0)
    window.splitter.setSizes(sizes)


def shoot_source_viewer(window: MainWindow, out: Path) -> None:
    select(window, "GRBL-Post")
    (src,) = [r for r in window.file_model.records() if r.filename == "GRBL-Post.SRC"]
    viewer = window.source_viewers.open("GRBL-Post", src, VIEWER_LINE)
    viewer.resize(*VIEWER_SIZE)
    settle(lambda: viewer.loaded is not None)
    viewer.go_to_line(VIEWER_LINE)
    # The outline follows: the section the cursor is in, selected.
    outline = viewer.outline
    for row in range(viewer.outline_model.rowCount()):
        section = viewer.outline_model.index(row, 0)
        record = section.data(SectionRecordRole)
        if record is not None and record.first_line <= VIEWER_LINE <= record.last_line:
            outline.setCurrentIndex(section)
            outline.scrollTo(section)
    settle(lambda: True)
    save(viewer.grab(), out / "source_viewer.png")
    viewer.close()


def shoot_refusal(window: MainWindow, corpus: Path, work: Path, out: Path) -> None:
    """A package folder dropped instead of its ZIP: the dialog the window shows."""
    folder = work / "SCL-SW-GRBL-1_1"
    folder.mkdir()
    for path in (corpus / "SCL-SW-GRBL-1_1").iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    validation = window.services.pipeline.check(folder)
    assert validation.error is not None
    box = refusal_box(window, [Refusal(folder, validation.error)])
    box.show()
    details = next(
        (b for b in box.findChildren(QPushButton) if b.text().startswith("Show Details")), None
    )
    if details is not None:
        details.click()
    settle(lambda: True)
    box.adjustSize()
    settle(lambda: True)
    save(box.grab(), out / "refusal_dialog.png")
    box.close()


def shoot_compare(window: MainWindow, out: Path) -> None:
    """Two packages selected, Package > Compare: the section with other edits
    than the ``<N>`` pattern, at its first change."""
    from veripost_desktop.gui.compare.sections_model import SectionChangeRole

    view = window.package_view
    view.clearSelection()
    for name in ("GRBL-Post", "SCL-SW-GRBL-1_1"):
        (record,) = [r for r in window.package_model.records() if r.name == name]
        index = window.package_proxy.mapFromSource(
            window.package_model.index(window.package_model.rowForId(record.id), 0)
        )
        view.selectionModel().select(
            index,
            view.selectionModel().SelectionFlag.Select | view.selectionModel().SelectionFlag.Rows,
        )
    window.compare.compare_action.trigger()
    (compare,) = window.compare.controller.windows()
    compare.resize(1280, 800)
    settle(lambda: compare.comparison is not None)
    proxy = compare.sections_proxy
    for row in range(proxy.rowCount()):
        if proxy.index(row, 0).data(SectionChangeRole).name == "START_OF_TAPE":
            compare.section_list.selectRow(row)
    compare.side_by_side.go_to_change(1)
    settle(lambda: True)
    save(compare.grab(), out / "compare_window.png")
    compare.close()


def shoot_similar(window: MainWindow, out: Path) -> None:
    select(window, "GRBL-Post")
    window.compare.similar_action.trigger()
    (dialog,) = window.compare.controller.dialogs()
    settle(lambda: dialog.posts is not None)
    save(dialog.grab(), out / "similar_posts.png")
    dialog.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="veripost-shot-") as tmp:
        work = Path(tmp)
        # The window restores and saves its layout through QSettings: keep
        # it in the throw-away folder, not the developer's own settings.
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(
            QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "settings")
        )
        # Nor may your settings file (a store folder, a server) reach it.
        os.environ["VERIPOST_CONFIG_FILE"] = str(work / "settings" / "settings.toml")
        app = ensure_application()
        _SCREEN.unlink(missing_ok=True)  # read when the application started
        app.setStyle("Fusion")  # the same look whatever desktop the script runs on
        settings = Settings(data_dir=work / "data")
        zips = [
            zip_folder(args.corpus / "GRBL-Post", work / "GRBL-Post.zip"),
            zip_folder(args.corpus / "SCL-SW-GRBL-1_1", work / "SCL-SW-GRBL-1_1.zip"),
            customised_without_library(args.corpus, work),
        ]
        ingest(settings, zips)

        window = create_main_window(settings)
        window.resize(*SIZE)
        window.show()
        settle(lambda: window.settled_at_start is not None)
        shoot_main_window(window, args.out)
        shoot_source_viewer(window, args.out)
        shoot_refusal(window, args.corpus, work, args.out)
        shoot_compare(window, args.out)
        shoot_similar(window, args.out)
        window.close()
        for widget in QApplication.topLevelWidgets():
            widget.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
