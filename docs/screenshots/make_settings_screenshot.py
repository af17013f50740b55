"""The README's screenshot of the Settings dialog, from the real dialog.

Writes a throw-away settings file (``VERIPOST_CONFIG_FILE``: nothing of yours
is read or written) naming a MinIO server, a team name and a limit, sets
``VERIPOST_INGEST_WORKERS`` so one field shows "Set by VERIPOST_...", opens
the dialog as the window does and saves ``settings_dialog.png``. Run it under
a display (Xvfb) to see it as a person would:

    xvfb-run -a -s "-screen 0 1400x900x24" \\
        .venv/bin/python docs/screenshots/make_settings_screenshot.py
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import shot_env  # noqa: E402 - beside this script

REPO = shot_env.isolate()

from veripost_desktop.app import ensure_application  # noqa: E402
from veripost_desktop.core.settings_file import write_settings_file  # noqa: E402
from veripost_desktop.gui.settings.settings_dialog import SettingsDialog  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="veripost-settings-shot-") as tmp:
        work = Path(tmp)
        config_file = work / ".config" / "VeriPost" / "settings.toml"
        os.environ["VERIPOST_CONFIG_FILE"] = str(config_file)
        os.environ["VERIPOST_INGEST_WORKERS"] = "2"
        write_settings_file(
            {
                "s3_endpoint": "http://minio.team.local:9000",
                "s3_bucket": "veripost",
                "s3_access_key": "support-team",
                "data_dir": "/home/ada/VeriPost",
                "user_name": "Ada Lovelace",
                "extra_extensions": [".RTF"],
                "limits": {"max_members": 5000},
            }
        )
        app = ensure_application()
        app.setStyle("Fusion")  # the same look whatever desktop the script runs on
        dialog = SettingsDialog()
        dialog.show()
        end = time.monotonic() + 1.0
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.02)
        args.out.mkdir(parents=True, exist_ok=True)
        target = args.out / "settings_dialog.png"
        if not dialog.grab().save(str(target)):
            raise SystemExit(f"could not save {target}")
        print(f"saved {target} ({dialog.width()}x{dialog.height()})")
        dialog.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
