"""The README's screenshot of a catalog restored from storage (issue 11).

Ingests two corpus packages into a throw-away data folder and its local
folder store, cuts the catalog file in half as a crash or a bad disk would,
opens the real window on it and saves ``catalog_restored.png`` once the
first refresh has filled the new catalog. Run it under a display (Xvfb) to
see it as a person would:

    xvfb-run -a -s "-screen 0 1400x900x24" \\
        .venv/bin/python docs/screenshots/make_team_screenshot.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import shot_env  # noqa: E402 - beside this script

REPO = shot_env.isolate()

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from veripost_desktop.app import create_main_window, ensure_application  # noqa: E402
from veripost_desktop.core.config import Settings  # noqa: E402
from veripost_desktop.core.services import open_services  # noqa: E402
from veripost_desktop.gui.team.team_refresh import RESTORED_NOTICE  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus" / "upg"


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="veripost-team-shot-") as tmp:
        folder = Path(tmp)
        os.environ["VERIPOST_CONFIG_FILE"] = str(folder / "settings.toml")
        settings = Settings(data_dir=folder / "data", user_name="ann")
        services = open_services(settings)
        for name in ("GRBL-Post", "SCL-SW-GRBL-1_1"):
            target = folder / f"{name}.zip"
            with zipfile.ZipFile(target, "w") as zf:
                for path in sorted((CORPUS / name).iterdir()):
                    zf.write(path, f"{name}/{path.name}")
            assert services.pipeline.ingest(target).ok
        path = services.catalog.path
        services.close()
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])

        app = ensure_application()
        # A window layout of its own: nothing of yours is read or written.
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder / "qs"))
        window = create_main_window(settings)
        window.resize(1100, 650)
        window.show()
        deadline = time.monotonic() + 30
        box = None
        while box is None and time.monotonic() < deadline:
            app.processEvents()
            box = window.findChild(QMessageBox, RESTORED_NOTICE)
            time.sleep(0.02)
        assert box is not None, "no restored-catalog notice"
        for _ in range(20):
            QApplication.processEvents()
            time.sleep(0.02)
        out = REPO / "docs" / "screenshots" / "catalog_restored.png"
        window.grab().save(str(REPO / "docs" / "screenshots" / "catalog_restored_window.png"))
        box.grab().save(str(out))
        print(f"wrote {out}")
        box.close()
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
