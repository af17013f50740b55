"""The main window: a drop area above the package table and the selected
package's files. Layout and user actions only; the work happens in the
controllers and the core."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial
from pathlib import Path

from PySide6.QtCore import (
    QItemSelection,
    QMimeData,
    QModelIndex,
    QSortFilterProxyModel,
    QStandardPaths,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from veripost_desktop.core.catalog import FileRecord, PackageRecord, PackageStatus
from veripost_desktop.core.errors import ErrorCode, UserError
from veripost_desktop.core.services import Services
from veripost_desktop.gui import file_table_model as files
from veripost_desktop.gui import package_table_model as packages
from veripost_desktop.gui.download_controller import DownloadController
from veripost_desktop.gui.download_worker import SavedFile
from veripost_desktop.gui.drop_area import DropArea
from veripost_desktop.gui.error_dialog import Refusal, show_error, show_refusals
from veripost_desktop.gui.file_table_model import FileTableModel
from veripost_desktop.gui.ingestion_controller import IngestionController
from veripost_desktop.gui.package_table_model import PackageTableModel

log = logging.getLogger(__name__)

WINDOW_TITLE = "VeriPost Desktop"
ZIP_FILTER = "ZIP archives (*.zip);;All files (*)"
STATUS_MESSAGE_MS = 10_000


def local_paths(mime: QMimeData) -> list[Path]:
    """The local files in a drag; web links and the like are not ours."""
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


def default_save_dir() -> Path:
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DownloadLocation)
    return Path(location) if location else Path.home()


class MainWindow(QMainWindow):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._closed = False
        self._open_dir = Path.home()
        self._save_dir = default_save_dir()
        self.setObjectName("mainWindow")
        self.setWindowTitle(WINDOW_TITLE)
        self.setAcceptDrops(True)

        self.package_model = PackageTableModel(self)
        self.file_model = FileTableModel(self)
        self.ingestion = IngestionController(services, self.package_model, self)
        self.downloads = DownloadController(
            services, self.ingestion.thread_pool, self.ingestion.stop_requested, self
        )

        self.drop_area = DropArea(self)
        self.package_view = _table_view("packageTable", self.package_model, packages.SortRole, self)
        self.file_view = _table_view("fileTable", self.file_model, files.SortRole, self)
        self._build_layout()
        self._build_menu()
        self._build_status_bar()
        self._size_columns()
        self._connect()

        self.ingestion.load_packages()
        self.package_view.sortByColumn(packages.COL_ADDED, Qt.SortOrder.AscendingOrder)
        self.file_view.sortByColumn(files.COL_NAME, Qt.SortOrder.AscendingOrder)

    @property
    def services(self) -> Services:
        return self._services

    # ---- building ----------------------------------------------------------

    def _build_layout(self) -> None:
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setObjectName("tableSplitter")
        splitter.addWidget(self.package_view)
        splitter.addWidget(self.file_view)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.addWidget(self.drop_area)
        layout.addWidget(splitter, stretch=1)
        self.setCentralWidget(central)

    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu("&File")
        self.add_action = QAction("&Add packages...", self)
        self.add_action.setObjectName("addPackagesAction")
        self.add_action.setShortcut(QKeySequence("Ctrl+O"))
        self.add_action.triggered.connect(self.choose_packages)
        menu.addAction(self.add_action)
        menu.addSeparator()
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setObjectName("quitAction")
        # Spelled out: QKeySequence.Quit is empty on Windows.
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.close)
        menu.addAction(self.quit_action)

    def _build_status_bar(self) -> None:
        self.storage_label = QLabel(f"Storage: {self._services.store.description}", self)
        self.storage_label.setObjectName("storageLabel")
        # Permanent, so passing messages ("Saved ...") never hide it.
        self.statusBar().addPermanentWidget(self.storage_label)

    def _size_columns(self) -> None:
        header = self.package_view.horizontalHeader()
        header.setSectionResizeMode(packages.COL_NAME, QHeaderView.ResizeMode.Stretch)
        for column in (packages.COL_PACKAGE_ID, packages.COL_JOB_ID):
            self.package_view.setColumnWidth(column, 150)
        self.package_view.setColumnWidth(packages.COL_STATUS, 110)
        self.package_view.setColumnWidth(packages.COL_ADDED, 130)
        for column in (packages.COL_FILES, packages.COL_SIZE, packages.COL_SECTIONS):
            self.package_view.setColumnWidth(column, 75)
        file_header = self.file_view.horizontalHeader()
        file_header.setSectionResizeMode(files.COL_NAME, QHeaderView.ResizeMode.Stretch)
        file_header.setSectionResizeMode(files.COL_SHA256, QHeaderView.ResizeMode.ResizeToContents)
        self.file_view.setColumnWidth(files.COL_TYPE, 70)
        self.file_view.setColumnWidth(files.COL_SIZE, 90)

    def _connect(self) -> None:
        self.drop_area.clicked.connect(self.choose_packages)
        self.package_view.selectionModel().selectionChanged.connect(self._on_package_selection)
        self.package_view.doubleClicked.connect(self._on_package_double_clicked)
        self.file_view.doubleClicked.connect(self._on_file_double_clicked)
        self.ingestion.package_finished.connect(self._on_package_finished)
        self.downloads.saved.connect(self._on_saved)
        self.downloads.failed.connect(self._on_download_failed)

    # ---- adding packages -------------------------------------------------

    def add_files(self, paths: Iterable[Path]) -> list[Refusal]:
        """What a drop and File > Add packages... both do."""
        refusals = self.ingestion.add_files(paths)
        if refusals:
            # Shown from the event loop, not from inside the drop: a modal
            # dialog there would freeze the application the files came from.
            QTimer.singleShot(0, self, partial(show_refusals, self, refusals))
        return refusals

    def choose_packages(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, "Add packages", str(self._open_dir), ZIP_FILTER
        )
        if names:
            paths = [Path(n) for n in names]
            self._open_dir = paths[0].parent
            self.add_files(paths)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if local_paths(event.mimeData()):
            event.acceptProposedAction()
            self.drop_area.set_drag_active(True)
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if local_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.drop_area.set_drag_active(False)
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:
        self.drop_area.set_drag_active(False)
        paths = local_paths(event.mimeData())
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.add_files(paths)

    # ---- selection and double-clicks ---------------------------------------

    def selected_package(self) -> PackageRecord | None:
        rows = self.package_view.selectionModel().selectedRows()
        if not rows:
            return None
        record = rows[0].data(packages.PackageRecordRole)
        return record if isinstance(record, PackageRecord) else None

    def _on_package_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_files(self.selected_package())

    def _show_files(self, record: PackageRecord | None) -> None:
        if record is None:
            self.file_model.clear()
            return
        # One indexed query on the local catalog: quick enough for the GUI thread.
        self.file_model.set_files(record.id, self._services.catalog.list_files(record.id))

    def _on_package_finished(self, record: PackageRecord) -> None:
        if self.file_model.package_id == record.id:
            self._show_files(record)

    def _on_package_double_clicked(self, index: QModelIndex) -> None:
        record = index.data(packages.PackageRecordRole)
        if isinstance(record, PackageRecord) and record.status is PackageStatus.ERROR:
            show_error(
                self,
                package_error(record),
                title="Package not added",
                subject=f"Package: {record.name}",
            )

    def _on_file_double_clicked(self, index: QModelIndex) -> None:
        record = index.data(files.FileRecordRole)
        if not isinstance(record, FileRecord):
            return
        name, _ = QFileDialog.getSaveFileName(
            self, "Save file", str(self._save_dir / record.filename)
        )
        if not name:
            return
        destination = Path(name)
        self._save_dir = destination.parent
        self.statusBar().showMessage(f"Saving {record.filename}...")
        self.downloads.download(record.package_id, record.filename, destination)

    def _on_saved(self, saved: SavedFile) -> None:
        self.statusBar().showMessage(f"Saved {saved.filename} to {saved.path}", STATUS_MESSAGE_MS)

    def _on_download_failed(self, error: UserError) -> None:
        self.statusBar().clearMessage()
        show_error(self, error, title="File not saved")

    # ---- closing -----------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Wait (bounded) for workers, then close the catalog. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self.ingestion.shutdown()
        self._services.close()


def package_error(record: PackageRecord) -> UserError:
    """The error a package row carries, in the one error shape."""
    return UserError(
        code=record.error_code or ErrorCode.INTERNAL_ERROR,
        message=record.error_message or "This package could not be added.",
        detail=record.error_detail or "",
    )


def _table_view(
    object_name: str,
    model: packages.PackageTableModel | files.FileTableModel,
    sort_role: int,
    parent: QWidget,
) -> QTableView:
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(sort_role)
    view = QTableView(parent)
    view.setObjectName(object_name)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    view.horizontalHeader().setHighlightSections(False)
    return view
