"""One changed section's two bodies side by side: A on the left, B on the
right, lined up row for row (a filler row where one side has no line), with
the file's own line numbers in a gutter.

Marks live in the document itself, not in extra selections, so painting
stays native however long the section: a changed line gets a light
background (red in A, green in B), its changed characters a darker one;
filler rows are grey. UPG colours come from the source viewer's lazy
highlighter on top, which only sets the text colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from veripost_desktop.core.compare.model import SectionChange
from veripost_desktop.gui.compare.line_diff import Alignment, Row, RowKind, Span, align
from veripost_desktop.gui.source.source_window import SourceEditor

# GitHub's diff colours: known to most engineers, readable with the UPG ones.
REMOVED_LINE = QColor("#ffebe9")
REMOVED_CHARS = QColor("#ff8182")
ADDED_LINE = QColor("#e6ffec")
ADDED_CHARS = QColor("#7ee2a0")
FILLER_LINE = QColor("#eeeeee")

_GUTTER_PAD = 6

#: Sections with more lines than this (A and B together) are lined up on a
#: worker: difflib over tens of thousands of similar lines takes seconds.
SYNC_ALIGN_LINES = 3000


def needs_worker(section: SectionChange) -> bool:
    return len(section.a_body) + len(section.b_body) > SYNC_ALIGN_LINES


@dataclass(frozen=True, slots=True)
class SideText:
    """What one editor shows: a line per row, the file line number of each
    (None for a filler row), and the marks."""

    lines: tuple[str, ...]
    numbers: tuple[int | None, ...]
    marked: tuple[int, ...]  # rows with a changed / removed / added line
    spans: tuple[tuple[int, tuple[Span, ...]], ...]  # row, changed characters


def side_text(
    alignment: Alignment, body: Sequence[str], line_numbers: Sequence[int], side: str
) -> SideText:
    """The rows of ``side`` ("a" or "b") as one editor shows them;
    ``line_numbers`` holds the file line number of each line of ``body``."""
    lines: list[str] = []
    numbers: list[int | None] = []
    marked: list[int] = []
    spans: list[tuple[int, tuple[Span, ...]]] = []
    only_here = RowKind.REMOVED if side == "a" else RowKind.ADDED
    for index, row in enumerate(alignment.rows):
        line = row.a if side == "a" else row.b
        if line is None:
            lines.append("")
            numbers.append(None)
            continue
        lines.append(body[line].rstrip("\r\n"))
        numbers.append(line_numbers[line])
        if row.kind is RowKind.CHANGED:
            marked.append(index)
            row_spans = row.a_spans if side == "a" else row.b_spans
            if row_spans:
                spans.append((index, row_spans))
        elif row.kind is only_here:
            marked.append(index)
    return SideText(tuple(lines), tuple(numbers), tuple(marked), tuple(spans))


class LineNumberGutter(QWidget):
    def __init__(self, editor: DiffEditor) -> None:
        super().__init__(editor)
        self._editor = editor

    def sizeHint(self) -> QSize:
        return QSize(self._editor.gutter_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self._editor.paint_gutter(self, event)


class DiffEditor(SourceEditor):
    """A read-only body with its file's line numbers and the change marks."""

    def __init__(self, side: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.side = side
        self.setObjectName(f"compareEditor{side.upper()}")
        self.setAccessibleName("Section in A" if side == "a" else "Section in B")
        self._line_colour, self._char_colour = (
            (REMOVED_LINE, REMOVED_CHARS) if side == "a" else (ADDED_LINE, ADDED_CHARS)
        )
        self.shown: SideText = SideText((), (), (), ())
        self.gutter = LineNumberGutter(self)
        self.blockCountChanged.connect(self._update_gutter_width)
        self.updateRequest.connect(self._update_gutter)
        self._update_gutter_width()

    # ---- text and marks ------------------------------------------------------

    def show_side(self, text: SideText) -> None:
        self.shown = text
        highlighter = self.highlighter
        highlighter.reset()
        self.setPlainText("\n".join(text.lines) if text.lines else "")
        self._mark(text)
        # Marking re-ran highlightBlock on the marked blocks (a no-op here):
        # start colouring afresh, from what is on screen.
        highlighter.reset()
        self.moveCursor(QTextCursor.MoveOperation.Start)
        self.highlight_visible()
        self._update_gutter_width()

    def _mark(self, text: SideText) -> None:
        document = self.document()
        cursor = QTextCursor(document)
        cursor.beginEditBlock()
        changed = QTextBlockFormat()
        changed.setBackground(QBrush(self._line_colour))
        filler = QTextBlockFormat()
        filler.setBackground(QBrush(FILLER_LINE))
        for row in text.marked:
            cursor.setPosition(document.findBlockByNumber(row).position())
            cursor.setBlockFormat(changed)
        for row, number in enumerate(text.numbers):
            if number is None:
                cursor.setPosition(document.findBlockByNumber(row).position())
                cursor.setBlockFormat(filler)
        chars = QTextCharFormat()
        chars.setBackground(QBrush(self._char_colour))
        for row, spans in text.spans:
            start = document.findBlockByNumber(row).position()
            for offset, length in spans:
                cursor.setPosition(start + offset)
                cursor.setPosition(start + offset + length, QTextCursor.MoveMode.KeepAnchor)
                cursor.mergeCharFormat(chars)
        cursor.endEditBlock()

    def char_marks(self, row: int) -> list[Span]:
        """The character spans of ``row`` that carry the changed-characters
        background, read back from the document (what is painted)."""
        block = self.document().findBlockByNumber(row)
        marks: list[Span] = []
        if not block.isValid():
            return marks
        for fragment_range in block.textFormats():
            if fragment_range.format.background().color() == self._char_colour:
                marks.append((fragment_range.start, fragment_range.length))
        return marks

    def line_marked(self, row: int) -> bool:
        block = self.document().findBlockByNumber(row)
        return block.isValid() and block.blockFormat().background().color() == self._line_colour

    def go_to_row(self, row: int) -> None:
        block = self.document().findBlockByNumber(max(row, 0))
        if block.isValid():
            self.setTextCursor(QTextCursor(block))
            self.centerCursor()
            self.highlight_visible()

    # ---- gutter ----------------------------------------------------------------

    def gutter_width(self) -> int:
        largest = max((n for n in self.shown.numbers if n is not None), default=1)
        digits = max(len(str(largest)), 3)
        return _GUTTER_PAD * 2 + self.fontMetrics().horizontalAdvance("9") * digits

    def _update_gutter_width(self, *_: object) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def _update_gutter(self, rect: QRect, dy: int) -> None:
        if dy:
            self.gutter.scroll(0, dy)
        else:
            self.gutter.update(0, rect.y(), self.gutter.width(), rect.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        contents = self.contentsRect()
        self.gutter.setGeometry(
            QRect(contents.left(), contents.top(), self.gutter_width(), contents.height())
        )

    def paint_gutter(self, gutter: QWidget, event: QPaintEvent) -> None:
        painter = QPainter(gutter)
        palette = self.palette()
        painter.fillRect(event.rect(), palette.window())
        painter.setPen(palette.placeholderText().color())
        numbers = self.shown.numbers
        block = self.firstVisibleBlock()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        height = self.fontMetrics().height()
        width = gutter.width() - _GUTTER_PAD
        while block.isValid() and top <= event.rect().bottom():
            row = block.blockNumber()
            bottom = top + round(self.blockBoundingRect(block).height())
            if block.isVisible() and bottom >= event.rect().top() and row < len(numbers):
                number = numbers[row]
                if number is not None:
                    painter.drawText(
                        0, top, width, height, Qt.AlignmentFlag.AlignRight, str(number)
                    )
            block = block.next()
            top = bottom
        painter.end()


class SectionSideBySide(QWidget):
    """The selected section in A and in B, scrolled together."""

    #: The change shown moved: index of the change, how many there are.
    changeShown = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sectionSideBySide")
        self.a_label = QLabel(self)
        self.a_label.setObjectName("compareLabelA")
        self.b_label = QLabel(self)
        self.b_label.setObjectName("compareLabelB")
        self.a_editor = DiffEditor("a", self)
        self.b_editor = DiffEditor("b", self)
        self.section: SectionChange | None = None
        self.alignment = Alignment((), ())
        self.current_change = -1

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("compareBodiesSplitter")
        splitter.setChildrenCollapsible(False)
        for label, editor in ((self.a_label, self.a_editor), (self.b_label, self.b_editor)):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            column = QWidget(splitter)
            layout = QVBoxLayout(column)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.setSpacing(2)
            layout.addWidget(label)
            layout.addWidget(editor, stretch=1)
            splitter.addWidget(column)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._sync(self.a_editor, self.b_editor)

    def _sync(self, a: DiffEditor, b: DiffEditor) -> None:
        # Rows line up one for one, so equal scroll values show the same rows
        # (valueChanged is not emitted for an unchanged value: no loop).
        for first, second in ((a, b), (b, a)):
            first.verticalScrollBar().valueChanged.connect(second.verticalScrollBar().setValue)
            first.horizontalScrollBar().valueChanged.connect(second.horizontalScrollBar().setValue)

    @property
    def change_count(self) -> int:
        return len(self.alignment.hunks)

    def show_waiting(self, section: SectionChange, a_name: str, b_name: str) -> None:
        """A large section is being lined up on a worker: say so meanwhile."""
        self.show_section(None)
        self.section = section
        lines = f"{len(section.a_body) + len(section.b_body):,} lines"
        self.a_label.setText(f"A: {a_name} \u00b7 lining up {section.name} ({lines})...")
        self.b_label.setText(f"B: {b_name}")
        self.a_editor.setPlaceholderText("Lining up the two bodies...")
        self.b_editor.setPlaceholderText("Lining up the two bodies...")

    def show_section(
        self,
        section: SectionChange | None,
        a_name: str = "A",
        b_name: str = "B",
        alignment: Alignment | None = None,
    ) -> None:
        """Show ``section``, lined up here unless ``alignment`` is given."""
        self.section = section
        if section is None:
            self.alignment = Alignment((), ())
            self.a_label.setText("")
            self.b_label.setText("")
            self.a_editor.show_side(SideText((), (), (), ()))
            self.b_editor.show_side(SideText((), (), (), ()))
            self.current_change = -1
            return
        self.alignment = alignment or align(section.a_body, section.b_body)
        file = section.file.value.upper()
        self.a_label.setText(_side_label("A", a_name, file, section.a_line, bool(section.a_body)))
        self.b_label.setText(_side_label("B", b_name, file, section.b_line, bool(section.b_body)))
        self.a_editor.setPlaceholderText(f"{a_name} has no section {section.name}")
        self.b_editor.setPlaceholderText(f"{b_name} has no section {section.name}")
        for editor, body, numbers, line, side in (
            (self.a_editor, section.a_body, section.a_numbers, section.a_line, "a"),
            (self.b_editor, section.b_body, section.b_numbers, section.b_line, "b"),
        ):
            if body:
                if len(numbers) != len(body):  # a record made without them
                    numbers = tuple(range(line or 1, (line or 1) + len(body)))
                editor.show_side(side_text(self.alignment, body, numbers, side))
            else:  # nothing to line up with: the other side alone, no fillers
                editor.show_side(SideText((), (), (), ()))
        self.current_change = -1

    def go_to_change(self, index: int) -> bool:
        """Show change ``index`` (0-based); False when there is no such change."""
        hunks = self.alignment.hunks
        if not 0 <= index < len(hunks):
            return False
        self.current_change = index
        row = hunks[index][0]
        for editor, side in ((self.a_editor, "a"), (self.b_editor, "b")):
            editor.go_to_row(_editor_row(self.alignment.rows, row, side, editor))
        self.changeShown.emit(index, len(hunks))
        return True

    def next_change(self) -> bool:
        return self.go_to_change(self.current_change + 1)

    def previous_change(self) -> bool:
        if self.current_change <= 0:
            return False
        return self.go_to_change(self.current_change - 1)

    def go_to_last_change(self) -> bool:
        return self.go_to_change(len(self.alignment.hunks) - 1)


def _editor_row(rows: Sequence[Row], row: int, side: str, editor: DiffEditor) -> int:
    # An editor showing one side alone (the other has no body) has no filler
    # rows: its rows are its own lines.
    if editor.document().blockCount() >= len(rows):
        return row
    for r in rows[row:]:
        line = r.a if side == "a" else r.b
        if line is not None:
            return line
    return 0


def _side_label(side: str, name: str, file: str, line: int | None, present: bool) -> str:
    if not present:
        return f"{side}: {name} (no such section)"
    where = f"{file} line {line}" if line is not None else f"{file} preamble"
    return f"{side}: {name} \u00b7 {where}"
