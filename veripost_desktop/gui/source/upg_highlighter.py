"""UPG-2 syntax colours for the source viewer, from the core's ``tokenize_line``.

Lazy on purpose. ``QSyntaxHighlighter`` re-highlights every block of the
document when its text is set: for a 300,000-line source that is 300,000
calls into Python, each tokenizing a line and setting formats - seconds of
a frozen window. Here those calls return at once, and the viewer asks for
the blocks a person can see (``highlight_blocks``) as it scrolls, so only
what is on screen (plus a margin) is ever tokenized.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from veripost_desktop.core.upg.highlighting import (
    CALC,
    CATEGORIES,
    COMMENT,
    KEYWORD,
    TEMPLATE,
    TOKEN,
    tokenize_line,
)


def _format(colour: str, *, bold: bool = False, italic: bool = False) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(colour))
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    fmt.setFontItalic(italic)
    return fmt


def category_formats() -> dict[str, QTextCharFormat]:
    """One distinct format per ``tokenize_line`` category."""
    formats = {
        COMMENT: _format("#6a737d", italic=True),  # grey: also switched-off code
        KEYWORD: _format("#005cc5", bold=True),  # :SECTION=, :LIBRARY=
        TEMPLATE: _format("#6f42c1", bold=True),  # :T:
        CALC: _format("#b35900", bold=True),  # :C: / :C1:
        TOKEN: _format("#22863a"),  # <EOL>, <G:90>
    }
    assert set(formats) == set(CATEGORIES), "a tokenize_line category has no format"
    return formats


class UpgHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.formats = category_formats()
        self._done: set[int] = set()  # block numbers already highlighted
        self._highlighting = False

    @property
    def highlighted_count(self) -> int:
        return len(self._done)

    def reset(self) -> None:
        """The document got new text: nothing of it is highlighted yet."""
        self._done.clear()

    def highlight_blocks(self, first: int, last: int) -> int:
        """Highlight blocks ``first``..``last`` (inclusive) not yet done; returns how many."""
        document = self.document()
        if document is None:
            return 0
        count = 0
        block = document.findBlockByNumber(max(first, 0))
        while block.isValid() and block.blockNumber() <= last:
            number = block.blockNumber()
            if number not in self._done:
                self._done.add(number)
                self._highlighting = True
                try:
                    self.rehighlightBlock(block)
                finally:
                    self._highlighting = False
                count += 1
            block = block.next()
        return count

    def highlightBlock(self, text: str) -> None:
        # Called for every block when the text is set; only the blocks asked
        # for through highlight_blocks get their spans.
        if not self._highlighting:
            return
        formats = self.formats
        for start, length, category in tokenize_line(text):
            self.setFormat(start, length, formats[category])
