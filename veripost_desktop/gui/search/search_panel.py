"""*Search in posts* (Ctrl+Shift+F): a panel that searches the text of every
stored post as you type (issue 14).

Typing starts a search 250 ms after the last keystroke; a new keystroke
cancels the one under way (the worker's query stops at SQLite's next
progress check). Searches run on a pool of their own, never on the GUI
thread and never queued behind ingestions, each on its own read connection
of the catalog. Results are grouped by package and file with their counts;
activating a line opens the source viewer at it with the match selected.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
    SignalInstance,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QFontDatabase,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QTextCharFormat,
    QTextLayout,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QSpinBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from veripost_desktop.core.catalog import PackageRecord
from veripost_desktop.core.errors import ErrorCode, UserError, VeriPostError, as_user_error
from veripost_desktop.core.search.search_query import (
    DEFAULT_LIMIT,
    INDEXED_QUERY_LENGTH,
    SEARCHED_EXTENSIONS,
    SearchHit,
    SearchRequest,
    SearchResult,
    search,
    searched_extensions,
)
from veripost_desktop.core.services import Services
from veripost_desktop.gui.search.search_results_model import (
    COL_SECTION,
    COL_TEXT,
    COL_WHAT,
    MatchSpansRole,
    SearchHitRole,
    SearchResultsModel,
)
from veripost_desktop.gui.source.open_source_windows import SourceViewers
from veripost_desktop.gui.workers.core_call_runner import CoreCallRunner

log = logging.getLogger(__name__)

DEBOUNCE_MS = 250
ALL_TYPES = "All types"
_MATCH_BACKGROUND = QColor(255, 213, 79)  # amber: readable on light and dark rows
_MATCH_FOREGROUND = QColor(0, 0, 0)


class MatchHighlightDelegate(QStyledItemDelegate):
    """Draws a line's text with every match on an amber background."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        spans = index.data(MatchSpansRole)
        if not spans:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        layout = QTextLayout(text, opt.font)
        formats = []
        for start, end in spans:
            fmt = QTextCharFormat()
            fmt.setBackground(_MATCH_BACKGROUND)
            fmt.setForeground(_MATCH_FOREGROUND)
            match = QTextLayout.FormatRange()
            match.start, match.length, match.format = start, max(end - start, 0), fmt
            formats.append(match)
        layout.setFormats(formats)
        layout.beginLayout()
        line = layout.createLine()
        line.setLineWidth(1_000_000)
        layout.endLayout()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette = opt.palette
        painter.save()
        painter.setClipRect(rect)
        painter.setPen(palette.highlightedText().color() if selected else palette.text().color())
        top = rect.top() + (rect.height() - line.height()) / 2
        layout.draw(painter, QPointF(rect.left() + 3, top))
        painter.restore()


