"""The ``veripost`` GUI entry point: settings -> services -> main window."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from veripost_desktop import __version__
from veripost_desktop.core.config import APP_NAME, Settings, load_settings
from veripost_desktop.core.errors import as_user_error
from veripost_desktop.core.logging_setup import RedactSecrets, configure_logging
from veripost_desktop.core.services import open_services
from veripost_desktop.gui.error_dialog import show_error
from veripost_desktop.gui.main_window import MainWindow

log = logging.getLogger(__name__)

LOG_FORMAT = "%(levelname)s [%(threadName)s] %(name)s: %(message)s"

# The QApplication must outlive every widget; a local would be collected
# as soon as the function that made it returns.
_app: QApplication | None = None


def ensure_application(argv: Sequence[str] | None = None) -> QApplication:
    """The running QApplication, created on first use."""
    global _app
    existing = QCoreApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    if existing is not None:
        raise RuntimeError("a non-GUI QCoreApplication is already running")
    _app = QApplication([sys.argv[0] if sys.argv else "veripost", *(argv or [])])
    _app.setApplicationName(APP_NAME)
    _app.setApplicationDisplayName("VeriPost Desktop")
    _app.setApplicationVersion(__version__)
    return _app


def create_main_window(config: Settings | None = None) -> MainWindow:
    """The main window over services opened from ``config`` (None: the
    environment and defaults). Not shown; a QApplication is made if needed."""
    ensure_application()
    services = open_services(config if config is not None else load_settings())
    try:
        return MainWindow(services)
    except BaseException:
        services.close()
        raise


def setup_logging(settings: Settings, level: int = logging.INFO) -> None:
    """The core's rotating log file (secrets masked), plus stderr when there is one."""
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
    options, qt_args = parser.parse_known_args(args)
    if options.version:
        print(f"veripost {__version__}")
        return 0

    app = ensure_application(qt_args)
    try:
        settings = load_settings()
        setup_logging(settings)
        window = create_main_window(settings)
    except Exception as exc:  # noqa: BLE001 - shown to the person, then exit
        log.exception("could not start")
        show_error(None, as_user_error(exc), title="VeriPost Desktop could not start")
        return 1
    window.show()
    log.info("VeriPost Desktop %s started; %s", __version__, window.services.store.description)
    return app.exec()
