"""The Help menu: About (what this program is, which versions it runs on,
which store it is using, and under which licences) and the log folder."""

from __future__ import annotations

import platform
from collections.abc import Callable
from html import escape
from importlib.metadata import PackageNotFoundError, metadata
from pathlib import Path

import PySide6
from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from veripost_desktop import __version__
from veripost_desktop.core.errors import ErrorCode, UserError
from veripost_desktop.gui.widgets import icons
from veripost_desktop.gui.widgets.error_dialog import show_error

OBJECT_NAME = "aboutDialog"
APP_TITLE = "VeriPost Desktop"
DISTRIBUTION = "veripost-desktop"


def license_text() -> str:
    try:
        fields = metadata(DISTRIBUTION)
    except PackageNotFoundError:
        return "Proprietary"
    for name in ("License-Expression", "License"):
        # PackageMetadata answers None for a missing field on 3.11 and warns
        # (later: raises KeyError) on newer Pythons; `in` asks safely.
        if name in fields and fields[name]:
            return str(fields[name]).removeprefix("LicenseRef-")
    return "Proprietary"


def about_box(parent: QWidget | None, store_description: str | None = None) -> QMessageBox:
    """The About box, built but not shown (tests inspect it)."""
    box = QMessageBox(parent)
    box.setObjectName(OBJECT_NAME)
    box.setWindowTitle(f"About {APP_TITLE}")
    box.setIconPixmap(icons.app_icon().pixmap(64, 64))
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(
        f"<h3>{APP_TITLE}</h3>"
        f"<p>Version {escape(__version__)}</p>"
        "<p>The catalog for CAMWorks / SOLIDWORKS CAM UPG-2 post-processor packages.</p>"
    )
    lines = [
        f"Qt {escape(qVersion())}, PySide6 {escape(PySide6.__version__)}, "
        f"Python {escape(platform.python_version())}",
        f"Storage: {escape(store_description) if store_description else 'not opened'}",
        f"Licence: {escape(license_text())}. Qt and PySide6 are used under the LGPL v3.",
    ]
    box.setInformativeText("<br>".join(lines))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    return box


def show_about(parent: QWidget | None, store_description: str | None = None) -> None:
    """Show the About box (modal) for the store described by ``store_description``."""
    box = about_box(parent, store_description)
    try:
        box.exec()
    finally:
        box.deleteLater()


def open_log_folder(
    parent: QWidget | None, folder: Path, show_status: Callable[[str], None]
) -> None:
    """Help > Open log folder: made if missing, then shown in the file manager
    (or named in the status bar where there is none)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        error = UserError(
            ErrorCode.INVALID_SETTINGS,
            "The log folder cannot be created. Check the log folder setting.",
            f"{folder}: {type(exc).__name__}: {exc}",
        )
        show_error(parent, error, title="Log folder not opened")
        return
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        show_status(f"The log folder is {folder}")
