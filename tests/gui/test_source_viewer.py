"""The source viewer: opened with Enter on a stored .SRC, text as stored,
outline, colours and find."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QFontInfo, QTextCursor
from PySide6.QtWidgets import QApplication, QLabel, QListView, QPlainTextEdit
from pytestqt.qtbot import QtBot

from tests.gui.conftest import (
    ShownBox,
    drop_files,
    file_row,
    package_ids,
    select_package,
    wait_for_status,
)
from veripost_desktop.core.config import Settings
from veripost_desktop.core.storage.local_store import LocalFolderStore
from veripost_desktop.gui.source.section_outline_model import SectionRecordRole
from veripost_desktop.gui.source.source_window import NOT_FOUND, SourceViewerWindow
from veripost_desktop.gui.window.main_window import MainWindow

OpenWindow = Callable[[Settings | None], MainWindow]


def open_viewer_with_enter(qtbot: QtBot, window: MainWindow, filename: str) -> SourceViewerWindow:
    window.file_view.setFocus()
    window.file_view.selectRow(file_row(window, filename).row())
    assert window.file_actions.view_source_action.isEnabled()
    qtbot.keyClick(window.file_view, Qt.Key.Key_Return)
    viewers = window.source_viewers.windows()
    assert len(viewers) == 1
    viewer = viewers[0]
    qtbot.waitUntil(lambda: viewer.loaded is not None, timeout=10_000)
    return viewer


@pytest.fixture
def grbl_window(
    qtbot: QtBot, open_window: OpenWindow, local_settings: Settings, grbl_zip: Path
) -> MainWindow:
    window = open_window(local_settings)
    drop_files(window, [grbl_zip])
    (package_id,) = package_ids(window)
    wait_for_status(qtbot, window, package_id)
    select_package(qtbot, window, package_id)
    return window


def test_enter_opens_the_source_as_stored_with_its_outline(
    qtbot: QtBot, grbl_window: MainWindow, corpus_dir: Path, shown_boxes: list[ShownBox]
) -> None:
    viewer = open_viewer_with_enter(qtbot, grbl_window, "GRBL-Post.SRC")
    assert viewer.objectName() == "sourceViewerWindow"
    assert "GRBL-Post.SRC" in viewer.windowTitle()
    editor = viewer.findChild(QPlainTextEdit, "sourceViewer")
    assert editor is viewer.editor and editor.isReadOnly()
    # The viewer promises the system's fixed-width font, whatever the system
    # picks (some report fixedPitch() False for their own monospace font).
    fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    assert QFontInfo(editor.font()).family() == QFontInfo(fixed).family()

    stored = (corpus_dir / "GRBL-Post" / "GRBL-Post.SRC").read_bytes()
    text = stored.decode("cp1252")
    assert viewer.loaded is not None and viewer.loaded.text == text  # byte for byte
    # Qt keeps lines, not line ends: CRLF reads back as LF.
    assert editor.toPlainText() == text.replace("\r\n", "\n")
    assert editor.document().blockCount() == text.count("\n") + 1

    outline = viewer.findChild(QListView, "sectionOutline")
    assert outline is not None
    model = outline.model()
    sections = [model.index(r, 0).data(SectionRecordRole) for r in range(model.rowCount())]
    # All 125 are listed (81 active + 44 commented out, which are greyed).
    assert len(sections) == 125
    assert sum(s.active for s in sections) == 81
    lines = [s.first_line for s in sections]
    assert lines == sorted(lines)
    inactive = next(r for r, s in enumerate(sections) if not s.active)
    assert model.index(inactive, 0).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.index(0, 0).data() == "START_OF_TAPE"
    assert "81 sections (+44 commented out)" in viewer.statusBar().currentMessage()
    assert not shown_boxes

    # The same file again raises the open window instead of a second one.
    grbl_window.file_actions.view_selected()
    assert grbl_window.source_viewers.windows() == [viewer]


def test_clicking_an_outline_entry_moves_to_its_line(qtbot: QtBot, grbl_window: MainWindow) -> None:
    viewer = open_viewer_with_enter(qtbot, grbl_window, "GRBL-Post.SRC")
    outline = viewer.outline
    model = outline.model()
    row = model.rowCount() - 1  # the last section, far below the first screen
    section = model.index(row, 0).data(SectionRecordRole)
    assert section.name == "CALC_INIT_MCODES" and section.first_line == 1134
    index = model.index(row, 0)
    outline.scrollTo(index)
    qtbot.mouseClick(
        outline.viewport(), Qt.MouseButton.LeftButton, pos=outline.visualRect(index).center()
    )
    cursor = viewer.editor.textCursor()
    assert cursor.blockNumber() + 1 == section.first_line
    assert cursor.block().text() == ":SECTION=CALC_INIT_MCODES"
    # Centred: the line is on screen, with lines above it.
    first, last = viewer.editor.visible_blocks()
    assert first < section.first_line - 1 <= last
    position = viewer.findChild(QLabel, "cursorPosition")
    assert position is not None and position.text() == f"Line {section.first_line}, Column 1"


def test_comment_lines_get_the_comment_format(qtbot: QtBot, grbl_window: MainWindow) -> None:
    viewer = open_viewer_with_enter(qtbot, grbl_window, "GRBL-Post.SRC")
    editor = viewer.editor
    formats = editor.highlighter.formats
    block = editor.document().firstBlock()
    assert block.text() == "*FANUCM"
    ranges = block.layout().formats()
    assert [(r.start, r.length) for r in ranges] == [(0, len("*FANUCM"))]
    assert ranges[0].format == formats["comment"]
    # A keyword line gets the keyword format for ":SYSTEM=", not the comment one.
    keyword = block.next()
    assert keyword.text() == ":SYSTEM=MILL"
    (span,) = keyword.layout().formats()
    assert (span.start, span.length) == (0, len(":SYSTEM="))
    assert span.format == formats["keyword"]
    assert len({f.foreground().color().name() for f in formats.values()}) == len(formats)

    # Lazy: far-away lines are not coloured until they are scrolled to.
    document = editor.document()
    last = document.lastBlock().previous()
    assert last.text().startswith("*") and not last.layout().formats()
    editor.go_to_line(last.blockNumber() + 1)
    qtbot.waitUntil(lambda: bool(last.layout().formats()))
    assert last.layout().formats()[0].format == formats["comment"]


def test_ctrl_f_finds_forward_backward_and_says_not_found(
    qtbot: QtBot, grbl_window: MainWindow
) -> None:
    viewer = open_viewer_with_enter(qtbot, grbl_window, "GRBL-Post.SRC")
    viewer.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is viewer)
    editor = viewer.editor
    editor.setFocus()
    assert not viewer.find_bar.isVisible()
    qtbot.keyClick(editor, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert viewer.find_bar.isVisible()
    field = viewer.find_bar.field
    assert field.objectName() == "findField" and field.hasFocus()

    text = editor.toPlainText()
    needle = "CALC_INIT_GCODES"  # called on line 982, defined on line 1065
    expected = [i for i in range(len(text)) if text.startswith(needle, i)]
    assert len(expected) == 2
    qtbot.keyClicks(field, needle.lower())  # case-insensitive by default
    qtbot.keyClick(field, Qt.Key.Key_Return)
    found = editor.textCursor()
    assert found.selectedText() == needle
    assert found.selectionStart() == expected[0]
    assert found.blockNumber() + 1 == 982
    assert viewer.find_bar.status.text() == ""

    qtbot.keyClick(field, Qt.Key.Key_Return)  # Enter: the next one
    assert editor.textCursor().selectionStart() == expected[1]
    assert editor.textCursor().blockNumber() + 1 == 1065
    qtbot.keyClick(field, Qt.Key.Key_Return)  # past the last: wraps to the first
    assert editor.textCursor().selectionStart() == expected[0]
    assert viewer.find_bar.status.text() == "Search wrapped around"
    qtbot.keyClick(field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)  # previous
    assert editor.textCursor().selectionStart() == expected[1]

    before = editor.textCursor().position()
    field.clear()
    qtbot.keyClicks(field, "no such text anywhere")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    status = viewer.findChild(QLabel, "findStatus")
    assert status is not None and status.text() == NOT_FOUND
    assert editor.textCursor().position() == before  # the caret stays where it was

    qtbot.keyClick(field, Qt.Key.Key_Escape)
    assert not viewer.find_bar.isVisible()


def test_a_binary_file_is_not_viewable(
    qtbot: QtBot, grbl_window: MainWindow, shown_boxes: list[ShownBox]
) -> None:
    grbl_window.file_view.selectRow(file_row(grbl_window, "GRBL-Post.ctl").row())
    assert not grbl_window.file_actions.view_source_action.isEnabled()
    grbl_window.file_view.selectRow(file_row(grbl_window, "GRBL-Post.LIB").row())
    assert grbl_window.file_actions.view_source_action.isEnabled()
    menu = grbl_window.file_actions.context_menu()
    assert [a.objectName() for a in menu.actions() if not a.isSeparator()] == [
        "viewSourceAction",
        "saveFileAction",
        "saveSelectedFilesAction",
        "copyObjectKeyAction",
        "copySha256Action",
    ]
    grbl_window.file_actions.view_source_action.trigger()  # the toolbar / menu path
    (viewer,) = grbl_window.source_viewers.windows()
    qtbot.waitUntil(lambda: viewer.loaded is not None)
    assert viewer.loaded is not None and viewer.loaded.file.filename == "GRBL-Post.LIB"
    assert not shown_boxes


def test_a_300000_line_source_opens_quickly_and_colours_only_the_screen(
    qtbot: QtBot, corpus_dir: Path
) -> None:
    line_block = (corpus_dir / "GRBL-Post" / "GRBL-Post.SRC").read_bytes().decode("cp1252")
    text = line_block * (300_000 // line_block.count("\n") + 1)
    viewer = SourceViewerWindow("Big", "BIG.SRC")
    qtbot.addWidget(viewer)
    viewer.show()
    qtbot.waitExposed(viewer)
    editor = viewer.editor

    started = time.perf_counter()
    editor.set_source(text)
    QApplication.processEvents()
    elapsed = time.perf_counter() - started
    assert editor.blockCount() > 300_000
    assert elapsed < 6.0, f"setting 300,000 lines took {elapsed:.1f} s"
    # Only the screen and a margin were tokenized, not 300,000 lines.
    assert 0 < editor.highlighter.highlighted_count < 1_000

    started = time.perf_counter()
    editor.go_to_line(250_000)
    QApplication.processEvents()
    assert time.perf_counter() - started < 1.0
    assert editor.textCursor().blockNumber() == 249_999
    assert editor.highlighter.highlighted_count < 2_000
    cursor = QTextCursor(editor.document().findBlockByNumber(249_999))
    assert cursor.block().isValid()


def test_a_stored_file_that_changed_is_not_shown(
    qtbot: QtBot, grbl_window: MainWindow, shown_boxes: list[ShownBox]
) -> None:
    store = grbl_window.services.store
    assert isinstance(store, LocalFolderStore)
    package_id = grbl_window.file_model.package_id
    assert package_id is not None
    stored = store.bucket_dir / "packages" / package_id / "GRBL-Post.SRC"
    stored.write_bytes(stored.read_bytes()[:-10])

    grbl_window.file_view.selectRow(file_row(grbl_window, "GRBL-Post.SRC").row())
    grbl_window.file_actions.view_source_action.trigger()
    qtbot.waitUntil(lambda: len(shown_boxes) == 1)
    (box,) = shown_boxes
    assert box.title == "File not shown"
    assert box.text.endswith("Error code: checksum_mismatch")
    assert box.informative_text == "File: GRBL-Post.SRC"
    assert grbl_window.source_viewers.windows() == []  # no empty window left behind
