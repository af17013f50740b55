"""Stored files from the real window: several saved into a folder, the
whole package saved as one ZIP, object keys and SHA-256s copied, and where
the package is kept."""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QMenu, QMessageBox
from pytestqt.qtbot import QtBot

from tests.conftest import make_package_zip
from tests.gui.conftest import (
    BoxScript,
    ShownBox,
    file_row,
    ingest_before_start,
    select_package,
)
from veripost_desktop.core.catalog import PackageRecord
from veripost_desktop.core.config import Settings
from veripost_desktop.core.storage.local_store import LocalFolderStore
from veripost_desktop.gui.window.main_window import MainWindow

OpenWindow = Callable[..., MainWindow]

GRBL_FILES = ("GRBL-Post.LIB", "GRBL-Post.SRC", "GRBL-Post.ctl", "GRBL-Post.lng")


@pytest.fixture
def grbl(corpus_dir: Path, tmp_path: Path, any_settings: Settings) -> PackageRecord:
    (record,) = ingest_before_start(
        any_settings, [make_package_zip(corpus_dir, tmp_path / "GRBL-Post.zip")]
    )
    return record


def select_files(window: MainWindow, names: tuple[str, ...]) -> None:
    """Ctrl+click style: each named row added to the selection."""
    selection = window.file_view.selectionModel()
    selection.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for name in names:
        selection.select(file_row(window, name), flags)


def choose_folder(monkeypatch: pytest.MonkeyPatch, folder: Path) -> list[str]:
    asked: list[str] = []

    def fake(*args: object, **kwargs: object) -> str:
        asked.append(str(args[1]))
        return str(folder)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", fake)
    return asked


