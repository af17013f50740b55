"""The *Search in posts* panel in the real window: opened by Ctrl+Shift+F,
searching as you type (once typing pauses), a new keystroke cancelling the
search under way, filters, and a hit opening the source viewer at its line
with the match selected. The results model passes qtmodeltester."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from tests.gui.conftest import ingest_before_start
from tests.search_helpers import plain_scan, write_zip
from veripost_desktop.core.config import Settings
from veripost_desktop.core.errors import ErrorCode, VeriPostError
from veripost_desktop.core.search import search_query
from veripost_desktop.core.search.search_query import SearchRequest, SearchResult
from veripost_desktop.gui.search import search_panel
from veripost_desktop.gui.search.search_panel import SearchPanel
from veripost_desktop.gui.search.search_results_model import (
    COL_SECTION,
    COL_TEXT,
    MatchSpansRole,
    SearchHitRole,
    SearchResultsModel,
)
from veripost_desktop.gui.window.main_window import MainWindow

OpenWindow = Callable[..., MainWindow]
NAMES = {"GRBL-Post": "GRBL-Post", "SCL-SW-GRBL-1_1": "SCL-SW-GRBL-1_1"}


@pytest.fixture
def settings(local_settings: Settings, corpus_dir: Path, tmp_path: Path) -> Settings:
    zips = [write_zip(corpus_dir, folder, tmp_path / f"{folder}.zip") for folder in NAMES]
    ingest_before_start(local_settings, zips)
    return local_settings


@pytest.fixture
def window(open_window: OpenWindow, settings: Settings) -> MainWindow:
    return open_window(settings)


def open_panel(qtbot: QtBot, window: MainWindow) -> SearchPanel:
    qtbot.keyClick(
        window,
        Qt.Key.Key_F,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    panel = window.search_dock.panel
    qtbot.waitUntil(lambda: window.search_dock.isVisible() and panel.query.hasFocus())
    return panel


def hit_rows(model: SearchResultsModel) -> list[tuple[str, str, int, str]]:
    rows = []
    for p in range(model.rowCount()):
        package = model.index(p, 0)
        for f in range(model.rowCount(package)):
            file_index = model.index(f, 0, package)
            for h in range(model.rowCount(file_index)):
                hit = model.index(h, 0, file_index).data(SearchHitRole)
                rows.append((hit.package_name, hit.file, hit.line, hit.text))
    return rows


def test_the_results_model_passes_qtmodeltester(qtmodeltester: object, settings: Settings) -> None:
    from veripost_desktop.core.services import open_services

    services = open_services(settings)
    try:
        result = search_query.search(
            services.catalog.read_engine, SearchRequest("rapid z", limit=5)
        )
    finally:
        services.close()
    assert result.truncated and len(result.files) > 1
    model = SearchResultsModel()
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    model.set_result(result)
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    # Every file with hits is listed with its count; lines only for the first five hits.
    assert model.rowCount() == 2
    grbl = model.index(0, 0)
    assert grbl.data() == "GRBL-Post"
    total = sum(f.hits for f in result.files if f.package_id == result.hits[0].package_id)
    assert model.index(0, COL_TEXT).data() == f"{total:,} hits"
    shown = [
        model.rowCount(model.index(f, 0, model.index(p, 0)))
        for p in range(model.rowCount())
        for f in range(model.rowCount(model.index(p, 0)))
    ]
    assert sum(shown) == 5 and len(shown) == len(result.files)
    model.clear()
    qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_typing_searches_once_and_a_hit_opens_at_its_line(
    qtbot: QtBot, window: MainWindow, corpus_dir: Path
) -> None:
    panel = open_panel(qtbot, window)
    finished: list[SearchResult] = []
    panel.searchFinished.connect(finished.append)
    qtbot.keyClicks(panel.query, "<G:ABSINC>")  # far faster than the 250 ms pause
    qtbot.waitUntil(lambda: len(finished) == 1, timeout=10_000)
    qtbot.wait(400)  # no second search for the same text
    assert len(finished) == 1 and finished[0].query == "<G:ABSINC>"

    expected = plain_scan(corpus_dir, NAMES, "<G:ABSINC>")
    assert [(h.package, h.file, h.line, h.text) for h in expected] == hit_rows(panel.model)
    assert panel.model.rowCount() == 2  # grouped by package
    assert f"{len(expected):,} matching lines in 2 packages" in panel.status.text()

    # Down goes to the first hit, Enter opens it at its line with the match selected.
    qtbot.keyClick(panel.query, Qt.Key.Key_Down)
    current = panel.view.currentIndex()
    hit = current.data(SearchHitRole)
    assert hit is not None and (hit.package_name, hit.line) == (
        expected[0].package,
        expected[0].line,
    )
    text_index = current.siblingAtColumn(COL_TEXT)
    assert text_index.data(MatchSpansRole) == hit.spans and hit.spans
    assert current.siblingAtColumn(COL_SECTION).data() == (hit.section or "")
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    (viewer,) = window.source_viewers.windows()
    qtbot.waitUntil(lambda: viewer.loaded is not None, timeout=10_000)
    cursor = viewer.editor.textCursor()
    assert cursor.blockNumber() + 1 == hit.line
    assert cursor.selectedText() == "<G:ABSINC>"
    assert viewer.windowTitle().startswith(f"{hit.file} - {hit.package_name}")


def test_a_new_keystroke_cancels_the_search_under_way(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first search is held in its worker until it is cancelled; the
    window keeps turning meanwhile, and only the last text's results show."""
    real_search = search_query.search
    started: list[str] = []
    cancelled: list[str] = []
    held = threading.Event()

    def held_search(engine, request, cancel=None):  # type: ignore[no-untyped-def]
        started.append(request.text)
        if request.text == "rapid":
            held.set()
            deadline = time.monotonic() + 10
            while not cancel() and time.monotonic() < deadline:
                time.sleep(0.005)
            if cancel():
                cancelled.append(request.text)
        return real_search(engine, request, cancel=cancel)

    monkeypatch.setattr(search_panel, "search", held_search)
    panel = open_panel(qtbot, window)
    finished: list[SearchResult] = []
    panel.searchFinished.connect(finished.append)
    qtbot.keyClicks(panel.query, "rapid")
    qtbot.waitUntil(held.is_set, timeout=5_000)
    ticks = []
    window.startTimer(10)
    window.timerEvent = lambda _event: ticks.append(1)  # type: ignore[method-assign]
    qtbot.wait(200)
    assert len(ticks) > 5, "the window kept turning while the search ran"
    qtbot.keyClicks(panel.query, " z")
    # The keystroke itself cancelled it, before the next search started.
    qtbot.waitUntil(lambda: cancelled == ["rapid"], timeout=2_000)
    qtbot.waitUntil(lambda: len(finished) == 1, timeout=10_000)
    assert started == ["rapid", "rapid z"]
    assert finished[0].query == "rapid z"
    qtbot.waitUntil(lambda: panel.running == 0)
    assert all("rapid z" in row[3].lower() for row in hit_rows(panel.model))


