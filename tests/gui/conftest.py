"""GUI test helpers: the real main window, real drop events, dialogs captured
by patching ``QMessageBox.exec`` / ``QFileDialog`` so nothing blocks.

QT_QPA_PLATFORM=offscreen is set by the shared ``tests/conftest.py`` before
Qt is imported.
"""

from __future__ import annotations

import socket
import struct
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QTableView, QWidget
from pytestqt.qtbot import QtBot

from veripost_desktop.app import create_main_window
from veripost_desktop.core.catalog import PackageRecord, PackageStatus
from veripost_desktop.core.config import Settings
from veripost_desktop.core.services import open_services
from veripost_desktop.gui.files import file_table_model as files
from veripost_desktop.gui.packages import package_table_model as packages
from veripost_desktop.gui.window.main_window import MainWindow

INGEST_TIMEOUT_MS = 20_000


@pytest.fixture(autouse=True)
def own_qsettings(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """This test's own QSettings folder: the window saves its layout (and the
    Settings dialog its values) on close, and the next test must not start
    from them. Afterwards an empty folder takes its place."""
    folder = tmp_path / "qsettings"
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield folder
    QSettings.setPath(
        QSettings.Format.IniFormat,
        QSettings.Scope.UserScope,
        str(tmp_path_factory.mktemp("qsettings-after")),
    )


@dataclass(frozen=True)
class ShownBox:
    """What a person would have seen in a QMessageBox."""

    object_name: str
    title: str
    icon: QMessageBox.Icon
    text: str
    informative_text: str
    detailed_text: str

    @property
    def everything(self) -> str:
        return "\n".join((self.text, self.informative_text, self.detailed_text))


@pytest.fixture
def shown_boxes(monkeypatch: pytest.MonkeyPatch) -> list[ShownBox]:
    """Every QMessageBox.exec() call, recorded instead of blocking."""
    boxes: list[ShownBox] = []

    def fake_exec(box: QMessageBox) -> int:
        boxes.append(
            ShownBox(
                box.objectName(),
                box.windowTitle(),
                box.icon(),
                box.text(),
                box.informativeText(),
                box.detailedText(),
            )
        )
        return int(QMessageBox.StandardButton.Ok)

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    return boxes


@dataclass(frozen=True)
class AnsweredBox(ShownBox):
    buttons: tuple[str, ...] = ()
    answer: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok


@dataclass
class BoxScript:
    """Scripted answers for QMessageBox.exec(), by the box's object name."""

    shown: list[AnsweredBox]
    answers: dict[str, QMessageBox.StandardButton]

    def named(self, object_name: str) -> list[AnsweredBox]:
        return [b for b in self.shown if b.object_name == object_name]


@pytest.fixture
def answer_boxes(monkeypatch: pytest.MonkeyPatch) -> BoxScript:
    """Like ``shown_boxes``, but each box is answered with the button set in
    ``script.answers[object_name]`` (default: Ok), and the texts of its
    buttons are recorded."""
    script = BoxScript([], {})

    def fake_exec(box: QMessageBox) -> int:
        answer = script.answers.get(box.objectName(), QMessageBox.StandardButton.Ok)
        script.shown.append(
            AnsweredBox(
                box.objectName(),
                box.windowTitle(),
                box.icon(),
                box.text(),
                box.informativeText(),
                box.detailedText(),
                tuple(b.text() for b in box.buttons()),
                answer,
            )
        )
        return int(answer.value)

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    return script


@pytest.fixture
def open_window(qtbot: QtBot) -> Iterator[Callable[..., MainWindow]]:
    """Build (and show) the real main window; closed at the end of the test.
    It returns once the start-up check for interrupted ingestions (on a
    worker) has ended, unless ``settled=False``."""
    windows: list[MainWindow] = []

    def _open(settings: Settings | None, *, settled: bool = True) -> MainWindow:
        window = create_main_window(settings)
        qtbot.addWidget(window)
        window.resize(1000, 650)
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
        if settled:
            qtbot.waitUntil(lambda: window.settled_at_start is not None, timeout=10_000)
        return window

    yield _open
    for window in windows:
        window.close()


def drop_files(target: QWidget, paths: Sequence[Path]) -> QDropEvent:
    """A real drag-enter + drop of local files onto ``target``, as a file
    manager would deliver it."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = QPointF(target.width() / 2, target.height() / 2)
    enter_args = (
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    try:
        enter = QDragEnterEvent(pos, *enter_args)  # type: ignore[call-overload]
    except TypeError:  # PySide6 before 6.12 takes only a QPoint here
        enter = QDragEnterEvent(pos.toPoint(), *enter_args)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted(), "the window refused the drag"
    drop = QDropEvent(
        pos,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(target, drop)
    return drop


def package_ids(window: MainWindow) -> list[str]:
    return [r.id for r in window.package_model.records()]


def wait_for_status(
    qtbot: QtBot,
    window: MainWindow,
    package_id: str,
    statuses: Sequence[PackageStatus] = (PackageStatus.READY, PackageStatus.ERROR),
    timeout: int = INGEST_TIMEOUT_MS,
) -> PackageRecord:
    def reached() -> bool:
        record = window.package_model.record(package_id)
        return record is not None and record.status in statuses

    qtbot.waitUntil(reached, timeout=timeout)
    # ...and the controller has taken the worker's final report.
    qtbot.waitUntil(lambda: window.ingestion.active_count == 0, timeout=timeout)
    record = window.package_model.record(package_id)
    assert record is not None
    return record


def proxy_index(view: QTableView, source_row: int, column: int = 0) -> QModelIndex:
    proxy = view.model()
    source = proxy.sourceModel()  # type: ignore[attr-defined]
    return proxy.mapFromSource(source.index(source_row, column))  # type: ignore[attr-defined]


def select_package(qtbot: QtBot, window: MainWindow, package_id: str) -> None:
    row = window.package_model.rowForId(package_id)
    assert row >= 0
    window.package_view.selectRow(proxy_index(window.package_view, row).row())
    qtbot.waitUntil(lambda: window.file_model.package_id == package_id)


def double_click(qtbot: QtBot, view: QTableView, index: QModelIndex) -> None:
    view.scrollTo(index)
    pos = view.visualRect(index).center()
    # A real double-click is press, release, then the double-click press; item
    # views only report doubleClicked for the index the first press hit.
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def file_row(window: MainWindow, filename: str) -> QModelIndex:
    row = window.file_model.rowForName(filename)
    assert row >= 0, f"{filename} not in the file table"
    return proxy_index(window.file_view, row, files.COL_NAME)


def package_row(window: MainWindow, package_id: str) -> QModelIndex:
    row = window.package_model.rowForId(package_id)
    assert row >= 0
    return proxy_index(window.package_view, row, packages.COL_NAME)


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ingest_before_start(settings: Settings, zips: Sequence[Path]) -> list[PackageRecord]:
    """Ingest ZIPs with the core alone (as the CLI would), before a window opens."""
    services = open_services(settings)
    try:
        records = []
        for path in zips:
            outcome = services.pipeline.ingest(path)
            assert outcome.package is not None, outcome.error
            records.append(outcome.package)
        return records
    finally:
        services.close()


def crc_broken_zip(corpus: Path, path: Path, package: str = "SCL-SW-GRBL-1_1") -> Path:
    """A package ZIP that passes the drop-time check (its central directory is
    fine) but whose .SRC bytes fail their CRC when ingestion reads them."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for member in sorted((corpus / package).iterdir()):
            zf.write(member, f"{package}/{member.name}")
        info = next(i for i in zf.infolist() if i.filename.upper().endswith(".SRC"))
    data = bytearray(path.read_bytes())
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_len + extra_len
    data[start + 100] ^= 0xFF
    path.write_bytes(bytes(data))
    return path
