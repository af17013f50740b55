"""The app's icons, drawn from the hand-written SVGs in ``resources/icons/``.

Action icons are single-colour line drawings whose SVG says
``currentColor``; they are drawn in the palette's text colour (and its
disabled and highlighted-text colours for those modes), so they follow a light
or dark system theme instead of hard-coding one. The app icon keeps its own
colours: it is the brand mark, not UI chrome.

Drawing goes through ``QSvgRenderer`` (the QtSvg module, part of
PySide6-Essentials) into plain pixmaps, so the icons need neither the ``svg``
image-format plugin nor the SVG icon engine plugin at run time. If QtSvg or a
file is missing, the icon falls back to the desktop theme, then to Qt's
standard icons: the app still starts, only plainer.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QImage, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QStyle

import veripost_desktop

log = logging.getLogger(__name__)

APP_ICON = "app"

# name -> (freedesktop theme name, QStyle standard icon) used when the SVG
# cannot be drawn.
_FALLBACKS: dict[str, tuple[str, QStyle.StandardPixmap]] = {
    APP_ICON: ("applications-engineering", QStyle.StandardPixmap.SP_ComputerIcon),
    "add": ("list-add", QStyle.StandardPixmap.SP_FileDialogNewFolder),
    "download": ("document-save", QStyle.StandardPixmap.SP_DialogSaveButton),
    "view-source": ("text-x-generic", QStyle.StandardPixmap.SP_FileDialogContentsView),
    "retry": ("view-refresh", QStyle.StandardPixmap.SP_BrowserReload),
    "refresh": ("view-refresh", QStyle.StandardPixmap.SP_BrowserReload),
    "remove": ("edit-delete", QStyle.StandardPixmap.SP_TrashIcon),
    "verify": ("emblem-default", QStyle.StandardPixmap.SP_DialogApplyButton),
    "cancel": ("process-stop", QStyle.StandardPixmap.SP_DialogCancelButton),
    "settings": ("preferences-system", QStyle.StandardPixmap.SP_FileDialogDetailedView),
}

ICON_NAMES: tuple[str, ...] = tuple(_FALLBACKS)

# Pixel sizes drawn up front. QIcon picks the nearest for a requested size
# times the screen's device pixel ratio, so 2x screens get crisp 32/48 px art.
_ACTION_SIZES = (16, 20, 24, 32, 40, 48, 64, 96, 128)
_APP_SIZES = (16, 20, 24, 32, 40, 48, 64, 96, 128, 256)


def resources_dir() -> Path:
    """The folder holding ``icons/`` and ``sample_package/``.

    In an installed wheel and in the PyInstaller bundle it is
    ``veripost_desktop/resources/`` (pyproject's package-dir / the spec put it
    there); running from a checkout (editable install) it is the top-level
    ``resources/`` beside ``pyproject.toml``, where the sources live.
    """
    package_dir = Path(veripost_desktop.__file__).resolve().parent
    inside = package_dir / "resources"
    if inside.is_dir():
        return inside
    checkout = package_dir.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "resources").is_dir():
        return checkout / "resources"
    raise FileNotFoundError(
        f"VeriPost's resources folder is missing (looked in {inside} and {checkout / 'resources'})"
    )


def icon_path(name: str) -> Path:
    return resources_dir() / "icons" / f"{name}.svg"


@cache
def svg_renderer_available() -> bool:
    """Whether QtSvg can be imported (it can in every PySide6-Essentials wheel)."""
    try:
        from PySide6 import QtSvg  # noqa: F401
    except ImportError:
        return False
    return True


def icon(name: str) -> QIcon:
    """The named icon (one of ``ICON_NAMES``), in the current palette's colours.

    Needs a QGuiApplication. Cached per palette, so asking again is cheap and
    a theme change gives freshly coloured icons to whoever asks next.
    """
    if name not in _FALLBACKS:
        raise KeyError(f"no icon called {name!r}; known: {', '.join(ICON_NAMES)}")
    palette = QGuiApplication.palette()
    colours = (
        palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText).name(),
        palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText).name(),
        palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.HighlightedText).name(),
    )
    return QIcon(_cached_icon(name, colours))


def app_icon() -> QIcon:
    return icon(APP_ICON)


@cache
def _cached_icon(name: str, colours: tuple[str, str, str]) -> QIcon:
    drawn = _svg_icon(name, colours)
    if drawn is not None:
        return drawn
    theme_name, standard = _FALLBACKS[name]
    themed = QIcon.fromTheme(theme_name)
    if not themed.isNull():
        return themed
    return QApplication.style().standardIcon(standard)


def _svg_icon(name: str, colours: tuple[str, str, str]) -> QIcon | None:
    if not svg_renderer_available():
        log.warning("QtSvg is not available: using standard icons")
        return None
    try:
        svg = icon_path(name).read_bytes()
    except OSError as exc:
        log.warning("icon %s not found: %s", name, exc)
        return None
    normal, disabled, selected = colours
    result = QIcon()
    if name == APP_ICON:
        for size in _APP_SIZES:
            pixmap = render_svg(svg, size)
            if pixmap is None:
                return None
            result.addPixmap(pixmap)
        return result
    for mode, colour in (
        (QIcon.Mode.Normal, normal),
        (QIcon.Mode.Active, normal),
        (QIcon.Mode.Disabled, disabled),
        (QIcon.Mode.Selected, selected),
    ):
        recoloured = svg.replace(b"currentColor", colour.encode("ascii"))
        for size in _ACTION_SIZES:
            pixmap = render_svg(recoloured, size)
            if pixmap is None:
                return None
            result.addPixmap(pixmap, mode, QIcon.State.Off)
    return result


def render_svg_image(svg: bytes, size: int) -> QImage | None:
    """``svg`` drawn into a transparent ``size`` x ``size`` image, or None if
    it is not valid SVG. Needs no QGuiApplication (the icon build script uses it)."""
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(QByteArray(svg))
    if not renderer.isValid():
        return None
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor(Qt.GlobalColor.transparent))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def render_svg(svg: bytes, size: int) -> QPixmap | None:
    image = render_svg_image(svg, size)
    return None if image is None else QPixmap.fromImage(image)


def undrawable_icons() -> list[str]:
    """Names whose SVG is missing or cannot be drawn (empty when all is well).
    The self-test calls this: a bundle that lost its resources or QtSvg fails it."""
    if not svg_renderer_available():
        return list(ICON_NAMES)
    bad = []
    for name in ICON_NAMES:
        try:
            svg = icon_path(name).read_bytes()
        except OSError:
            bad.append(name)
            continue
        image = render_svg_image(svg.replace(b"currentColor", b"#000000"), 24)
        if image is None or image.isNull():
            bad.append(name)
    return bad