def test_cancelling_stops_a_running_query_in_sqlite(settings: Settings) -> None:
    """The worker's query itself stops: SQLite's progress handler asks cancel()."""
    from veripost_desktop.core.services import open_services

    services = open_services(settings)
    asked: list[int] = []

    def cancel() -> bool:
        asked.append(1)
        return len(asked) > 1

    try:
        with pytest.raises(VeriPostError) as caught:
            search_query.search(services.catalog.read_engine, SearchRequest("e"), cancel)
    finally:
        services.close()
    assert caught.value.error.code == ErrorCode.CANCELLED


def test_filters_and_a_bad_regex_in_the_panel(
    qtbot: QtBot, window: MainWindow, corpus_dir: Path
) -> None:
    panel = open_panel(qtbot, window)
    finished: list[SearchResult] = []
    failed: list[object] = []
    panel.searchFinished.connect(finished.append)
    panel.searchFailed.connect(failed.append)
    panel.file_type.setCurrentText("LIB")
    qtbot.keyClicks(panel.query, "calc_")
    qtbot.waitUntil(lambda: len(finished) == 1, timeout=10_000)
    expected = plain_scan(corpus_dir, NAMES, "calc_", extensions={".LIB"})
    assert [(h.package, h.file, h.line, h.text) for h in expected] == hit_rows(panel.model)

    panel.regex.setChecked(True)
    panel.query.setText("<G:8[15>")
    qtbot.waitUntil(lambda: len(failed) == 1, timeout=10_000)
    assert "regular expression is not valid" in panel.status.text()
    assert panel.model.rowCount(QModelIndex()) == 0


def test_search_in_posts_sits_in_the_edit_menu_after_find(window: MainWindow) -> None:
    edit = next(m for m in window.menuBar().findChildren(QMenu) if m.objectName() == "editMenu")
    actions = [a for a in edit.actions() if not a.isSeparator()]
    find = window.window_actions.find
    assert actions[actions.index(find) + 1] is window.search_dock.action
    assert window.search_dock.action.shortcut().toString() == "Ctrl+Shift+F"
    assert window.search_dock.action.text() == "Search in &posts..."
