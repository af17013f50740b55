"""Package > Find similar posts: the other ready packages ranked by the
engine, each a Compare (or double-click) away from the compare window."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.conftest import make_package_zip
from tests.gui.conftest import double_click, ingest_before_start, select_package
from veripost_desktop.core.catalog import PackageRecord
from veripost_desktop.core.compare import rank_similar
from veripost_desktop.core.config import Settings
from veripost_desktop.gui.compare import similar_model as similar
from veripost_desktop.gui.compare.similar_dialog import SimilarPostsDialog
from veripost_desktop.gui.window.main_window import MainWindow

OpenWindow = Callable[..., MainWindow]


def shop_copy_zip(corpus: Path, work: Path) -> Path:
    """GRBL-Post renamed by a shop, its .LIB left out: the same .SRC text."""
    folder = work / "RSCNC32-Shop"
    folder.mkdir()
    for path in (corpus / "GRBL-Post").iterdir():
        if path.suffix.upper() != ".LIB":
            target = folder / path.name.replace("GRBL-Post", "RSCNC32-Shop")
            target.write_bytes(path.read_bytes())
    return make_package_zip(work, work / "RSCNC32-Shop.zip", "RSCNC32-Shop")


@pytest.fixture
def three_posts(local_settings: Settings, corpus_dir: Path, tmp_path: Path) -> Settings:
    zips = [
        make_package_zip(corpus_dir, tmp_path / f"{name}.zip", name)
        for name in ("GRBL-Post", "SCL-SW-GRBL-1_1")
    ]
    ingest_before_start(local_settings, [*zips, shop_copy_zip(corpus_dir, tmp_path)])
    return local_settings


def record_named(window: MainWindow, name: str) -> PackageRecord:
    (record,) = [r for r in window.package_model.records() if r.name == name]
    return record


def open_similar(qtbot: QtBot, window: MainWindow, name: str) -> SimilarPostsDialog:
    select_package(qtbot, window, record_named(window, name).id)
    assert window.compare.similar_action.isEnabled()
    window.compare.similar_action.trigger()
    (dialog,) = window.compare.controller.dialogs()
    assert dialog.windowTitle() == f"Posts similar to {name}"
    assert not dialog.isModal()
    qtbot.waitUntil(lambda: dialog.posts is not None, timeout=20_000)
    return dialog


def shown_rows(dialog: SimilarPostsDialog) -> list[tuple[str, str, str, str]]:
    proxy = dialog.table.model()
    return [
        tuple(proxy.index(r, c).data() for c in range(proxy.columnCount()))
        for r in range(proxy.rowCount())
    ]


def test_the_dialog_lists_the_engine_ranking_most_similar_first(
    qtbot: QtBot, open_window: OpenWindow, three_posts: Settings, qtmodeltester: ModelTester
) -> None:
    window = open_window(three_posts)
    dialog = open_similar(qtbot, window, "GRBL-Post")
    qtmodeltester.check(dialog.model)
    ranked = rank_similar(window.services.catalog, record_named(window, "GRBL-Post").id)
    assert len(ranked) == 2  # every other ready package
    assert shown_rows(dialog) == [
        (
            p.name,
            f"{round(p.similarity * 100)}%",
            str(p.unchanged_sections),
            str(p.changed_sections),
        )
        for p in ranked
    ]
    # The shop's copy has GRBL-Post's .SRC: it ranks above the fork.
    assert [row[0] for row in shown_rows(dialog)] == ["RSCNC32-Shop", "SCL-SW-GRBL-1_1"]
    assert dialog.compare_button.isEnabled()  # the first row is selected
    assert "2 other ready packages, most similar to GRBL-Post first" in dialog.status.text()
    # Enter compares the selected row (Compare is the default button).
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    (compare,) = window.compare.controller.windows()
    qtbot.waitUntil(lambda: compare.comparison is not None, timeout=20_000)
    assert compare.comparison is not None and compare.comparison.b.name == "RSCNC32-Shop"
    # Asking again raises the same dialog.
    window.compare.similar_action.trigger()
    assert window.compare.controller.dialogs() == [dialog]


def test_double_click_and_compare_open_the_compare_window_for_the_pair(
    qtbot: QtBot, open_window: OpenWindow, three_posts: Settings
) -> None:
    window = open_window(three_posts)
    dialog = open_similar(qtbot, window, "GRBL-Post")
    controller = window.compare.controller

    proxy = dialog.table.model()
    double_click(qtbot, dialog.table, proxy.index(1, similar.COL_NAME))
    (first,) = controller.windows()
    qtbot.waitUntil(lambda: first.comparison is not None, timeout=20_000)
    assert first.comparison is not None
    assert (first.comparison.a.name, first.comparison.b.name) == ("GRBL-Post", "SCL-SW-GRBL-1_1")

    dialog.table.selectRow(0)
    dialog.compare_button.click()
    assert len(controller.windows()) == 2  # several compare windows may be open
    second = controller.windows()[1]
    qtbot.waitUntil(lambda: second.comparison is not None, timeout=20_000)
    assert second.comparison is not None
    assert second.comparison.b.name == "RSCNC32-Shop"
    assert second.comparison.a.package_id == dialog.package_id

    qtbot.keyClick(dialog.table, Qt.Key.Key_Escape)
    assert controller.dialogs() == []
    assert len(controller.windows()) == 2  # the compare windows stay


def test_a_post_with_no_other_ready_package_says_so(
    qtbot: QtBot,
    open_window: OpenWindow,
    local_settings: Settings,
    corpus_dir: Path,
    tmp_path: Path,
) -> None:
    ingest_before_start(
        local_settings, [make_package_zip(corpus_dir, tmp_path / "GRBL-Post.zip", "GRBL-Post")]
    )
    window = open_window(local_settings)
    dialog = open_similar(qtbot, window, "GRBL-Post")
    assert dialog.posts == []
    assert dialog.status.text() == "There is no other ready package to compare with."
    assert not dialog.compare_button.isEnabled()
