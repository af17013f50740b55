"""Drop a real corpus ZIP on the real window and watch it become ``ready``."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from tests.conftest import make_package_zip
from tests.gui.conftest import (
    ShownBox,
    double_click,
    drop_files,
    file_row,
    package_ids,
    select_package,
    wait_for_status,
)
from veripost_desktop.core.catalog import Catalog, PackageStatus
from veripost_desktop.core.config import Settings
from veripost_desktop.gui.files import file_table_model as files
from veripost_desktop.gui.packages import package_table_model as packages
from veripost_desktop.gui.window.main_window import MainWindow

OpenWindow = Callable[[Settings | None], MainWindow]

GRBL_FILES = ("GRBL-Post.LIB", "GRBL-Post.SRC", "GRBL-Post.ctl", "GRBL-Post.lng")


def test_drop_ingests_to_ready_and_lists_files(
    qtbot: QtBot,
    open_window: OpenWindow,
    any_settings: Settings,
    grbl_zip: Path,
    corpus_dir: Path,
    shown_boxes: list[ShownBox],
) -> None:
    window = open_window(any_settings)
    assert window.storage_label.text() == f"Storage: {window.services.store.description}"
    expected_store = "MinIO" if any_settings.uses_s3 else "Local folder"
    assert window.storage_label.text().startswith(f"Storage: {expected_store}")

    model = window.package_model
    statuses_seen: list[str] = []
    model.dataChanged.connect(
        lambda top, _bottom, *_: statuses_seen.append(top.siblingAtColumn(1).data())
    )
    with qtbot.assertNotEmitted(model.modelReset), qtbot.assertNotEmitted(model.layoutChanged):
        drop_files(window.drop_area, [grbl_zip])

        # The row is there at once, pending, with its ids.
        (package_id,) = package_ids(window)
        row = model.rowForId(package_id)
        first = model.index(row, 0).data(packages.PackageRecordRole)
        assert first.status is PackageStatus.PENDING and first.job_id
        assert model.index(row, packages.COL_STATUS).data() == "pending"
        assert model.index(row, packages.COL_PACKAGE_ID).data() == package_id
        assert model.index(row, packages.COL_JOB_ID).data() == first.job_id

        record = wait_for_status(qtbot, window, package_id)
    assert statuses_seen[0] == "validating" and statuses_seen[-1] == "ready"
    assert record.status is PackageStatus.READY, record.error_detail
    assert model.index(row, packages.COL_STATUS).data() == "ready"
    assert model.index(row, packages.COL_FILES).data() == "4"
    assert not shown_boxes

    select_package(qtbot, window, package_id)
    shown = {r.filename: r for r in window.file_model.records()}
    assert sorted(shown) == sorted(GRBL_FILES)
    for name in GRBL_FILES:
        data = (corpus_dir / "GRBL-Post" / name).read_bytes()
        index = file_row(window, name)
        proxy = window.file_view.model()
        assert index.data() == name
        size_cell = proxy.index(index.row(), files.COL_SIZE)
        assert size_cell.data(files.SortRole) == len(data)
        assert size_cell.data()  # human-readable text
        sha_cell = proxy.index(index.row(), files.COL_SHA256)
        assert sha_cell.data() == hashlib.sha256(data).hexdigest()
        assert proxy.index(index.row(), files.COL_TYPE).data() == name.rsplit(".", 1)[1].upper()


def test_double_click_saves_a_file_byte_for_byte(
    qtbot: QtBot,
    open_window: OpenWindow,
    any_settings: Settings,
    grbl_zip: Path,
    corpus_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    shown_boxes: list[ShownBox],
) -> None:
    window = open_window(any_settings)
    drop_files(window.package_view.viewport(), [grbl_zip])  # the tables take drops too
    (package_id,) = package_ids(window)
    assert wait_for_status(qtbot, window, package_id).status is PackageStatus.READY
    select_package(qtbot, window, package_id)

    target = tmp_path / "saved" / "copy.SRC"
    target.parent.mkdir()
    asked: list[str] = []

    def fake_save(parent: object, caption: str, start: str = "", *_: object) -> tuple[str, str]:
        asked.append(start)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake_save)
    double_click(qtbot, window.file_view, file_row(window, "GRBL-Post.SRC"))

    qtbot.waitUntil(target.exists, timeout=10_000)
    assert target.read_bytes() == (corpus_dir / "GRBL-Post" / "GRBL-Post.SRC").read_bytes()
    assert Path(asked[0]).name == "GRBL-Post.SRC"
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Saved"))
    assert window.statusBar().currentMessage() == f"Saved GRBL-Post.SRC to {target}"
    assert not shown_boxes
    assert not list(target.parent.glob("*.part"))


def test_cancelled_save_dialog_downloads_nothing(
    qtbot: QtBot,
    open_window: OpenWindow,
    local_settings: Settings,
    grbl_zip: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = open_window(local_settings)
    drop_files(window, [grbl_zip])
    (package_id,) = package_ids(window)
    wait_for_status(qtbot, window, package_id)
    select_package(qtbot, window, package_id)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    double_click(qtbot, window.file_view, file_row(window, "GRBL-Post.LIB"))
    assert window.downloads.active_count == 0


def test_add_packages_menu_does_what_a_drop_does(
    qtbot: QtBot,
    open_window: OpenWindow,
    local_settings: Settings,
    corpus_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    zips = [
        make_package_zip(corpus_dir, tmp_path / "a.zip", "GRBL-Post"),
        make_package_zip(corpus_dir, tmp_path / "b.zip", "SCL-SW-GRBL-1_1", folder=""),
    ]
    calls: list[tuple[str, str]] = []

    def fake_open(parent: object, caption: str, start: str, filters: str) -> tuple[list[str], str]:
        calls.append((caption, filters))
        return [str(z) for z in zips], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", fake_open)
    window = open_window(local_settings)
    assert window.add_action.text() == "&Add packages..."
    assert window.add_action.shortcut().toString() == "Ctrl+O"
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"
    window.add_action.trigger()

    assert calls == [("Add packages", "ZIP archives (*.zip);;All files (*)")]
    ids = package_ids(window)
    assert len(ids) == 2
    names = set()
    for package_id in ids:
        record = wait_for_status(qtbot, window, package_id)
        assert record.status is PackageStatus.READY, record.error_detail
        names.add(record.name)
    assert names == {"GRBL-Post", "SCL-SW-GRBL-1_1"}


def test_existing_packages_load_at_start(
    qtbot: QtBot, open_window: OpenWindow, local_settings: Settings, grbl_zip: Path
) -> None:
    first = open_window(local_settings)
    drop_files(first, [grbl_zip])
    (package_id,) = package_ids(first)
    wait_for_status(qtbot, first, package_id)
    first.close()

    second = open_window(local_settings)
    assert package_ids(second) == [package_id]
    loaded = second.package_model.record(package_id)
    assert loaded is not None and loaded.status is PackageStatus.READY


def test_closing_waits_for_running_ingestions(
    qtbot: QtBot, open_window: OpenWindow, local_settings: Settings, grbl_zip: Path
) -> None:
    window = open_window(local_settings)
    drop_files(window, [grbl_zip, grbl_zip])
    assert len(package_ids(window)) == 2
    window.close()  # straight away: no row may be left half-way in the catalog

    catalog = Catalog(local_settings.resolved_catalog_path)
    try:
        statuses = {p.status for p in catalog.list_packages()}
    finally:
        catalog.close()
    assert statuses <= {PackageStatus.READY, PackageStatus.ERROR}
