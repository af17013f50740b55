"""The entry points: ``create_main_window``, ``main`` and ``python -m``."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QSplitter, QTableView
from pytestqt.qtbot import QtBot

from tests.gui.conftest import ShownBox
from veripost_desktop import __version__, app
from veripost_desktop.app import create_main_window
from veripost_desktop.core.config import Settings
from veripost_desktop.gui.drops.drop_area import DropArea
from veripost_desktop.gui.window.main_window import MainWindow


def test_create_main_window_reads_the_environment(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VERIPOST_DATA_DIR", str(tmp_path / "env-data"))
    monkeypatch.setenv("VERIPOST_INGEST_WORKERS", "2")
    window = create_main_window()
    qtbot.addWidget(window)
    try:
        assert not window.isVisible()
        assert window.windowTitle() == "VeriPost Desktop"
        assert window.services.settings.data_dir == tmp_path / "env-data"
        assert window.ingestion.thread_pool.maxThreadCount() == 2
        assert (tmp_path / "env-data" / "catalog.sqlite3").exists()

        table = window.findChild(QTableView, "packageTable")
        assert table is window.package_view
        assert window.findChild(QTableView, "fileTable") is window.file_view
        drop_area = window.findChild(DropArea, "dropArea")
        assert drop_area is not None and drop_area.text() == "Drop post processor ZIPs here"
        label = window.findChild(QLabel, "storageLabel")
        assert label is not None
        assert label.text() == f"Storage: {window.services.store.description}"
        assert label.text().startswith(f"Storage: Local folder {tmp_path / 'env-data'}")
        splitter = window.findChild(QSplitter, "tableSplitter")
        assert splitter is not None and splitter.count() == 2
        proxy = table.model()
        headers = [
            proxy.headerData(c, Qt.Orientation.Horizontal) for c in range(proxy.columnCount())
        ]
        assert headers == [
            "Name",
            "Status",
            "Warnings",
            "Machine",
            "Controller",
            "System",
            "Files",
            "Size",
            "Sections",
            "Package ID",
            "Job ID",
            "Added",
            "Uploaded by",
            "Version",
        ]
        assert window.acceptDrops()
    finally:
        window.close()


def test_main_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert app.main(["--version"]) == 0
    assert capsys.readouterr().out == f"veripost {__version__}\n"


def test_main_shows_the_window_and_runs_the_loop(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VERIPOST_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(app, "setup_logging", lambda settings: None)  # keep pytest's capture
    seen: list[MainWindow] = []

    def close_it() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible():
                seen.append(widget)
                widget.close()

    QTimer.singleShot(200, close_it)
    assert app.main([]) == 0
    assert len(seen) == 1
    seen[0].deleteLater()


def test_python_dash_m_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "veripost_desktop", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == f"veripost {__version__}"


def test_main_shows_bad_settings_in_the_error_shape(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, shown_boxes: list[ShownBox]
) -> None:
    monkeypatch.setenv("VERIPOST_INGEST_WORKERS", "lots")
    assert app.main([]) == 1
    (box,) = shown_boxes
    assert box.object_name == "errorDialog"
    assert "Error code: invalid_settings" in box.text
    assert "ingest_workers" in box.detailed_text


def test_setup_logging_writes_the_log_file_without_secrets(tmp_path: Path) -> None:
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    settings = Settings(
        data_dir=tmp_path / "data",
        log_dir=tmp_path / "logs",
        s3_endpoint="http://127.0.0.1:9",
        s3_secret_key="hunter2-secret",  # type: ignore[arg-type]
    )
    try:
        app.setup_logging(settings)
        logging.getLogger("veripost_desktop.test").warning("key is hunter2-secret, visible?")
        for handler in root.handlers:
            handler.flush()
        # This process's own file (veripost-<start>-<pid>.log), no other.
        (log_file,) = (tmp_path / "logs").glob("veripost-*.log")
        assert log_file.name.endswith(f"-{os.getpid()}.log")
        text = log_file.read_text(encoding="utf-8")
        assert "visible?" in text
        assert "hunter2-secret" not in text
    finally:
        for handler in list(root.handlers):
            if handler not in before:
                root.removeHandler(handler)
                handler.close()
        root.setLevel(level)
