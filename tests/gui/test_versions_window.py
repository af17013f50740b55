"""Versions of a post in the window: the question once dropped packages are
ready, the Version column, *Latest versions only*, and the history in Details
with *Compare with previous* (issue 13, part 4)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QPersistentModelIndex, QSettings
from PySide6.QtTest import QSignalSpy
from PySide6.QtWidgets import QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.conftest import make_package_zip
from tests.core.test_versions import edited_grbl_zip
from tests.gui.conftest import BoxScript, drop_files, package_ids, select_package, wait_for_status
from tests.gui.test_package_table_model import record
from veripost_desktop.core.catalog import PackageStatus
from veripost_desktop.core.config import Settings
from veripost_desktop.gui.packages import package_table_model as packages
from veripost_desktop.gui.packages.package_filter import PackageFilterProxy
from veripost_desktop.gui.packages.package_table_model import COL_VERSION, PackageTableModel
from veripost_desktop.gui.versions.history_view import COL_CHANGES, READING
from veripost_desktop.gui.versions.version_question import NEW_VERSION, OBJECT_NAME, SEPARATE_POST
from veripost_desktop.gui.window.main_window import MainWindow

OpenWindow = Callable[..., MainWindow]
_Button = QMessageBox.StandardButton


def version_cell(window: MainWindow, package_id: str) -> str:
    model = window.package_model
    return str(model.index(model.rowForId(package_id), COL_VERSION).data())


def drop_and_wait(qtbot: QtBot, window: MainWindow, path: Path) -> str:
    """Drop one ZIP, wait for it to end ready and for the version look-up to end."""
    before = set(package_ids(window))
    drop_files(window, [path])
    (package_id,) = set(package_ids(window)) - before
    assert wait_for_status(qtbot, window, package_id).status is PackageStatus.READY
    qtbot.waitUntil(lambda: not window.versions.busy, timeout=10_000)
    return package_id


def test_new_version_is_linked_shown_in_the_table_and_in_details(
    qtbot: QtBot,
    open_window: OpenWindow,
    local_settings: Settings,
    grbl_zip: Path,
    corpus_dir: Path,
    tmp_path: Path,
    answer_boxes: BoxScript,
) -> None:
    window = open_window(local_settings)
    first = drop_and_wait(qtbot, window, grbl_zip)
    assert not answer_boxes.named(OBJECT_NAME)  # nothing to continue yet
    assert version_cell(window, first) == ""  # a post with one version says nothing

    answer_boxes.answers[OBJECT_NAME] = _Button.Yes
    linked = QSignalSpy(window.versions.linked)
    second = drop_and_wait(qtbot, window, edited_grbl_zip(corpus_dir, tmp_path / "g2.zip"))
    qtbot.waitUntil(lambda: linked.count() == 1, timeout=10_000)
    (box,) = answer_boxes.named(OBJECT_NAME)
    assert box.icon is QMessageBox.Icon.Question
    assert set(box.buttons) >= {NEW_VERSION, SEPARATE_POST}
    assert box.text.startswith("g2.zip looks like a new version of GRBL-Post (added ")
    assert box.text.endswith("% alike). Make it version 2?")
    assert first in box.detailed_text and second in box.detailed_text

    catalog = window.services.catalog
    stored = catalog.get_package(second)
    assert (stored.post, stored.version_number) == (first, 2)
    assert version_cell(window, second) == "v2 of 2"
    assert version_cell(window, first) == "v1 of 2"

    # The history in Details, the selected version marked.
    select_package(qtbot, window, second)
    history = window.details_pane.history
    assert history.isVisibleTo(window.details_pane)
    rows = [history.tree.topLevelItem(i) for i in range(history.tree.topLevelItemCount())]
    assert [r.text(0) for r in rows if r is not None] == ["v1", "v2  (this package)"]
    assert history.title.text() == "Versions of this post (2)"
    # What changed comes from a worker (a similarity ranking per version).
    qtbot.waitUntil(lambda: rows[1] is not None and rows[1].text(COL_CHANGES) != READING)
    assert rows[0] is not None and rows[0].text(COL_CHANGES) == "first version"
    assert rows[1] is not None and rows[1].text(COL_CHANGES).startswith("1 section changed (9")
    assert history.compare_button.isEnabled()

    history.compare_button.click()
    (compare_window,) = window.compare.controller.windows()
    assert compare_window.windowTitle()  # named after the two versions
    qtbot.waitUntil(lambda: compare_window.comparison is not None, timeout=20_000)
    comparison = compare_window.comparison
    assert comparison is not None
    assert (comparison.a.package_id, comparison.b.package_id) == (first, second)
    assert 0.9 < comparison.similarity < 1.0
    compare_window.close()

    # Version 1 has none before it.
    select_package(qtbot, window, first)
    assert not history.compare_button.isEnabled()
    assert history.tree.topLevelItem(0).text(0) == "v1  (this package)"  # type: ignore[union-attr]

    # Latest versions only hides v1, and is kept with the window's layout.
    proxy = window.package_proxy
    assert proxy.rowCount() == 2
    window.search_bar.latest_only.setChecked(True)
    shown = [proxy.index(r, 0).data(packages.PackageRecordRole).id for r in range(proxy.rowCount())]
    assert shown == [second]
    assert window.search_bar.count_label.text() == "Showing 1 of 2"
    window.close()
    again = open_window(local_settings)
    assert again.search_bar.latest_only.isChecked()
    assert again.package_proxy.rowCount() == 1
    assert version_cell(again, first) == "v1 of 2"  # read back from the catalog


def test_separate_post_links_nothing(
    qtbot: QtBot,
    open_window: OpenWindow,
    local_settings: Settings,
    grbl_zip: Path,
    corpus_dir: Path,
    tmp_path: Path,
    answer_boxes: BoxScript,
) -> None:
    window = open_window(local_settings)
    first = drop_and_wait(qtbot, window, grbl_zip)
    answer_boxes.answers[OBJECT_NAME] = _Button.No
    second = drop_and_wait(qtbot, window, edited_grbl_zip(corpus_dir, tmp_path / "g2.zip"))
    qtbot.waitUntil(lambda: len(answer_boxes.named(OBJECT_NAME)) == 1, timeout=10_000)
    qtbot.waitUntil(lambda: not window.versions.busy)
    assert window.statusBar().currentMessage() == "Kept g2.zip as a post of its own."

    catalog = window.services.catalog
    for package_id in (first, second):
        stored = catalog.get_package(package_id)
        assert (stored.post, stored.version_number) == (package_id, 1)
        assert version_cell(window, package_id) == ""
    select_package(qtbot, window, second)
    assert not window.details_pane.history.isVisibleTo(window.details_pane)


def test_an_unrelated_post_asks_nothing_and_two_versions_dropped_together_ask_once(
    qtbot: QtBot,
    open_window: OpenWindow,
    local_settings: Settings,
    grbl_zip: Path,
    corpus_dir: Path,
    tmp_path: Path,
    answer_boxes: BoxScript,
) -> None:
    window = open_window(local_settings)
    drop_and_wait(
        qtbot, window, make_package_zip(corpus_dir, tmp_path / "scl.zip", "SCL-SW-GRBL-1_1")
    )
    drop_and_wait(qtbot, window, grbl_zip)  # another .SRC name: a post of its own
    assert not answer_boxes.named(OBJECT_NAME)

    # A later version and a copy renamed to the same .SRC name, in one drop:
    # one question, the later version numbered after the earlier one.
    answer_boxes.answers[OBJECT_NAME] = _Button.Yes
    g2 = edited_grbl_zip(corpus_dir, tmp_path / "g2.zip")
    g3 = edited_grbl_zip(corpus_dir, tmp_path / "g3.zip", b"G0 Z9.0")
    before = set(package_ids(window))
    drop_files(window, [g2, g3])
    new = [i for i in package_ids(window) if i not in before]  # in drop order
    for package_id in new:
        wait_for_status(qtbot, window, package_id)
    qtbot.waitUntil(lambda: len(answer_boxes.named(OBJECT_NAME)) == 1, timeout=10_000)
    qtbot.waitUntil(lambda: not window.versions.busy, timeout=10_000)
    (box,) = answer_boxes.named(OBJECT_NAME)
    assert box.text.startswith("2 of the added packages look like new versions")
    lines = box.informative_text.splitlines()
    assert lines[0].startswith("g2.zip: version 2 of GRBL-Post (added ")
    assert lines[1].startswith("g3.zip: version 3 of GRBL-Post (")  # after g2 joins
    qtbot.waitUntil(lambda: version_cell(window, new[1]) == "v3 of 3", timeout=10_000)
    assert version_cell(window, new[0]) == "v2 of 3"
    numbers = [window.services.catalog.get_package(i).version_number for i in new]
    assert numbers == [2, 3]


def test_a_copy_added_again_is_not_asked_about(
    qtbot: QtBot,
    open_window: OpenWindow,
    local_settings: Settings,
    grbl_zip: Path,
    answer_boxes: BoxScript,
) -> None:
    window = open_window(local_settings)
    drop_and_wait(qtbot, window, grbl_zip)
    answer_boxes.answers["duplicatePrompt"] = _Button.Yes  # Add again
    drop_files(window, [grbl_zip])
    qtbot.waitUntil(lambda: len(package_ids(window)) == 2, timeout=10_000)
    wait_for_status(qtbot, window, package_ids(window)[1])
    qtbot.waitUntil(lambda: not window.versions.busy, timeout=10_000)
    assert {b.object_name for b in answer_boxes.shown} == {"duplicatePrompt"}


def test_the_version_column_follows_links_and_removals(
    qtmodeltester: ModelTester, qapp: object
) -> None:
    model = PackageTableModel()
    ready = PackageStatus.READY
    model.set_packages([record(1, status=ready), record(2, status=ready), record(3)])
    qtmodeltester.check(model)
    proxy = PackageFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_latest_only(True)
    assert proxy.rowCount() == 3
    held = QPersistentModelIndex(model.index(0, packages.COL_NAME))

    changed = QSignalSpy(model.dataChanged)
    model.update_package(replace(record(2, status=ready), post_id="pkg-1", version=2))
    rows = {(changed.at(i)[0].row(), changed.at(i)[0].column()) for i in range(changed.count())}
    assert (model.rowForId("pkg-1"), COL_VERSION) in rows  # v1's "of N" changed with it
    assert [model.index(r, COL_VERSION).data() for r in range(3)] == ["v1 of 2", "v2 of 2", ""]
    assert proxy.rowCount() == 2  # v1 is hidden now

    # Sorting by Version: posts with one version first, then by number.
    model.sort(COL_VERSION)
    assert [r.id for r in model.records()] == ["pkg-3", "pkg-1", "pkg-2"]
    assert held.row() == model.rowForId("pkg-1")

    # A third version arriving from a refresh, then the second one removed.
    model.add_packages([replace(record(4, status=ready), post_id="pkg-1", version=3)])
    assert model.index(model.rowForId("pkg-1"), COL_VERSION).data() == "v1 of 3"
    assert model.remove_package("pkg-4")
    assert model.index(model.rowForId("pkg-2"), COL_VERSION).data() == "v2 of 2"
    assert model.remove_package("pkg-2")
    assert model.index(model.rowForId("pkg-1"), COL_VERSION).data() == ""
    assert proxy.rowCount() == 2


def test_latest_versions_only_is_off_unless_saved(qapp: object, tmp_path: Path) -> None:
    from veripost_desktop.gui.window.window_state import restore_flag

    qsettings = QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat)
    assert restore_flag(qsettings, "latestVersionsOnly") is False
    qsettings.setValue("window/view/latestVersionsOnly", True)
    qsettings.sync()
    reread = QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat)
    assert restore_flag(reread, "latestVersionsOnly") is True
