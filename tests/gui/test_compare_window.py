"""The compare window: summary, the changed sections, the two bodies side by
side with their marks, F8 / Shift+F8, Save report, and the worker path from
the main window (two packages and Ctrl+D; a package and a refused ZIP)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QThreadPool, QTimer
from PySide6.QtGui import QFontDatabase, QFontInfo
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QPlainTextEdit
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.conftest import make_package_zip
from tests.gui.compare_records import compare_sources, grbl_vs_scl, src_text
from tests.gui.conftest import ShownBox, ingest_before_start, package_row
from veripost_desktop.core.compare import render_html
from veripost_desktop.core.compare.model import ChangeKind, PackageComparison
from veripost_desktop.core.config import Settings
from veripost_desktop.gui.compare import sections_model as sections
from veripost_desktop.gui.compare.line_diff import RowKind
from veripost_desktop.gui.compare.section_view import needs_worker
from veripost_desktop.gui.compare.window import CompareWindow
from veripost_desktop.gui.window.main_window import MainWindow
from veripost_desktop.gui.workers.core_call_runner import CoreCallRunner


class Folder:
    def __init__(self, path: Path) -> None:
        self.save_dir = path


@pytest.fixture
def grbl_comparison(corpus_dir: Path) -> PackageComparison:
    return grbl_vs_scl(corpus_dir)


@pytest.fixture
def make_window(
    qtbot: QtBot, tmp_path: Path
) -> Iterator[Callable[[PackageComparison], CompareWindow]]:
    pool = QThreadPool()
    runner = CoreCallRunner(pool)
    windows: list[CompareWindow] = []

    def _make(comparison: PackageComparison) -> CompareWindow:
        window = CompareWindow(comparison.a.name, comparison.b.name, runner, Folder(tmp_path))
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.show_comparison(comparison)
        windows.append(window)
        return window

    yield _make
    runner.close()
    pool.waitForDone(10_000)


def section_row(window: CompareWindow, name: str) -> int:
    proxy = window.sections_proxy
    for row in range(proxy.rowCount()):
        change = proxy.index(row, 0).data(sections.SectionChangeRole)
        if change.name == name:
            return row
    raise AssertionError(f"{name} not listed")


# ---- the models ------------------------------------------------------------------


def test_the_sections_model_and_its_filter_pass_the_model_tester(
    qtmodeltester: ModelTester, grbl_comparison: PackageComparison
) -> None:
    model = sections.CompareSectionsModel()
    model.set_comparison(grbl_comparison)
    qtmodeltester.check(model)
    proxy = sections.OtherEditsFilter()
    proxy.setSourceModel(model)
    proxy.set_only_other_edits(True)
    qtmodeltester.check(proxy)


def test_explained_sections_are_greyed_and_name_their_pattern(
    grbl_comparison: PackageComparison,
) -> None:
    model = sections.CompareSectionsModel()
    model.set_comparison(grbl_comparison)
    by_row = {
        r: model.index(r, 0).data(sections.SectionChangeRole) for r in range(model.rowCount())
    }
    assert [c.name for c in by_row.values()] == [s.name for s in grbl_comparison.sections]
    explained = [r for r, c in by_row.items() if c.explained_by]
    others = [r for r, c in by_row.items() if not c.explained_by]
    assert explained and others
    grey = model.index(explained[0], sections.COL_SECTION).data(Qt.ItemDataRole.ForegroundRole)
    assert grey is not None
    assert model.index(explained[0], sections.COL_EXPLAINED).data() == "pattern 1"
    tip = model.index(explained[0], sections.COL_SECTION).data(Qt.ItemDataRole.ToolTipRole)
    assert '"<N>" removed in' in tip
    assert model.index(others[0], sections.COL_EXPLAINED).data() == ""
    assert model.index(others[0], sections.COL_SECTION).data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.index(others[0], sections.COL_CHANGE).data() == "changed"


# ---- the window ----------------------------------------------------------------------


def test_the_summary_names_the_posts_the_similarity_and_the_pattern(
    make_window: Callable[[PackageComparison], CompareWindow],
    grbl_comparison: PackageComparison,
) -> None:
    window = make_window(grbl_comparison)
    c = grbl_comparison
    assert "GRBL-Post" in window.windowTitle() and "SCL-SW-GRBL-1_1" in window.windowTitle()
    assert window.title_label.text() == "A: GRBL-Post \u2192 B: SCL-SW-GRBL-1_1"
    labels = window.summary_labels
    assert f"{round(c.similarity * 100)}%" in labels["similarity"].text()
    counts = c.counts()
    explained = sum(1 for s in c.sections if s.explained_by)
    assert labels["sections"].text() == (
        f"{counts['changed']} changed, {c.unchanged_sections} unchanged; "
        f"{explained} fully explained by the patterns (greyed)"
    )
    assert f"1. &quot;&lt;N&gt;&quot; removed in {c.patterns[0].count} sections" in (
        labels["patterns"].text()
    )
    assert window.sections_proxy.rowCount() == len(c.sections)
    # The first section is shown at its first change.
    assert window.side_by_side.section is c.sections[0]
    assert window.side_by_side.current_change == 0


def test_only_other_edits_keeps_the_sections_the_patterns_do_not_explain(
    make_window: Callable[[PackageComparison], CompareWindow],
    grbl_comparison: PackageComparison,
) -> None:
    window = make_window(grbl_comparison)
    window.only_other_edits.setChecked(True)
    shown = [
        window.sections_proxy.index(r, 0).data(sections.SectionChangeRole).name
        for r in range(window.sections_proxy.rowCount())
    ]
    assert shown == [s.name for s in grbl_comparison.sections if not s.explained_by]
    assert "START_OF_TAPE" in shown and "CALC_INIT_CODES" in shown
    window.only_other_edits.setChecked(False)
    assert window.sections_proxy.rowCount() == len(grbl_comparison.sections)


def test_the_bodies_show_side_by_side_with_changed_lines_and_characters_marked(
    qtbot: QtBot,
    make_window: Callable[[PackageComparison], CompareWindow],
    grbl_comparison: PackageComparison,
) -> None:
    window = make_window(grbl_comparison)
    window._select_row(section_row(window, "START_OF_TAPE"))
    view = window.side_by_side
    change = view.section
    assert change is not None and change.name == "START_OF_TAPE"
    a, b = view.a_editor, view.b_editor
    assert isinstance(a, QPlainTextEdit) and a.isReadOnly() and b.isReadOnly()
    # The system's fixed-width font, as the source viewer (whatever it reports of itself).
    fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    assert QFontInfo(a.font()).family() == QFontInfo(fixed).family()
    # Rows line up one for one: the same number on each side.
    assert a.document().blockCount() == b.document().blockCount() == len(view.alignment.rows)
    assert a.toPlainText().splitlines()[0] == change.a_body[0]
    assert view.a_label.text() == f"A: GRBL-Post \u00b7 SRC line {change.a_line}"
    # The gutter numbers the file's own lines.
    assert a.shown.numbers[0] == change.a_line and b.shown.numbers[0] == change.b_line
    # A line that lost its <N>: marked on both sides, and the three
    # characters marked darker in A's line.
    row = next(
        i
        for i, r in enumerate(view.alignment.rows)
        if r.kind is RowKind.CHANGED
        and r.a is not None
        and r.b is not None
        and "<N>" in change.a_body[r.a]
        and change.a_body[r.a].replace("<N>", "") == change.b_body[r.b]
    )
    assert a.line_marked(row) and b.line_marked(row)
    line = a.document().findBlockByNumber(row).text()
    marked = ["".join(line[s : s + n]) for s, n in a.char_marks(row)]
    assert "<N>" in marked
    assert b.char_marks(row) == []  # nothing was added to B's line
    # An equal row carries no mark.
    equal = next(i for i, r in enumerate(view.alignment.rows) if r.kind is RowKind.EQUAL)
    assert not a.line_marked(equal) and a.char_marks(equal) == []
    # UPG colours on the shown lines (the lazy highlighter ran on them).
    assert a.highlighter.highlighted_count > 0
    # Scrolling one side scrolls the other.
    a.verticalScrollBar().setValue(a.verticalScrollBar().maximum())
    assert b.verticalScrollBar().value() == a.verticalScrollBar().value()


def test_f8_and_shift_f8_walk_the_changes_across_sections(
    qtbot: QtBot,
    make_window: Callable[[PackageComparison], CompareWindow],
    grbl_comparison: PackageComparison,
) -> None:
    window = make_window(grbl_comparison)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert "F8" in window.next_change_action.toolTip()
    assert "Shift+F8" in window.previous_change_action.toolTip()

    def position() -> tuple[int, int]:
        return window.section_list.currentIndex().row(), window.side_by_side.current_change

    seen = [position()]
    for _ in range(8):
        qtbot.keyClick(window.section_list, Qt.Key.Key_F8)
        seen.append(position())
    assert seen == sorted(seen) and len(set(seen)) == len(seen)  # always forward
    assert seen[-1][0] > 0  # past the first section's changes into the next ones
    # The caret sits on the change's first row, in both editors.
    row = window.side_by_side.alignment.hunks[seen[-1][1]][0]
    assert window.side_by_side.b_editor.textCursor().blockNumber() == row
    assert "change" in window.position_label.text()

    for expected in reversed(seen[:-1]):
        qtbot.keyClick(window.section_list, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
        assert position() == expected
    # Before the first change: nowhere further back.
    assert not window.previous_change()
    assert position() == seen[0]


def test_added_and_removed_sections_show_one_side(
    make_window: Callable[[PackageComparison], CompareWindow], corpus_dir: Path
) -> None:
    a_src = src_text(corpus_dir)
    b_src = a_src.replace(":SECTION=START_OF_TAPE", ":SECTION=START_OF_JOB")
    comparison = compare_sources("GRBL-Post", a_src, "Renamed", b_src)
    kinds = {s.name: s.change for s in comparison.sections}
    assert kinds == {"START_OF_JOB": ChangeKind.ADDED, "START_OF_TAPE": ChangeKind.REMOVED}
    window = make_window(comparison)
    window._select_row(section_row(window, "START_OF_JOB"))
    view = window.side_by_side
    assert view.a_editor.toPlainText() == ""
    assert "has no section START_OF_JOB" in view.a_editor.placeholderText()
    assert view.section is not None
    assert view.b_editor.document().blockCount() == len(view.section.b_body)
    assert view.b_editor.line_marked(0)
    assert window.section_list.model().index(0, sections.COL_CHANGE).data() in ("added", "removed")


def test_identical_posts_say_no_section_differs(
    make_window: Callable[[PackageComparison], CompareWindow], corpus_dir: Path
) -> None:
    text = src_text(corpus_dir)
    window = make_window(compare_sources("GRBL-Post", text, "Copy", text))
    assert window.bodies.currentWidget() is window.no_sections
    assert window.summary_labels["similarity"].text().startswith("<b>100%</b>")
    assert not window.next_change_action.isEnabled()
    assert window.save_report_action.isEnabled()


def test_save_report_writes_the_engine_report_into_place(
    qtbot: QtBot,
    make_window: Callable[[PackageComparison], CompareWindow],
    grbl_comparison: PackageComparison,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = make_window(grbl_comparison)
    asked: list[str] = []
    target = tmp_path / "reports" / "grbl-vs-scl"  # no suffix: .html is added
    target.parent.mkdir()

    def fake_save(_parent: object, _title: str, suggested: str, _filter: str) -> tuple[str, str]:
        asked.append(suggested)
        return str(target), "HTML files (*.html)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake_save)
    window.save_report_action.trigger()
    written = target.with_name("grbl-vs-scl.html")
    qtbot.waitUntil(
        lambda: "Saved the report" in window.statusBar().currentMessage(), timeout=10_000
    )
    assert asked == [str(tmp_path / "GRBL-Post vs SCL-SW-GRBL-1_1.html")]
    assert written.read_text(encoding="utf-8") == render_html(grbl_comparison)
    assert [p.name for p in written.parent.iterdir()] == ["grbl-vs-scl.html"]  # no temp left
    assert window.save_report_action.isEnabled()


def test_a_report_that_cannot_be_written_shows_the_error(
    qtbot: QtBot,
    make_window: Callable[[PackageComparison], CompareWindow],
    grbl_comparison: PackageComparison,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    shown_boxes: list,
) -> None:
    window = make_window(grbl_comparison)
    target = tmp_path / "no such folder" / "report.html"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *_a: (str(target), "HTML files (*.html)")
    )
    window.save_report_action.trigger()
    qtbot.waitUntil(lambda: bool(shown_boxes), timeout=10_000)
    (box,) = shown_boxes
    assert box.title == "Report not saved"
    assert "Error code: report_not_saved" in box.text
    assert str(target) in box.detailed_text
    assert not target.exists()


# ---- from the main window, through the real engine -------------------------------------


OpenWindow = Callable[..., MainWindow]


@pytest.fixture
def two_posts(local_settings: Settings, corpus_dir: Path, tmp_path: Path) -> Settings:
    zips = [
        make_package_zip(corpus_dir, tmp_path / f"{name}.zip", name)
        for name in ("GRBL-Post", "SCL-SW-GRBL-1_1")
    ]
    ingest_before_start(local_settings, zips)
    return local_settings


def click_row(qtbot: QtBot, window: MainWindow, name: str, ctrl: bool = False) -> None:
    (record,) = [r for r in window.package_model.records() if r.name == name]
    index = package_row(window, record.id)
    modifier = Qt.KeyboardModifier.ControlModifier if ctrl else Qt.KeyboardModifier.NoModifier
    qtbot.mouseClick(
        window.package_view.viewport(),
        Qt.MouseButton.LeftButton,
        modifier,
        window.package_view.visualRect(index).center(),
    )


def test_two_selected_packages_and_ctrl_d_open_the_compare_window(
    qtbot: QtBot, open_window: OpenWindow, two_posts: Settings
) -> None:
    window = open_window(two_posts)
    actions = window.compare
    click_row(qtbot, window, "GRBL-Post")
    assert not actions.compare_action.isEnabled()  # one package: nothing to compare with
    assert actions.compare_zip_action.isEnabled() and actions.similar_action.isEnabled()
    click_row(qtbot, window, "SCL-SW-GRBL-1_1", ctrl=True)
    assert len(window.package_view.selectionModel().selectedRows()) == 2
    assert actions.compare_action.isEnabled()
    assert not actions.compare_zip_action.isEnabled()
    # Single-package actions still act on one of them, as before.
    assert window.selected_package() is not None
    assert window.package_actions.verify_action.isEnabled()
    menu_actions = [a.objectName() for a in window.package_menu.actions()]
    assert {"comparePackagesAction", "compareWithZipAction", "findSimilarPostsAction"} <= set(
        menu_actions
    )

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.package_view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    (compare_window,) = window.compare.controller.windows()
    qtbot.waitUntil(lambda: compare_window.comparison is not None, timeout=20_000)
    c = compare_window.comparison
    assert c is not None
    # A is the package added first.
    assert (c.a.name, c.b.name) == ("GRBL-Post", "SCL-SW-GRBL-1_1")
    assert c.patterns and c.patterns[0].removed == "<N>"
    assert (
        f"1. &quot;&lt;N&gt;&quot; removed in {c.patterns[0].count} sections"
        in compare_window.summary_labels["patterns"].text()
    )
    assert "MACHINE NAME: RSCNC32 \u2192 Generic CNC Mill" in (
        compare_window.summary_labels["descriptor"].text()
    )
    compare_window.only_other_edits.setChecked(True)
    left = {
        compare_window.sections_proxy.index(r, 0).data(sections.SectionChangeRole).name
        for r in range(compare_window.sections_proxy.rowCount())
    }
    assert {"START_OF_TAPE", "CALC_INIT_CODES"} <= left
    # A second Ctrl+D raises the same window; a second pair would open another.
    window.compare.compare_action.trigger()
    assert window.compare.controller.windows() == [compare_window]
    compare_window.close()
    assert window.compare.controller.windows() == []


def test_the_context_menu_keeps_two_selected_packages_and_offers_compare(
    qtbot: QtBot, open_window: OpenWindow, two_posts: Settings
) -> None:
    window = open_window(two_posts)
    click_row(qtbot, window, "GRBL-Post")
    click_row(qtbot, window, "SCL-SW-GRBL-1_1", ctrl=True)
    offered: list[tuple[str, bool]] = []

    def read_and_close_menu() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        offered.extend((a.objectName(), a.isEnabled()) for a in menu.actions())
        menu.close()

    # The menu runs its own event loop: read it from there, then close it.
    QTimer.singleShot(100, read_and_close_menu)
    (record,) = [r for r in window.package_model.records() if r.name == "GRBL-Post"]
    pos = window.package_view.visualRect(package_row(window, record.id)).center()
    window.package_view.customContextMenuRequested.emit(pos)
    assert ("comparePackagesAction", True) in offered
    assert ("findSimilarPostsAction", False) in offered  # one package only
    assert len(window.package_view.selectionModel().selectedRows()) == 2


def test_compare_with_a_refused_zip_shows_the_error_and_no_window(
    qtbot: QtBot,
    open_window: OpenWindow,
    two_posts: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    shown_boxes: list[ShownBox],
) -> None:
    window = open_window(two_posts)
    click_row(qtbot, window, "GRBL-Post")
    not_a_zip = tmp_path / "customer.zip"
    not_a_zip.write_text("a post the customer typed into an e-mail", encoding="utf-8")
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *_a: (str(not_a_zip), "ZIP archives (*.zip)")
    )
    window.compare.compare_zip_action.trigger()
    qtbot.waitUntil(lambda: bool(shown_boxes), timeout=20_000)
    (box,) = shown_boxes
    assert box.title == "Posts not compared"
    assert "Error code: not_a_zip" in box.text
    assert "customer.zip" in box.informative_text
    assert window.compare.controller.windows() == []
    assert window.compare.controller.runner.active_count == 0


def test_compare_with_a_zip_reads_it_without_storing_it(
    qtbot: QtBot,
    open_window: OpenWindow,
    two_posts: Settings,
    corpus_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = open_window(two_posts)
    click_row(qtbot, window, "SCL-SW-GRBL-1_1")
    sent_back = make_package_zip(corpus_dir, tmp_path / "sent-back.zip", "GRBL-Post")
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *_a: (str(sent_back), "ZIP archives (*.zip)")
    )
    window.compare.compare_zip_action.trigger()
    (compare_window,) = window.compare.controller.windows()
    qtbot.waitUntil(lambda: compare_window.comparison is not None, timeout=20_000)
    c = compare_window.comparison
    assert c is not None and c.b.path == str(sent_back) and c.b.package_id is None
    assert c.a.name == "SCL-SW-GRBL-1_1"
    assert len(window.package_model.records()) == 2  # the ZIP was not added
    assert QApplication.activeModalWidget() is None


def test_a_large_section_is_lined_up_on_a_worker_then_shown_at_its_first_change(
    qtbot: QtBot,
    make_window: Callable[[PackageComparison], CompareWindow],
    corpus_dir: Path,
) -> None:
    # A source with no section header: one preamble of 2 x 1,163 lines.
    text = src_text(corpus_dir).replace(":SECTION=", ":SECT=") * 2
    edited = text.replace("<N>", "", 40)
    comparison = compare_sources("Flat", text, "Flat-edited", edited)
    (change,) = comparison.sections
    assert needs_worker(change)
    window = make_window(comparison)
    view = window.side_by_side
    # Not lined up on the GUI thread: the window says what it is doing.
    assert view.current_change == -1 and view.a_editor.toPlainText() == ""
    assert "lining up (preamble)" in view.a_label.text()
    qtbot.waitUntil(lambda: view.current_change == 0, timeout=20_000)
    assert view.a_label.text() == "A: Flat \u00b7 SRC preamble"
    row = view.alignment.hunks[0][0]
    assert view.a_editor.line_marked(row)
    line = view.a_editor.document().findBlockByNumber(row).text()
    assert any(line[s : s + n] == "<N>" for s, n in view.a_editor.char_marks(row))
    assert "change 1 of" in window.position_label.text()
