"""The About box, the SVG icons (drawn in the palette's colours) and the
application's look (app icon, native style)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import PySide6
import pytest
from PySide6.QtCore import QByteArray, QSize, qVersion
from PySide6.QtGui import QColor, QIcon, QImageReader, QPalette
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from tests.gui.conftest import ShownBox
from veripost_desktop import __version__
from veripost_desktop.gui.widgets import icons
from veripost_desktop.gui.window.about_dialog import about_box, show_about
from veripost_desktop.gui.window.application import dress_application, ensure_application

REPO = Path(__file__).resolve().parents[2]


# ---- About ------------------------------------------------------------------------


def test_about_box_says_what_runs_where(qtbot: QtBot) -> None:
    box = about_box(None, "Local folder /data/objects/veripost")
    qtbot.addWidget(box)
    assert box.objectName() == "aboutDialog"
    assert box.windowTitle() == "About VeriPost Desktop"
    assert "VeriPost Desktop" in box.text()
    assert f"Version {__version__}" in box.text()
    info = box.informativeText()
    assert f"Qt {qVersion()}" in info
    assert f"PySide6 {PySide6.__version__}" in info
    assert "Storage: Local folder /data/objects/veripost" in info
    assert "Licence: Proprietary" in info
    assert "LGPL" in info
    assert not box.iconPixmap().isNull()


def test_about_box_escapes_what_it_is_given(qtbot: QtBot) -> None:
    box = about_box(None, "MinIO http://h:9000 (bucket <b>&co</b>)")
    qtbot.addWidget(box)
    assert "bucket &lt;b&gt;&amp;co&lt;/b&gt;" in box.informativeText()


def test_show_about_runs_the_box(shown_boxes: list[ShownBox]) -> None:
    show_about(None, "Local folder /x")
    (box,) = shown_boxes
    assert box.object_name == "aboutDialog"
    assert "Storage: Local folder /x" in box.informative_text


# ---- icons ------------------------------------------------------------------------


@pytest.fixture
def fresh_icons() -> Iterator[None]:
    icons._cached_icon.cache_clear()
    yield
    icons._cached_icon.cache_clear()


def test_every_icon_is_a_valid_svg_in_resources() -> None:
    assert icons.resources_dir() == REPO / "resources"  # a checkout: the top-level folder
    assert set(icons.ICON_NAMES) == {
        "app",
        "add",
        "download",
        "view-source",
        "retry",
        "remove",
        "verify",
        "cancel",
        "settings",
        "refresh",
    }
    for name in icons.ICON_NAMES:
        svg = icons.icon_path(name).read_bytes()
        assert QSvgRenderer(QByteArray(svg)).isValid(), name
        if name != icons.APP_ICON:
            # Line icons take the palette's colour; only the brand mark has its own.
            assert b"currentColor" in svg, name
            assert b"#" not in svg, name
    assert icons.undrawable_icons() == []


def test_qt_svg_support_is_present() -> None:
    # What PySide6-Essentials ships: the QtSvg module (used here) and the svg
    # image-format plugin (not needed by the icons, reported for packaging).
    assert icons.svg_renderer_available()
    assert b"svg" in [bytes(f.data()) for f in QImageReader.supportedImageFormats()]


def test_icons_are_drawn_at_many_sizes(qtbot: QtBot, fresh_icons: None) -> None:
    for name in icons.ICON_NAMES:
        icon = icons.icon(name)
        assert not icon.isNull(), name
        sizes = icon.availableSizes()
        assert QSize(16, 16) in sizes and QSize(32, 32) in sizes and QSize(128, 128) in sizes
        # A 2x screen asks for twice the pixels and gets a sharp image.
        pixmap = icon.pixmap(QSize(24, 24), 2.0)
        assert pixmap.deviceIndependentSize().toSize() == QSize(24, 24)
    assert QSize(256, 256) in icons.app_icon().availableSizes()
    with pytest.raises(KeyError):
        icons.icon("no-such-icon")


def _ink(icon: QIcon, mode: QIcon.Mode = QIcon.Mode.Normal) -> set[str]:
    """The opaque colours in a 32 px rendering."""
    image = icon.pixmap(QSize(32, 32), 1.0, mode).toImage()
    return {
        image.pixelColor(x, y).name()
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha() == 255
    }


def test_line_icons_follow_the_palette(qtbot: QtBot, fresh_icons: None) -> None:
    application = QApplication.instance()
    assert isinstance(application, QApplication)
    original = application.palette()
    try:
        for text_colour in ("#ff0000", "#0000ff"):
            palette = QPalette(original)
            palette.setColor(QPalette.ColorRole.WindowText, QColor(text_colour))
            palette.setColor(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor("#00ff00")
            )
            application.setPalette(palette)
            add = icons.icon("add")
            assert _ink(add) == {text_colour}
            assert _ink(add, QIcon.Mode.Disabled) == {"#00ff00"}
    finally:
        application.setPalette(original)


def test_a_missing_svg_falls_back_to_a_standard_icon(
    qtbot: QtBot, fresh_icons: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(icons, "icon_path", lambda name: tmp_path / f"{name}.svg")
    assert icons.undrawable_icons() == list(icons.ICON_NAMES)
    for name in icons.ICON_NAMES:
        assert not icons.icon(name).isNull(), name


# ---- the application's look -------------------------------------------------------------


def test_the_application_gets_the_app_icon_and_keeps_a_native_style(
    qtbot: QtBot, fresh_icons: None
) -> None:
    application = ensure_application()
    style = application.style().name()
    application.setWindowIcon(QIcon())
    dress_application(application)
    assert not application.windowIcon().isNull()
    assert QSize(256, 256) in application.windowIcon().availableSizes()
    assert application.style().name() == style  # nothing forced when a native style exists


def test_the_legacy_windows_style_is_replaced_by_fusion(qtbot: QtBot) -> None:
    application = ensure_application()
    before = application.style().name()
    try:
        application.setStyle("Windows")
        dress_application(application)
        assert application.style().name().casefold() == "fusion"
    finally:
        application.setStyle(before)


def test_about_box_icon_is_the_app_icon(qtbot: QtBot) -> None:
    box = about_box(None)
    qtbot.addWidget(box)
    assert "Storage: not opened" in box.informativeText()
    expected = icons.app_icon().pixmap(64, 64).toImage()
    assert box.iconPixmap().toImage() == expected
    assert box.standardButtons() == QMessageBox.StandardButton.Ok
