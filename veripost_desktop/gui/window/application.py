"""The QApplication and the main window over opened services: what the
``veripost`` entry point (``app.py``), the self-test, the tests, the
benchmarks and the screenshot scripts all start from."""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from veripost_desktop import __version__
from veripost_desktop.core.config import APP_NAME, Settings, load_settings
from veripost_desktop.core.services import open_services
from veripost_desktop.gui.settings.settings_persistence import app_qsettings, carry_over_qsettings
from veripost_desktop.gui.widgets import icons
from veripost_desktop.gui.window.main_window import MainWindow

log = logging.getLogger(__name__)

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
    # Qt 6 scales for high-DPI screens on its own; PassThrough keeps fractional
    # factors (125 %, 150 %) instead of rounding them, so text and icons are
    # the size Windows asks for. Only settable before the application exists.
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    _set_windows_app_id()
    _app = QApplication([sys.argv[0] if sys.argv else "veripost", *(argv or [])])
    _app.setApplicationName(APP_NAME)
    _app.setApplicationDisplayName("VeriPost Desktop")
    _app.setApplicationVersion(__version__)
    dress_application(_app)
    return _app


def dress_application(app: QApplication) -> None:
    """The app icon on every window, and the platform's own style and palette
    (no colours of ours). Fusion only when the native style plugin is missing:
    on Windows that shows as the built-in legacy "Windows" style (a build that
    lost ``styles/qmodernwindowsstyle.dll``)."""
    app.setWindowIcon(icons.app_icon())
    style = app.style()
    if style is None or style.name().casefold() == "windows":
        log.warning("native widget style missing; using Fusion")
        app.setStyle("Fusion")


def _set_windows_app_id() -> None:
    """Group the window under VeriPost's own taskbar icon rather than
    python.exe's when run from source on Windows."""
    if sys.platform != "win32":
        return
    try:
        import ctypes

        ctypes.windll.shell32.SetCurrentProcessExplicitAppUserModelID("VeriPost.Desktop")
    except (AttributeError, OSError):
        pass


# The GIL hands over every 5 ms by default, and the thread that wants it back
# waits a whole interval per hand-over: with 4 ingest workers running Python
# (parsing, hashing, ORM writes) the GUI thread waited 100-200 ms for a turn
# (bench/gil_control.py: 4 busy threads, longest 10 ms-timer gap 188 ms at
# 5 ms, 37 ms at 1 ms). Painting calls data() in Python about 7 times per
# cell, each call a fresh take of the GIL: a table repainting 4 progress cells
# every 25 ms beside 4 busy threads ticked 15 times in 3 s at 1 ms, 62 times
# at 0.2 ms (285 with no busy thread). Ingestion throughput did not move.
# Only the window's process does this (main() goes through here); the CLI
# keeps Python's default. A thread priority cannot help: the OS does not
# schedule the GIL. See docs/BENCHMARKS.md, "The window after issue 6".
GUI_SWITCH_INTERVAL_S = 0.0002


def favour_the_gui_thread() -> None:
    """Make Python hand the GIL over more often (never less often than now)."""
    if sys.getswitchinterval() > GUI_SWITCH_INTERVAL_S:
        sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)


def startup_settings() -> Settings:
    """What the window starts on: environment, settings file, defaults; first,
    once, what an older version's Settings dialog saved in QSettings is
    carried over to the settings file (when there is none yet)."""
    try:
        carry_over_qsettings(app_qsettings())
    except Exception:  # noqa: BLE001 - the old values are kept; start on the rest
        log.exception("could not carry settings over from QSettings")
    return load_settings()


def create_main_window(config: Settings | None = None) -> MainWindow:
    """The main window over services opened from ``config`` (None:
    ``startup_settings()``). Not shown; a QApplication is made if needed.

    Interrupted ingestions are not settled here: that may wait on storage, so
    the window does it on a worker once shown (``MainWindow.startupSettled``)."""
    ensure_application()
    favour_the_gui_thread()  # where the window is made: see GUI_SWITCH_INTERVAL_S
    services = open_services(config if config is not None else startup_settings(), settle=False)
    try:
        window = MainWindow(services)
    except BaseException:
        services.close()
        raise
    spare_the_collector()
    return window


_collector_spared = False


def spare_the_collector() -> None:
    """Take what exists now (modules, Qt and SQLAlchemy classes, the window,
    the catalog's rows) out of the cyclic garbage collector's full passes.

    All of it lives as long as the window. Left in, every full collection
    walked it while holding the GIL: during a 200-package ingestion the
    window froze for 110-160 ms every two seconds or so, and with this the
    longest gap after the drop fell under 25 ms (docs/BENCHMARKS.md). It costs
    microseconds; garbage that exists at this moment is kept, which is a
    one-off and small. Once per process: a second window (tests, the
    self-test) would otherwise freeze whatever the first one left behind.
    """
    global _collector_spared
    if not _collector_spared:
        _collector_spared = True
        gc.freeze()
