"""The compare window: how post B differs from post A, section by section.

Summary on top (similarity, counts per kind, the patterns, descriptor,
library and file changes); the changed sections on the left; the selected
section's two bodies side by side on the right. F8 / Shift+F8 walk the
changes, across sections. The comparison arrives from a worker
(``controller.py``); until then the window says what it is comparing.
"""

from __future__ import annotations

import html
from functools import partial
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from veripost_desktop.core.compare.html_report import save_html_report
from veripost_desktop.core.compare.model import PackageComparison, SectionChange, Side
from veripost_desktop.core.errors import UserError
from veripost_desktop.gui.compare import sections_model as sections
from veripost_desktop.gui.compare import summary
from veripost_desktop.gui.compare.line_diff import Alignment, align
from veripost_desktop.gui.compare.section_view import SectionSideBySide, needs_worker
from veripost_desktop.gui.widgets.action_factory import make_action
from veripost_desktop.gui.widgets.error_dialog import show_error
from veripost_desktop.gui.workers.core_call_runner import CoreCallRunner

HTML_FILTER = "HTML files (*.html)"
#: Patterns listed in the summary; the rest are in the report.
SHOWN_PATTERNS = 5

_PAGE_MESSAGE, _PAGE_RESULT = 0, 1
# A person is waiting to read it: overtake queued ingestions.
ALIGN_PRIORITY = 10


class SaveFolder(Protocol):
    save_dir: Path


