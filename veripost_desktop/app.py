"""The ``veripost`` GUI entry point: settings -> services -> main window
(``gui/window/application.py``), or ``--self-test`` (``self_test.py``)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from veripost_desktop import __version__
from veripost_desktop.core.config import Settings
from veripost_desktop.core.errors import as_user_error
from veripost_desktop.core.logging_setup import RedactSecrets, configure_logging
from veripost_desktop.gui.widgets.error_dialog import show_error
from veripost_desktop.gui.window.application import (
    create_main_window,
    ensure_application,
    startup_settings,
)
from veripost_desktop.self_test import run_self_test

log = logging.getLogger(__name__)

LOG_FORMAT = "%(levelname)s [%(threadName)s] %(name)s: %(message)s"


def setup_logging(settings: Settings, level: int = logging.INFO) -> None:
    """This process's own log file (secrets masked), plus stderr when there is one."""
    secret = settings.s3_secret_key.get_secret_value() if settings.s3_secret_key else ""
    root = logging.getLogger()
    # A GUI script on Windows has no console: sys.stderr is None there.
    if sys.stderr is not None and not any(
        getattr(h, "_veripost_gui", False) for h in root.handlers
    ):
        stderr = logging.StreamHandler()
        stderr._veripost_gui = True  # type: ignore[attr-defined]
        stderr.setFormatter(logging.Formatter(LOG_FORMAT))
        stderr.addFilter(RedactSecrets((secret,)))
        root.addHandler(stderr)
    try:
        configure_logging(settings.log_dir, secrets=(secret,), level=level)
    except OSError as exc:  # a read-only profile must not stop the app
        log.warning("no log file in %s: %s", settings.log_dir, exc)
    root.setLevel(level)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="veripost", description="VeriPost Desktop", add_help=True)
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation end to end, offscreen, on a temporary folder; "
        "exit 0 if everything works",
    )
    parser.add_argument(
        "--report",
        type=Path,
        metavar="FILE",
        help="with --self-test: also write the report to FILE",
    )
    options, qt_args = parser.parse_known_args(args)
    if options.version:
        # A Windows GUI build started from a console has no stdout.
        if sys.stdout is not None:
            print(f"veripost {__version__}")
        return 0
    if options.self_test:
        return run_self_test(report_path=options.report)

    app = ensure_application(qt_args)
    try:
        # Environment first, then the settings file, then defaults.
        settings = startup_settings()
        setup_logging(settings)
        window = create_main_window(settings)
    except Exception as exc:  # noqa: BLE001 - shown to the person, then exit
        log.exception("could not start")
        show_error(None, as_user_error(exc), title="VeriPost Desktop could not start")
        return 1
    window.show()
    log.info("VeriPost Desktop %s started; %s", __version__, window.services.store.description)
    return app.exec()
