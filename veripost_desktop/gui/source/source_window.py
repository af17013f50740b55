"""A read-only window on one stored source file: outline, colours and find.

The text arrives from a worker (``source_load_worker.py``) and is set in one
go; highlighting follows what is on screen (``upg_highlighter.py``), so a
300,000-line source opens as fast as Qt can lay out plain text.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QModelIndex, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QFontDatabase,
    QKeyEvent,
    QKeySequence,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QPlainTextEdit,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from veripost_desktop.gui.source.section_outline_model import SectionOutlineModel, SectionRecordRole
from veripost_desktop.gui.source.source_load_worker import LoadedSource
from veripost_desktop.gui.source.upg_highlighter import UpgHighlighter

# Blocks highlighted beyond the visible ones, so a scroll by a page or two
# shows colour at once.
HIGHLIGHT_MARGIN = 120

NOT_FOUND = "Not found"
WRAPPED = "Search wrapped around"


class FindOutcome(Enum):
    FOUND = "found"
    WRAPPED = "wrapped"
    NOT_FOUND = "not found"


class SourceEditor(QPlainTextEdit):
    """The text itself: read-only, monospace, no wrapping, lazily coloured."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sourceViewer")
        self.setReadOnly(True)
        # Read-only still gets a caret: find, go-to-line and arrow keys need one.
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setUndoRedoEnabled(False)  # nothing to undo, and it saves a copy of the text
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.highlighter = UpgHighlighter(self.document())
        self._shown: tuple[int, int] = (-1, -1)
        # Highlighting runs after the layout pass that reported the change.
        self._highlight_timer = QTimer(self)
        self._highlight_timer.setSingleShot(True)
        self._highlight_timer.setInterval(0)
        self._highlight_timer.timeout.connect(self.highlight_visible)
        self.updateRequest.connect(self._on_update_request)

    def set_source(self, text: str) -> None:
        self.highlighter.reset()
        self._shown = (-1, -1)
        self.setPlainText(text)  # one go: Qt builds the blocks in C++
        self.highlight_visible()

    def visible_blocks(self) -> tuple[int, int]:
        first = self.cursorForPosition(QPoint(0, 0)).blockNumber()
        last = self.cursorForPosition(QPoint(0, max(self.viewport().height() - 1, 0)))
        return first, last.blockNumber()

    def highlight_visible(self) -> None:
        first, last = self._shown = self.visible_blocks()
        self.highlighter.highlight_blocks(first - HIGHLIGHT_MARGIN, last + HIGHLIGHT_MARGIN)

    def _on_update_request(self, _rect: QRect, _dy: int) -> None:
        # Emitted for every caret blink too: only a changed view needs work.
        if self.visible_blocks() != self._shown and not self._highlight_timer.isActive():
            self._highlight_timer.start()

    def go_to_line(self, line: int, match: tuple[int, int] | None = None) -> None:
        """Put the caret at the start of ``line`` (1-based) and centre it;
        with ``match`` (start, end columns, 0-based), select those columns."""
        block = self.document().findBlockByNumber(max(line - 1, 0))
        if not block.isValid():
            block = self.document().lastBlock()
        cursor = QTextCursor(block)
        if match is not None:
            length = block.length() - 1  # without the block's separator
            start, end = (min(max(c, 0), length) for c in match)
            cursor.setPosition(block.position() + start)
            cursor.setPosition(block.position() + end, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.centerCursor()
        self.highlight_visible()

    def current_line(self) -> int:
        return self.textCursor().blockNumber() + 1

    def find_text(
        self, text: str, *, backward: bool = False, match_case: bool = False
    ) -> FindOutcome:
        """Select the next (or previous) match, wrapping around once."""
        if not text:
            return FindOutcome.NOT_FOUND
        flags = QTextDocument.FindFlag(0)
        if backward:
            flags |= QTextDocument.FindFlag.FindBackward
        if match_case:
            flags |= QTextDocument.FindFlag.FindCaseSensitively
        outcome = FindOutcome.FOUND
        if not self.find(text, flags):
            kept = self.textCursor()
            restart = QTextCursor(self.document())
            restart.movePosition(
                QTextCursor.MoveOperation.End if backward else QTextCursor.MoveOperation.Start
            )
            self.setTextCursor(restart)
            if not self.find(text, flags):
                self.setTextCursor(kept)
                return FindOutcome.NOT_FOUND
            outcome = FindOutcome.WRAPPED
        self.centerCursor()  # the match with its context, not on the bottom edge
        return outcome


class FindField(QLineEdit):
    """Enter finds the next match, Shift+Enter the previous, Escape closes."""

    find_next = Signal()
    find_previous = Signal()
    dismissed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.find_previous.emit()
            else:
                self.find_next.emit()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.dismissed.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class FindBar(QWidget):
    def __init__(self, editor: SourceEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self._editor = editor
        self.field = FindField(self)
        self.field.setObjectName("findField")
        self.field.setPlaceholderText("Find (Enter: next, Shift+Enter: previous)")
        self.field.setClearButtonEnabled(True)
        self.match_case = QCheckBox("Match case", self)
        self.match_case.setObjectName("findMatchCase")
        self.status = QLabel(self)
        self.status.setObjectName("findStatus")
        previous = _tool_button("Previous", "Find the previous match (Shift+Enter)", self)
        following = _tool_button("Next", "Find the next match (Enter)", self)
        close = _tool_button("Close", "Close the find bar (Escape)", self)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(QLabel("Find:", self))
        layout.addWidget(self.field, stretch=1)
        layout.addWidget(previous)
        layout.addWidget(following)
        layout.addWidget(self.match_case)
        layout.addWidget(self.status)
        layout.addWidget(close)

        self.field.find_next.connect(self.find_next)
        self.field.find_previous.connect(self.find_previous)
        self.field.dismissed.connect(self.dismiss)
        self.field.textEdited.connect(lambda _text: self.status.clear())
        following.clicked.connect(self.find_next)
        previous.clicked.connect(self.find_previous)
        close.clicked.connect(self.dismiss)

    def open(self) -> None:
        self.show()
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def dismiss(self) -> None:
        self.hide()
        self._editor.setFocus()

    def find_next(self) -> FindOutcome:
        return self._find(backward=False)

    def find_previous(self) -> FindOutcome:
        return self._find(backward=True)

    def _find(self, *, backward: bool) -> FindOutcome:
        outcome = self._editor.find_text(
            self.field.text(), backward=backward, match_case=self.match_case.isChecked()
        )
        if outcome is FindOutcome.NOT_FOUND:
            self.status.setText(NOT_FOUND)
            self.status.setStyleSheet("color: #b00020;")
        else:
            self.status.setText(WRAPPED if outcome is FindOutcome.WRAPPED else "")
            self.status.setStyleSheet("")
        return outcome


class SourceViewerWindow(QMainWindow):
    """One stored file, read-only. Closing it emits ``closed``."""

    closed = Signal()

    def __init__(self, package_name: str, filename: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("sourceViewerWindow")
        self.setWindowTitle(f"{filename} - {package_name} (read-only)")
        self.filename = filename
        self.package_name = package_name
        self.loaded: LoadedSource | None = None

        self.editor = SourceEditor(self)
        self.outline_model = SectionOutlineModel(self)
        self.outline = QListView(self)
        self.outline.setObjectName("sectionOutline")
        self.outline.setModel(self.outline_model)
        self.outline.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.outline.setUniformItemSizes(True)
        self.find_bar = FindBar(self.editor, self)
        self.find_bar.hide()
        self.position_label = QLabel(self)
        self.position_label.setObjectName("cursorPosition")
        self._build()

        self.find_action = QAction("&Find...", self)
        self.find_action.setObjectName("findAction")
        self.find_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        self.find_action.triggered.connect(self.find_bar.open)
        self.addAction(self.find_action)

        self.outline.clicked.connect(self._on_outline_activated)
        self.outline.activated.connect(self._on_outline_activated)
        self.editor.cursorPositionChanged.connect(self._show_position)
        self.statusBar().showMessage(f"Loading {filename}...")
        self.resize(1000, 700)

    def _build(self) -> None:
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("sourceSplitter")
        splitter.addWidget(self.outline)
        splitter.addWidget(self.editor)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 4)
        splitter.setSizes([230, 770])
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(splitter, stretch=1)
        layout.addWidget(self.find_bar)
        self.setCentralWidget(central)
        self.statusBar().addPermanentWidget(self.position_label)

    def show_loaded(
        self, loaded: LoadedSource, line: int | None = None, match: tuple[int, int] | None = None
    ) -> None:
        self.loaded = loaded
        self.outline_model.set_sections(loaded.sections)
        self.editor.set_source(loaded.text)
        # Counted as editors and the parser do: a final line end adds no line.
        lines = self.editor.blockCount() - (1 if loaded.text.endswith("\n") else 0)
        active = sum(s.active for s in loaded.sections)
        off = len(loaded.sections) - active
        summary = f"{lines:,} lines"
        if loaded.sections:
            summary += f", {active} sections" + (f" (+{off} commented out)" if off else "")
        self.statusBar().showMessage(summary)
        if line is not None:
            self.editor.go_to_line(line, match)
        self.editor.setFocus()

    def go_to_line(self, line: int, match: tuple[int, int] | None = None) -> None:
        self.editor.go_to_line(line, match)

    def _on_outline_activated(self, index: QModelIndex) -> None:
        section = index.data(SectionRecordRole)
        if section is not None:
            self.editor.go_to_line(section.first_line)
            self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_position(self) -> None:
        cursor = self.editor.textCursor()
        self.position_label.setText(
            f"Line {cursor.blockNumber() + 1}, Column {cursor.positionInBlock() + 1}"
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.find_bar.isVisible():
            self.find_bar.dismiss()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed.emit()
        super().closeEvent(event)


def _tool_button(text: str, tip: str, parent: QWidget) -> QToolButton:
    button = QToolButton(parent)
    button.setText(text)
    button.setToolTip(tip)
    button.setAutoRaise(True)
    return button
