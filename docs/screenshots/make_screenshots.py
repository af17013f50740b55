"""Make the README screenshot of the main window.

Ingests corpus packages into a throw-away catalog, shows the real window
offscreen at 1100x700 with the first package selected and saves
``docs/screenshots/main_window.png``.

    .venv/bin/python docs/screenshots/make_screenshots.py [--corpus PATH]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import zipfile
from pathlib import Path

# Before Qt is imported: no display needed.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Run from a checkout without installing it.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from veripost_desktop.app import create_main_window, ensure_application  # noqa: E402
from veripost_desktop.core.config import Settings  # noqa: E402
from veripost_desktop.core.services import open_services  # noqa: E402
from veripost_desktop.gui import package_table_model as packages  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "upg"
PACKAGES = ("GRBL-Post", "SCL-SW-GRBL-1_1")
SIZE = (1100, 700)


def zip_package(corpus: Path, package: str, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted((corpus / package).iterdir()):
            zf.write(path, f"{package}/{path.name}")
    return target


def ingest(settings: Settings, zips: list[Path]) -> None:
    services = open_services(settings)
    try:
        for path in zips:
            outcome = services.pipeline.ingest(path)
            if not outcome.ok:
                raise SystemExit(f"{path.name} did not ingest: {outcome.error}")
    finally:
        services.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--out", type=Path, default=HERE / "main_window.png")
    args = parser.parse_args()

    app = ensure_application()
    app.setStyle("Fusion")  # the same look whatever desktop the script runs on
    with tempfile.TemporaryDirectory(prefix="veripost-shot-") as tmp:
        work = Path(tmp)
        settings = Settings(data_dir=work / "data")
        zips = [zip_package(args.corpus, p, work / f"{p}.zip") for p in PACKAGES]
        ingest(settings, zips)

        window = create_main_window(settings)
        window.resize(*SIZE)
        window.show()
        first = window.package_view.model().index(0, packages.COL_NAME)
        window.package_view.selectRow(first.row())
        window.package_view.setFocus(Qt.FocusReason.OtherFocusReason)
        for _ in range(5):
            QApplication.processEvents()
        image = window.grab()
        window.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(args.out)):
        print(f"could not write {args.out}", file=sys.stderr)
        return 1
    print(f"wrote {args.out} ({image.width()}x{image.height()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
