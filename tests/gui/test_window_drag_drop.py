"""Dragging over the real window: ZIPs light the drop area up, text and web
links are refused without a dialog, and a dropped folder is told how to
become a ZIP."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.conftest import ShownBox, drop_files, package_ids, wait_for_status
from veripost_desktop.core.config import Settings
from veripost_desktop.gui.drops.drop_area import DROP_TEXT, NOT_ZIP_TEXT, REFUSED_TEXT, DropState
from veripost_desktop.gui.window.main_window import MainWindow

OpenWindow = Callable[..., MainWindow]

_DRAG = (
    Qt.DropAction.CopyAction,
    Qt.MouseButton.LeftButton,
    Qt.KeyboardModifier.NoModifier,
)


def file_mime(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def text_mime(text: str) -> QMimeData:
    mime = QMimeData()
    mime.setText(text)
    return mime


def _pos(target: QWidget) -> QPointF:
    return QPointF(target.width() / 2, target.height() / 2)


def drag_enter(target: QWidget, mime: QMimeData) -> QDragEnterEvent:
    action, button, modifiers = _DRAG
    try:
        event = QDragEnterEvent(_pos(target), action, mime, button, modifiers)  # type: ignore[call-overload]
    except TypeError:  # PySide6 before 6.12 takes only a QPoint here
        event = QDragEnterEvent(_pos(target).toPoint(), action, mime, button, modifiers)
    QApplication.sendEvent(target, event)
    return event


def drag_move(target: QWidget, mime: QMimeData) -> QDragMoveEvent:
    action, button, modifiers = _DRAG
    try:
        event = QDragMoveEvent(_pos(target), action, mime, button, modifiers)  # type: ignore[call-overload]
    except TypeError:
        event = QDragMoveEvent(_pos(target).toPoint(), action, mime, button, modifiers)
    QApplication.sendEvent(target, event)
    return event


def drag_leave(target: QWidget) -> None:
    QApplication.sendEvent(target, QDragLeaveEvent())


def drop(target: QWidget, mime: QMimeData) -> QDropEvent:
    action, button, modifiers = _DRAG
    event = QDropEvent(_pos(target), action, mime, button, modifiers)
    QApplication.sendEvent(target, event)
    return event


def look(window: MainWindow) -> tuple[bool, bool, str]:
    area = window.drop_area
    return bool(area.property("dragActive")), bool(area.property("dragRefused")), area.text()


def test_zip_files_light_the_drop_area_up_until_the_drag_leaves(
    qtbot: QtBot, open_window: OpenWindow, local_settings: Settings, grbl_zip: Path
) -> None:
    window = open_window(local_settings)
    assert look(window) == (False, False, DROP_TEXT)
    for target in (window, window.drop_area, window.package_view.viewport()):
        mime = file_mime(grbl_zip)
        enter = drag_enter(target, mime)
        assert enter.isAccepted()
        assert look(window) == (True, False, "Release to add 1 ZIP file")
        assert window.drop_area.state is DropState.ACCEPT
        assert drag_move(target, mime).isAccepted()
        drag_leave(target)
        assert look(window) == (False, False, DROP_TEXT)

    other = grbl_zip.with_name("second.ZIP")  # any case
    shutil.copy(grbl_zip, other)
    drag_enter(window, file_mime(grbl_zip, other))
    assert look(window) == (True, False, "Release to add 2 ZIP files")
    drag_leave(window)


def test_text_and_web_links_are_refused_without_a_dialog(
    qtbot: QtBot,
    open_window: OpenWindow,
    local_settings: Settings,
    shown_boxes: list[ShownBox],
) -> None:
    window = open_window(local_settings)
    for mime in (
        text_mime("GRBL-Post.zip"),
        QMimeData(),  # nothing at all
        _web_link_mime(),
    ):
        enter = drag_enter(window.drop_area, mime)
        # Nothing may be dropped; the drag is only followed (its moves, leave
        # and drop are refused) so the refused look goes when it goes.
        assert enter.dropAction() is Qt.DropAction.IgnoreAction
        assert look(window) == (False, True, REFUSED_TEXT)
        assert not drag_move(window, mime).isAccepted()
        assert look(window) == (False, True, REFUSED_TEXT)
        dropped = drop(window, mime)
        assert not dropped.isAccepted()
        assert look(window) == (False, False, DROP_TEXT)
    qtbot.wait(50)  # a dialog would have been queued by now
    assert not shown_boxes
    assert window.package_model.rowCount() == 0

    # A refused drag that leaves puts the area back as well.
    drag_enter(window, text_mime("notes"))
    drag_leave(window)
    assert look(window) == (False, False, DROP_TEXT)


def _web_link_mime() -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl("https://example.com/GRBL-Post.zip")])
    return mime


def test_a_dropped_folder_is_told_to_become_a_zip_in_one_dialog(
    qtbot: QtBot,
    open_window: OpenWindow,
    local_settings: Settings,
    corpus_dir: Path,
    tmp_path: Path,
    grbl_zip: Path,
    shown_boxes: list[ShownBox],
) -> None:
    window = open_window(local_settings)
    folder = tmp_path / "GRBL-Post"
    shutil.copytree(corpus_dir / "GRBL-Post", folder)

    # A folder is not lit up, but taken: the drop explains.
    assert drag_enter(window, file_mime(folder)).isAccepted()
    assert look(window) == (False, False, NOT_ZIP_TEXT)
    drag_leave(window)

    drop_files(window, [folder])
    qtbot.waitUntil(lambda: len(shown_boxes) == 1)
    qtbot.wait(50)
    (box,) = shown_boxes
    assert box.object_name == "errorDialog"
    assert box.text == (
        "GRBL-Post is a folder. VeriPost expects the package as a ZIP file: zip the folder "
        "first (right-click > Send to > Compressed (zipped) folder on Windows)."
        "\n\nError code: not_a_zip"
    )
    assert "File: GRBL-Post" in box.informative_text
    assert str(folder) in box.detailed_text and "folder" in box.detailed_text
    assert window.package_model.rowCount() == 0

    # With a ZIP in the same drop: the ZIP is added, the folder explained.
    drop_files(window, [grbl_zip, folder])
    (package_id,) = package_ids(window)
    qtbot.waitUntil(lambda: len(shown_boxes) == 2)
    assert "GRBL-Post is a folder." in shown_boxes[1].text
    wait_for_status(qtbot, window, package_id)