class CompareWindow(QMainWindow):
    """One comparison. Closing it emits ``closed``."""

    closed = Signal()

    def __init__(
        self,
        a_title: str,
        b_title: str,
        runner: CoreCallRunner,
        save_folder: SaveFolder,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("compareWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.setWindowTitle(f"{a_title} \u2192 {b_title} - Compare")
        self.comparison: PackageComparison | None = None
        self._runner = runner
        self._save_folder = save_folder
        self._closed = False
        #: The large section being lined up on a worker, if any.
        self._aligning: SectionChange | None = None
        self._arrive_at_last = False  # Shift+F8 into a section: show its last change

        self.sections_model = sections.CompareSectionsModel(self)
        self.sections_proxy = sections.OtherEditsFilter(self)
        self.sections_proxy.setSourceModel(self.sections_model)
        self.section_list = _section_table(self.sections_proxy, self)
        self.only_other_edits = QCheckBox("Only sections with other edits", self)
        self.only_other_edits.setObjectName("onlyOtherEdits")
        self.only_other_edits.setToolTip(
            "Hide the sections whose every edit is one of the patterns in the summary"
        )
        self.side_by_side = SectionSideBySide(self)
        self.message = QLabel(f"Comparing {a_title} with {b_title}...", self)
        self.message.setObjectName("compareMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.summary = QFrame(self)
        self.summary.setObjectName("compareSummary")
        self.title_label = QLabel(self)
        self.title_label.setObjectName("compareTitle")
        self.summary_labels: dict[str, QLabel] = {}
        self.position_label = QLabel(self)
        self.position_label.setObjectName("comparePosition")

        self.next_change_action = make_action(
            self, "nextChangeAction", "&Next change", "Go to the next change (F8)", "F8"
        )
        self.previous_change_action = make_action(
            self,
            "previousChangeAction",
            "&Previous change",
            "Go to the previous change (Shift+F8)",
            "Shift+F8",
        )
        self.save_report_action = make_action(
            self,
            "saveReportAction",
            "&Save report...",
            "Save this comparison as an HTML file that opens in any browser (Ctrl+S)",
            QKeySequence.StandardKey.Save,
        )
        self.close_action = make_action(
            self, "closeCompareAction", "&Close", "Close this window (Ctrl+W)", "Ctrl+W"
        )
        self._build()
        self._connect()
        self._set_ready(False)
        self.resize(1200, 760)

    # ---- building --------------------------------------------------------------

    def _build(self) -> None:
        menu = self.menuBar().addMenu("&Compare")
        menu.setObjectName("compareMenu")
        menu.addAction(self.previous_change_action)
        menu.addAction(self.next_change_action)
        menu.addSeparator()
        menu.addAction(self.save_report_action)
        menu.addSeparator()
        menu.addAction(self.close_action)
        toolbar = QToolBar("Compare", self)
        toolbar.setObjectName("compareToolBar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addAction(self.previous_change_action)
        toolbar.addAction(self.next_change_action)
        toolbar.addSeparator()
        toolbar.addAction(self.save_report_action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)

        # Two columns: the sections on the left, the rest of the post on the right.
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.title_label.setFont(font)
        columns = QHBoxLayout()
        columns.setSpacing(24)
        for rows in (
            (("similarity", "Similarity:"), ("sections", "Sections:"), ("patterns", "Patterns:")),
            (("descriptor", "Descriptor:"), ("library", "Library refs:"), ("files", "Files:")),
        ):
            form = QFormLayout()
            form.setVerticalSpacing(3)
            form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            for key, label in rows:
                value = QLabel(self.summary)
                value.setObjectName(f"summary_{key}")
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                value.setWordWrap(True)
                self.summary_labels[key] = value
                form.addRow(label, value)
            columns.addLayout(form, stretch=1)
        outer = QVBoxLayout(self.summary)
        outer.setContentsMargins(10, 6, 10, 6)
        outer.setSpacing(4)
        outer.addWidget(self.title_label)
        outer.addLayout(columns)
        self.summary.setFrameShape(QFrame.Shape.StyledPanel)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(2)
        left_layout.addWidget(self.section_list, stretch=1)
        left_layout.addWidget(self.only_other_edits)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("compareSplitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(self.side_by_side)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([480, 720])
        self.splitter = splitter

        self.no_sections = QLabel("No section differs: the posts have the same sections.", self)
        self.no_sections.setObjectName("compareNoSections")
        self.no_sections.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.bodies = QStackedWidget(self)
        self.bodies.addWidget(splitter)
        self.bodies.addWidget(self.no_sections)

        result = QWidget(self)
        result_layout = QVBoxLayout(result)
        result_layout.setContentsMargins(6, 6, 6, 0)
        result_layout.addWidget(self.summary)
        result_layout.addWidget(self.bodies, stretch=1)
        self.pages = QStackedWidget(self)
        self.pages.insertWidget(_PAGE_MESSAGE, self.message)
        self.pages.insertWidget(_PAGE_RESULT, result)
        self.setCentralWidget(self.pages)
        self.statusBar().addPermanentWidget(self.position_label)

    def _connect(self) -> None:
        self.next_change_action.triggered.connect(self.next_change)
        self.previous_change_action.triggered.connect(self.previous_change)
        self.save_report_action.triggered.connect(self.save_report)
        self.close_action.triggered.connect(self.close)
        self.only_other_edits.toggled.connect(self._on_only_other_edits)
        self.section_list.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.side_by_side.changeShown.connect(self._show_position)

    def _set_ready(self, ready: bool) -> None:
        for action in (
            self.next_change_action,
            self.previous_change_action,
            self.save_report_action,
        ):
            action.setEnabled(ready)

    # ---- the comparison ----------------------------------------------------------

    def show_comparison(self, comparison: PackageComparison) -> None:
        self.comparison = comparison
        self._fill_summary(comparison)
        self.sections_model.set_comparison(comparison)
        self.pages.setCurrentIndex(_PAGE_RESULT)
        has_sections = bool(comparison.sections)
        self.bodies.setCurrentIndex(0 if has_sections else 1)
        self.only_other_edits.setEnabled(any(s.explained_by for s in comparison.sections))
        self._set_ready(True)
        self.next_change_action.setEnabled(has_sections)
        self.previous_change_action.setEnabled(has_sections)
        if has_sections:
            self._select_row(0)
            self.section_list.setFocus(Qt.FocusReason.OtherFocusReason)
        self.statusBar().showMessage(
            f"{len(comparison.sections)} sections differ; F8 and Shift+F8 go to the "
            "next and previous change."
            if has_sections
            else "No section differs."
        )

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.pages.setCurrentIndex(_PAGE_MESSAGE)

    def _fill_summary(self, c: PackageComparison) -> None:
        self.title_label.setText(
            f"A: {html.escape(_side_name(c.a))} \u2192 B: {html.escape(_side_name(c.b))}"
        )
        self.title_label.setToolTip(f"A: {_side_tip(c.a)}\nB: {_side_tip(c.b)}")
        labels = self.summary_labels
        labels["similarity"].setText(
            f"<b>{summary.percent(c.similarity)}</b> of the active sections are the same"
        )
        explained = sum(1 for s in c.sections if s.explained_by)
        counts = summary.counts_line(c)
        if explained:
            counts += f"; {explained} fully explained by the patterns (greyed)"
        labels["sections"].setText(html.escape(counts))
        pattern_lines = [
            f"{i + 1}. {html.escape(summary.pattern_line(p))}"
            for i, p in enumerate(c.patterns[:SHOWN_PATTERNS])
        ]
        if len(c.patterns) > SHOWN_PATTERNS:
            pattern_lines.append(
                f"and {len(c.patterns) - SHOWN_PATTERNS} more (in the saved report)"
            )
        self._set_row("patterns", pattern_lines, "none")
        self._set_row("descriptor", [summary.descriptor_line(d) for d in c.descriptor], "the same")
        self._set_row("library", summary.library_lines(c), "the same", escape=True)
        self._set_row("files", summary.files_by_change(c), "the same", escape=True)
        self.summary_labels["files"].setToolTip("\n".join(summary.changed_files(c)))

    def _set_row(self, key: str, lines: list[str], empty: str, *, escape: bool = False) -> None:
        shown = [html.escape(line) for line in lines] if escape else lines
        label = self.summary_labels[key]
        label.setText("<br>".join(shown) if shown else f"<i>{empty}</i>")

    # ---- moving between changes ----------------------------------------------------

    def _current_row(self) -> int:
        return self.section_list.currentIndex().row()

    def _select_row(self, row: int) -> None:
        index = self.sections_proxy.index(row, sections.COL_SECTION)
        if not index.isValid():
            return
        self.section_list.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.section_list.scrollTo(index)

    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        change = current.data(sections.SectionChangeRole)
        c = self.comparison
        if c is None:
            return
        self.position_label.setText("")
        a_name, b_name = _side_name(c.a), _side_name(c.b)
        if isinstance(change, SectionChange) and needs_worker(change):
            self._aligning = change
            self.side_by_side.show_waiting(change, a_name, b_name)
            self._runner.start(
                f"line up section {change.name}",
                lambda _progress: align(change.a_body, change.b_body),
                partial(self._on_aligned, change, self._arrive_at_last),
                self._on_align_failed,
                priority=ALIGN_PRIORITY,
            )
            return
        self._aligning = None
        self.side_by_side.show_section(change, a_name, b_name)
        self.side_by_side.go_to_change(0)

    def _on_aligned(self, change: SectionChange, at_last: bool, alignment: Alignment) -> None:
        c = self.comparison
        if self._closed or self._aligning is not change or c is None:
            return  # another section was chosen meanwhile
        self._aligning = None
        self.side_by_side.show_section(change, _side_name(c.a), _side_name(c.b), alignment)
        if at_last:
            self.side_by_side.go_to_last_change()
        else:
            self.side_by_side.go_to_change(0)

    def _on_align_failed(self, error: UserError) -> None:
        if not self._closed:
            self._aligning = None
            self.statusBar().showMessage(f"The section could not be shown: {error.message}")

    def next_change(self) -> bool:
        if self.side_by_side.next_change():
            return True
        for row in range(self._current_row() + 1, self.sections_proxy.rowCount()):
            self._select_row(row)
            # A large section shows its first change once it is lined up.
            if self.side_by_side.current_change >= 0 or self._aligning is not None:
                return True
        self.statusBar().showMessage("That was the last change.", 5000)
        return False

    def previous_change(self) -> bool:
        if self.side_by_side.previous_change():
            return True
        for row in range(self._current_row() - 1, -1, -1):
            self._arrive_at_last = True
            try:
                self._select_row(row)
            finally:
                self._arrive_at_last = False
            if self._aligning is not None or self.side_by_side.go_to_last_change():
                return True
        self.statusBar().showMessage("That was the first change.", 5000)
        return False

    def _show_position(self, index: int, count: int) -> None:
        section = self.side_by_side.section
        name = section.name if section is not None else ""
        self.position_label.setText(f"{name}: change {index + 1} of {count}")

    def _on_only_other_edits(self, on: bool) -> None:
        kept = self.side_by_side.section
        self.sections_proxy.set_only_other_edits(on)
        for row in range(self.sections_proxy.rowCount()):
            if self.sections_proxy.index(row, 0).data(sections.SectionChangeRole) is kept:
                self._select_row(row)
                return
        self._select_row(0)

    # ---- the report ----------------------------------------------------------------

    def save_report(self) -> None:
        comparison = self.comparison
        if comparison is None:
            return
        suggested = self._save_folder.save_dir / _report_name(comparison)
        name, _ = QFileDialog.getSaveFileName(
            self, "Save compare report", str(suggested), HTML_FILTER
        )
        if not name:
            return
        destination = with_html_suffix(Path(name))
        self._save_folder.save_dir = destination.parent
        self.save_report_action.setEnabled(False)
        self.statusBar().showMessage(f"Saving {destination.name}...")
        self._runner.start(
            f"save compare report {destination}",
            lambda _progress: save_html_report(comparison, destination),
            self._on_report_saved,
            self._on_report_failed,
        )

    def _on_report_saved(self, path: Path) -> None:
        if self._closed:
            return
        self.save_report_action.setEnabled(True)
        self.statusBar().showMessage(f"Saved the report to {path}", 10_000)

    def _on_report_failed(self, error: UserError) -> None:
        if self._closed:
            return
        self.save_report_action.setEnabled(True)
        self.statusBar().clearMessage()
        show_error(self, error, title="Report not saved")

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closed = True
        self.closed.emit()
        super().closeEvent(event)


def with_html_suffix(path: Path) -> Path:
    if path.suffix.casefold() in (".html", ".htm"):
        return path
    return path.with_name(path.name + ".html")


def _side_name(side: Side) -> str:
    return side.name


def _side_tip(side: Side) -> str:
    if side.path:
        return f"{side.name}, ZIP {side.path} (read, not stored)"
    return f"{side.name}, package {side.package_id}"


def _report_name(c: PackageComparison) -> str:
    unsafe = '<>:"/\\|?*'
    name = f"{c.a.name} vs {c.b.name}.html"
    return "".join("_" if ch in unsafe else ch for ch in name)


def _section_table(proxy: sections.OtherEditsFilter, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setObjectName("compareSections")
    view.setAccessibleName("Changed sections")
    view.setModel(proxy)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionResizeMode(sections.COL_SECTION, QHeaderView.ResizeMode.Stretch)
    # Keys share long prefixes (RAPID_Z_MOVE_UP_MILL, RAPID_Z_MOVE_DOWN_MILL):
    # keep both ends in sight.
    view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    for column, width in (
        (sections.COL_FILE, 38),
        (sections.COL_CHANGE, 100),
        (sections.COL_LINES, 64),
        (sections.COL_EXPLAINED, 84),
    ):
        view.setColumnWidth(column, width)
    return view