class QueryField(QLineEdit):
    """Enter searches at once; Down moves to the results."""

    submitted = Signal()
    down_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submitted.emit()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Down:
            self.down_pressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class SearchPanel(QWidget):
    """The query, its filters, a status line and the results tree."""

    #: A search ended and its results are shown (for tests and the status bar).
    searchFinished = Signal(object)  # SearchResult
    #: A search ended in an error that is shown (not a cancellation).
    searchFailed = Signal(object)  # UserError

    def __init__(
        self,
        services: Callable[[], Services],
        viewers: SourceViewers,
        selected_package: Callable[[], PackageRecord | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("searchPanel")
        self._services = services
        self._viewers = viewers
        self._selected_package = selected_package
        # Its own threads: a search must not wait behind queued ingestions.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._runner = CoreCallRunner(self._pool, self)
        self._generation = 0
        self._cancel: threading.Event | None = None
        #: Searches started and not yet ended (cancelled ones included).
        self.running = 0

        self.query = QueryField(self)
        self.query.setObjectName("searchQuery")
        self.query.setPlaceholderText("Text to find in every post (any case, no syntax)")
        self.query.setClearButtonEnabled(True)
        self.regex = QCheckBox("&Regular expression", self)
        self.regex.setObjectName("searchRegex")
        self.regex.setToolTip("Search with a Python regular expression (any case)")
        self.limit = QSpinBox(self)
        self.limit.setObjectName("searchLimit")
        self.limit.setRange(1, 100_000)
        self.limit.setSingleStep(500)
        self.limit.setValue(DEFAULT_LIMIT)
        self.limit.setToolTip("Show at most this many lines; every hit is still counted")
        self.this_package = QCheckBox("&Selected package only", self)
        self.this_package.setObjectName("searchThisPackage")
        self.machine = _filter_field("searchMachine", "Machine contains", self)
        self.controller = _filter_field("searchController", "Controller contains", self)
        self.system = _filter_field("searchSystem", "System (MILL, LATHE...)", self)
        self.file_type = QComboBox(self)
        self.file_type.setObjectName("searchFileType")
        self.file_type.addItem(ALL_TYPES)
        self.file_type.addItems([e.lstrip(".") for e in SEARCHED_EXTENSIONS])
        self.status = QLabel(self)
        self.status.setObjectName("searchStatus")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.model = SearchResultsModel(self)
        self.view = QTreeView(self)
        self.view.setObjectName("searchResults")
        self.view.setModel(self.model)
        self.view.setUniformRowHeights(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setItemDelegateForColumn(COL_TEXT, MatchHighlightDelegate(self.view))
        self.view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        header = self.view.header()
        header.setStretchLastSection(True)
        header.resizeSection(COL_WHAT, 260)
        header.resizeSection(COL_SECTION, 230)
        header.setSectionResizeMode(COL_WHAT, QHeaderView.ResizeMode.Interactive)
        self._build()

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.search_now)
        self.query.textChanged.connect(self._on_changed)
        self.query.submitted.connect(self.search_now)
        self.query.down_pressed.connect(self._focus_results)
        for field in (self.machine, self.controller, self.system):
            field.textChanged.connect(self._on_changed)
        self.regex.toggled.connect(self._on_changed)
        self.this_package.toggled.connect(self._on_changed)
        self.file_type.currentIndexChanged.connect(self._on_changed)
        self.limit.valueChanged.connect(self._on_changed)
        self.view.activated.connect(self.open_hit)

    def _build(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel("&Find:", self, buddy=self.query))  # type: ignore[call-overload]
        top.addWidget(self.query, stretch=1)
        top.addWidget(self.regex)
        top.addWidget(QLabel("Limit:", self, buddy=self.limit))  # type: ignore[call-overload]
        top.addWidget(self.limit)
        filters = QHBoxLayout()
        filters.addWidget(self.this_package)
        filters.addWidget(self.machine, stretch=1)
        filters.addWidget(self.controller, stretch=1)
        filters.addWidget(self.system)
        filters.addWidget(self.file_type)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.status)
        layout.addWidget(self.view, stretch=1)
        self.setTabOrder(self.query, self.regex)

    # ---- searching ---------------------------------------------------------

    def focus_query(self) -> None:
        self.query.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.query.selectAll()

    def request(self) -> SearchRequest:
        services = self._services()
        package = self._selected_package() if self.this_package.isChecked() else None
        file_type = self.file_type.currentText()
        return SearchRequest(
            text=self.query.text(),
            regex=self.regex.isChecked(),
            limit=self.limit.value(),
            package_id=package.id if package is not None else None,
            machine=self.machine.text().strip() or None,
            controller=self.controller.text().strip() or None,
            system=self.system.text().strip() or None,
            file_type=None if file_type == ALL_TYPES else file_type,
            extensions=searched_extensions(services.settings.extra_extensions),
        )

    def _on_changed(self, *_: object) -> None:
        # A keystroke: stop what runs now, search once typing pauses.
        self.cancel()
        self._timer.start()

    def cancel(self) -> None:
        """Stop the search under way (its results, if any arrive, are dropped)."""
        self._generation += 1
        if self._cancel is not None:
            self._cancel.set()
            self._cancel = None

    def search_now(self) -> None:
        self._timer.stop()
        self.cancel()
        if not self.query.text():
            self.model.clear()
            self.status.clear()
            return
        if self.this_package.isChecked() and self._selected_package() is None:
            self._show_message("Select a package in the table, or clear Selected package only.")
            return
        request = self.request()
        generation = self._generation
        cancel = threading.Event()
        self._cancel = cancel
        engine = self._services().catalog.read_engine
        scan = request.regex or len(request.text) < INDEXED_QUERY_LENGTH
        self.status.setStyleSheet("")
        self.status.setText("Searching every line..." if scan else "Searching...")
        self.running += 1
        self._runner.start(
            f"search {request.text!r}",
            lambda _progress: search(engine, request, cancel=cancel.is_set),
            partial(self._on_finished, generation),
            partial(self._on_failed, generation),
            priority=10,
        )

    def _on_finished(self, generation: int, result: SearchResult) -> None:
        self.running -= 1
        if generation != self._generation:
            return  # a newer search was started meanwhile
        self._cancel = None
        self.model.set_result(result)
        self.view.expandToDepth(0)
        if result.hits and len(result.files) <= 20:
            self.view.expandAll()
        self.status.setText(_summary(result, self.model.package_count()))
        self.searchFinished.emit(result)

    def _on_failed(self, generation: int, error: UserError) -> None:
        self.running -= 1
        if generation != self._generation or error.code == ErrorCode.CANCELLED:
            return
        self._cancel = None
        self.model.clear()
        self._show_message(error.message, error.detail)
        self.searchFailed.emit(error)

    def _show_message(self, text: str, detail: str = "") -> None:
        self.status.setStyleSheet("color: #b00020;")
        self.status.setText(text)
        self.status.setToolTip(detail)

    def reset(self, *_: object) -> None:
        """The window runs on other services: what is shown belongs to the old catalog."""
        self.cancel()
        self.model.clear()
        self.status.clear()

    def close_panel(self) -> None:
        self._timer.stop()
        self.cancel()
        self._runner.close()
        self._pool.waitForDone(5_000)

    # ---- results -----------------------------------------------------------

    def _focus_results(self) -> None:
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        first = self.model.first_hit_index()
        if first.isValid() and self.view.currentIndex().data(SearchHitRole) is None:
            self.view.setCurrentIndex(first)

    def open_hit(self, index: QModelIndex | None = None) -> bool:
        """Open the source viewer at the hit's line, the match selected."""
        index = index if index is not None else self.view.currentIndex()
        hit = index.data(SearchHitRole) if index.isValid() else None
        if not isinstance(hit, SearchHit):
            if index.isValid():  # a package or file row: open or close it
                self.view.setExpanded(index, not self.view.isExpanded(index))
            return False
        try:
            # One indexed row of the local catalog: quick enough for this thread.
            record = self._services().catalog.get_file(hit.package_id, hit.file)
        except VeriPostError as exc:
            self._show_message(exc.error.message, exc.error.detail)
            return False
        except Exception as exc:  # noqa: BLE001 - shown, never raised into Qt
            error = as_user_error(exc)
            self._show_message(error.message, error.detail)
            return False
        self._viewers.open(hit.package_name, record, hit.line, hit.spans[0] if hit.spans else None)
        return True


class SearchDock(QDockWidget):
    """The panel in a dock of the main window, and the action that opens it."""

    def __init__(
        self,
        window: QMainWindow,
        services: Callable[[], Services],
        viewers: SourceViewers,
        selected_package: Callable[[], PackageRecord | None],
        services_changed: SignalInstance,
    ) -> None:
        super().__init__("Search in posts", window)
        self.setObjectName("searchDock")
        self.panel = SearchPanel(services, viewers, selected_package, self)
        self.setWidget(self.panel)
        self.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self)
        self.hide()
        self.action = QAction("Search in &posts...", window)
        self.action.setObjectName("searchInPostsAction")
        self.action.setShortcut(QKeySequence("Ctrl+Shift+F"))
        self.action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.action.setToolTip("Find a text in every stored post (Ctrl+Shift+F)")
        self.action.setStatusTip(self.action.toolTip())
        self.action.triggered.connect(self.open)
        services_changed.connect(self.panel.reset)

    def open(self) -> None:
        self.show()
        self.raise_()
        self.panel.focus_query()


def _filter_field(name: str, placeholder: str, parent: QWidget) -> QLineEdit:
    field = QLineEdit(parent)
    field.setObjectName(name)
    field.setPlaceholderText(placeholder)
    field.setClearButtonEnabled(True)
    return field


def _summary(result: SearchResult, packages: int) -> str:
    if not result.total_hits:
        return f"No line holds {result.query!r}."
    text = f"{result.total_hits:,} matching line{'s' if result.total_hits != 1 else ''}"
    if result.truncated:
        # Only the listed packages are known: the rest were counted, not located.
        text += (
            f"; the first {len(result.hits):,} are listed, from {packages:,} "
            f"package{'s' if packages != 1 else ''}"
        )
    else:
        text += f" in {packages:,} package{'s' if packages != 1 else ''}"
    return text + ". Enter or double-click a line to open it."