def test_save_selected_files_writes_every_one_byte_for_byte(
    qtbot: QtBot,
    open_window: OpenWindow,
    any_settings: Settings,
    grbl: PackageRecord,
    corpus_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    shown_boxes: list[ShownBox],
) -> None:
    window = open_window(any_settings)
    select_package(qtbot, window, grbl.id)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    # Every file, with the keyboard: Ctrl+A in the file table, then Ctrl+S.
    window.file_view.setFocus()
    qtbot.keyClick(window.file_view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert sorted(r.filename for r in window.file_actions.selected_files()) == sorted(GRBL_FILES)
    assert not window.file_actions.save_file_action.isEnabled()  # that one is for one file
    target = tmp_path / "saved"
    target.mkdir()
    asked = choose_folder(monkeypatch, target)
    qtbot.keyClick(window.file_view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert asked == ["Save 4 file(s) into"]
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Saved 4"))
    assert window.statusBar().currentMessage() == f"Saved 4 file(s) to {target}"
    for name in GRBL_FILES:
        assert (target / name).read_bytes() == (corpus_dir / "GRBL-Post" / name).read_bytes()
    assert sorted(p.name for p in target.iterdir()) == sorted(GRBL_FILES)  # no leftovers
    assert not shown_boxes


def test_existing_files_are_replaced_only_when_asked(
    qtbot: QtBot,
    open_window: OpenWindow,
    local_settings: Settings,
    corpus_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    answer_boxes: BoxScript,
) -> None:
    (record,) = ingest_before_start(
        local_settings, [make_package_zip(corpus_dir, tmp_path / "GRBL-Post.zip")]
    )
    window = open_window(local_settings)
    select_package(qtbot, window, record.id)
    select_files(window, ("GRBL-Post.SRC", "GRBL-Post.LIB"))
    target = tmp_path / "saved"
    target.mkdir()
    (target / "GRBL-Post.SRC").write_text("my own edits")
    choose_folder(monkeypatch, target)

    answer_boxes.answers["confirmOverwrite"] = QMessageBox.StandardButton.Cancel
    window.file_actions.save_selected_action.trigger()
    (box,) = answer_boxes.named("confirmOverwrite")
    assert str(target) in box.text and "GRBL-Post.SRC" in box.detailed_text
    assert "Replace" in box.buttons
    assert (target / "GRBL-Post.SRC").read_text() == "my own edits"
    assert not (target / "GRBL-Post.LIB").exists()

    answer_boxes.answers["confirmOverwrite"] = QMessageBox.StandardButton.Yes
    window.file_actions.save_selected_action.trigger()
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Saved 2"))
    src = (corpus_dir / "GRBL-Post" / "GRBL-Post.SRC").read_bytes()
    assert (target / "GRBL-Post.SRC").read_bytes() == src


def test_failed_files_of_a_save_are_summed_up_in_one_dialog(
    qtbot: QtBot,
    open_window: OpenWindow,
    local_settings: Settings,
    corpus_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    shown_boxes: list[ShownBox],
) -> None:
    (record,) = ingest_before_start(
        local_settings, [make_package_zip(corpus_dir, tmp_path / "GRBL-Post.zip")]
    )
    window = open_window(local_settings)
    store = window.services.store
    assert isinstance(store, LocalFolderStore)
    for name in ("GRBL-Post.SRC", "GRBL-Post.lng"):  # altered in storage
        stored = store.bucket_dir / "packages" / record.id / name
        stored.write_bytes(stored.read_bytes() + b"tampered")
    select_package(qtbot, window, record.id)
    select_files(window, GRBL_FILES)
    target = tmp_path / "saved"
    target.mkdir()
    choose_folder(monkeypatch, target)
    window.file_actions.save_selected_action.trigger()
    qtbot.waitUntil(lambda: len(shown_boxes) == 1)
    qtbot.wait(50)
    (box,) = shown_boxes
    assert box.object_name == "errorDialog" and box.title == "Files not saved"
    lines = box.text.splitlines()
    assert lines[0] == f"2 of 4 files were not saved to {target}."
    assert sum(line.endswith("(checksum_mismatch)") for line in lines) == 2
    assert "File: GRBL-Post.SRC" in box.detailed_text
    assert "File: GRBL-Post.lng" in box.detailed_text
    assert sorted(p.name for p in target.iterdir()) == ["GRBL-Post.LIB", "GRBL-Post.ctl"]
    assert window.statusBar().currentMessage() == f"Saved 2 of 4 file(s) to {target}"


def test_save_package_as_zip_holds_the_corpus_files(
    qtbot: QtBot,
    open_window: OpenWindow,
    any_settings: Settings,
    grbl: PackageRecord,
    corpus_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    shown_boxes: list[ShownBox],
) -> None:
    window = open_window(any_settings)
    select_package(qtbot, window, grbl.id)
    action = window.zip_export.action
    file_menu = window.findChild(QMenu, "fileMenu")
    assert file_menu is not None and action in file_menu.actions()
    assert action in window.package_actions.context_menu().actions()
    assert action.isEnabled()
    target = tmp_path / "exported" / "copy"  # no .zip typed: it is added

    def fake_save(*args: object, **kwargs: object) -> tuple[str, str]:
        assert str(args[2]).endswith("GRBL-Post.zip")  # the suggested name
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake_save)
    action.trigger()
    assert not action.isEnabled()  # one save of a package at a time
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Saved GRBL-Post"))
    saved = target.with_name("copy.zip")
    assert window.statusBar().currentMessage() == f"Saved GRBL-Post to {saved}"
    assert action.isEnabled()
    with zipfile.ZipFile(saved) as zf:
        assert zf.testzip() is None
        assert sorted(zf.namelist()) == sorted(GRBL_FILES)
        for name in GRBL_FILES:
            assert zf.read(name) == (corpus_dir / "GRBL-Post" / name).read_bytes()
    assert not shown_boxes
    assert [p.name for p in saved.parent.iterdir()] == ["copy.zip"]  # no temporary left


def test_copy_object_key_and_sha256(
    qtbot: QtBot,
    open_window: OpenWindow,
    local_settings: Settings,
    corpus_dir: Path,
    tmp_path: Path,
) -> None:
    (record,) = ingest_before_start(
        local_settings, [make_package_zip(corpus_dir, tmp_path / "GRBL-Post.zip")]
    )
    window = open_window(local_settings)
    select_package(qtbot, window, record.id)
    actions = window.file_actions
    menu = actions.context_menu()
    assert {actions.copy_key_action, actions.copy_sha_action} <= set(menu.actions())
    clipboard = QGuiApplication.clipboard()

    window.file_view.selectRow(file_row(window, "GRBL-Post.SRC").row())
    actions.copy_key_action.trigger()
    assert clipboard.text() == f"packages/{record.id}/GRBL-Post.SRC"
    assert window.statusBar().currentMessage() == "Copied the object key of GRBL-Post.SRC."
    actions.copy_sha_action.trigger()
    src = (corpus_dir / "GRBL-Post" / "GRBL-Post.SRC").read_bytes()
    assert clipboard.text() == hashlib.sha256(src).hexdigest()

    # Several files: one line each; SHA-256s in sha256sum's format.
    select_files(window, ("GRBL-Post.LIB", "GRBL-Post.SRC"))
    actions.copy_sha_action.trigger()
    lib = (corpus_dir / "GRBL-Post" / "GRBL-Post.LIB").read_bytes()
    assert clipboard.text().splitlines() == [
        f"{hashlib.sha256(lib).hexdigest()}  GRBL-Post.LIB",
        f"{hashlib.sha256(src).hexdigest()}  GRBL-Post.SRC",
    ]
    actions.copy_key_action.trigger()
    assert clipboard.text().splitlines() == [
        f"packages/{record.id}/GRBL-Post.LIB",
        f"packages/{record.id}/GRBL-Post.SRC",
    ]
    QApplication.processEvents()


def test_the_files_tab_says_where_the_package_is_stored(
    qtbot: QtBot, open_window: OpenWindow, any_settings: Settings, grbl: PackageRecord
) -> None:
    window = open_window(any_settings)
    label = window.findChild(QLabel, "storageLocationLabel")
    assert label is not None
    description = window.services.store.description
    assert label.text() == f"Storage: {description}"
    select_package(qtbot, window, grbl.id)
    assert label.text() == f"Stored in {description}, under packages/{grbl.id}/"
    assert label.isVisibleTo(window)
