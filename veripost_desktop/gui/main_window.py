"""The main window: a drop area above the package table, and the selected
package's files and details. Layout and user actions only; the work happens
in the controllers and the core."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial
from pathlib import Path

from PySide6.QtCore import (
    QItemSelection,
    QMimeData,
    QModelIndex,
    Qt,
    QTimer,
    QUrl,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QLabel,
    QMainWindow,
    QSplitter,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from veripost_desktop.core.catalog import PackageRecord, PackageStatus
from veripost_desktop.core.errors import ErrorCode, UserError
from veripost_desktop.core.services import Services
from veripost_desktop.gui import file_table_model as files
from veripost_desktop.gui import icons
from veripost_desktop.gui import package_table_model as packages
from veripost_desktop.gui.download_controller import DownloadController
from veripost_desktop.gui.drop_area import DropArea
from veripost_desktop.gui.duplicate_prompt import DuplicateChoice, ask_about_duplicates
from veripost_desktop.gui.error_dialog import Refusal, show_error, show_refusals
from veripost_desktop.gui.file_actions import FileActions
from veripost_desktop.gui.file_table_model import FileTableModel
from veripost_desktop.gui.ingestion_controller import DuplicateMatch, IngestionController
from veripost_desktop.gui.maintenance_controller import MaintenanceController
from veripost_desktop.gui.package_actions import PackageActions
from veripost_desktop.gui.package_details_pane import PackageDetailsPane, read_package_details
from veripost_desktop.gui.package_table_model import PackageTableModel
from veripost_desktop.gui.source_viewers import SourceViewers
from veripost_desktop.gui.table_views import file_table_view, package_table_view

log = logging.getLogger(__name__)

WINDOW_TITLE = "VeriPost Desktop"
ZIP_FILTER = "ZIP archives (*.zip);;All files (*)"
STATUS_MESSAGE_MS = 10_000


def local_paths(mime: QMimeData) -> list[Path]:
    """The local files in a drag; web links and the like are not ours."""
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


class MainWindow(QMainWindow):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._closed = False
        self._open_dir = Path.home()
        self.setObjectName("mainWindow")
        self.setWindowTitle(WINDOW_TITLE)
        self.setAcceptDrops(True)

        self.package_model = PackageTableModel(self, warning_lookup=services.catalog.list_warnings)
        self.file_model = FileTableModel(self)
        self.ingestion = IngestionController(services, self.package_model, self)
        pool = self.ingestion.thread_pool
        self.downloads = DownloadController(services, pool, self.ingestion.stop_requested, self)
        self.maintenance = MaintenanceController(services, self.package_model, pool, self)
        self.source_viewers = SourceViewers(services, pool, self)

        self.drop_area = DropArea(self)
        self.package_view = package_table_view(self.package_model, self)
        self.file_view = file_table_view(self.file_model, self)
        self.details_pane = PackageDetailsPane(self)
        self.package_actions = PackageActions(
            self,
            self.package_view,
            self.package_model,
            self.ingestion,
            self.maintenance,
            self.selected_package,
            self.show_status,
        )
        self.file_actions = FileActions(
            self,
            self.file_view,
            self.file_model,
            self.package_model,
            self.downloads,
            self.source_viewers,
            self.show_status,
        )
        self._build_layout()
        self._build_menu()
        self._build_toolbar()
        self._build_status_bar()
        self._connect()

        self.ingestion.load_packages()
        self.package_view.sortByColumn(packages.COL_ADDED, Qt.SortOrder.AscendingOrder)
        self.file_view.sortByColumn(files.COL_NAME, Qt.SortOrder.AscendingOrder)
        self.package_actions.update_state()
        if services.settled_at_start:
            self.statusBar().showMessage(
                f"{len(services.settled_at_start)} interrupted ingestion(s) were marked as "
                "failed; use Retry."
            )

    @property
    def services(self) -> Services:
        return self._services

    def show_status(self, text: str) -> None:
        """A passing status-bar message."""
        self.statusBar().showMessage(text, STATUS_MESSAGE_MS)

    # ---- building ----------------------------------------------------------

    def _build_layout(self) -> None:
        self.details_tabs = QTabWidget(self)
        self.details_tabs.setObjectName("packageTabs")
        self.details_tabs.addTab(self.file_view, "Files")
        self.details_tabs.addTab(self.details_pane, "Details")

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setObjectName("tableSplitter")
        splitter.addWidget(self.package_view)
        splitter.addWidget(self.details_tabs)
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
        self.add_action = QAction(icons.icon("add"), "&Add packages...", self)
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

        actions = self.package_actions
        self.package_menu = self.menuBar().addMenu("&Package")
        self.package_menu.setObjectName("packageMenu")
        self.package_menu.addActions(actions.package_actions)
        self.package_menu.addAction(actions.retry_all_action)
        self.package_menu.addSeparator()
        self.package_menu.addAction(self.file_actions.view_source_action)
        self.package_menu.addAction(self.file_actions.save_file_action)

        # "About" is added here by app.py's wiring.
        self.help_menu = self.menuBar().addMenu("&Help")
        self.help_menu.setObjectName("helpMenu")
        self.open_log_folder_action = QAction("Open &log folder", self)
        self.open_log_folder_action.setObjectName("openLogFolderAction")
        self.open_log_folder_action.triggered.connect(self.open_log_folder)
        self.help_menu.addAction(self.open_log_folder_action)

    def _build_toolbar(self) -> None:
        self.toolbar = QToolBar("Main toolbar", self)
        self.toolbar.setObjectName("mainToolBar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.setMovable(False)
        self.toolbar.addAction(self.add_action)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.file_actions.view_source_action)
        self.toolbar.addSeparator()
        self.toolbar.addActions(self.package_actions.package_actions)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)

    def _build_status_bar(self) -> None:
        self.storage_label = QLabel(f"Storage: {self._services.store.description}", self)
        self.storage_label.setObjectName("storageLabel")
        # Permanent, so passing messages ("Saved ...") never hide it.
        self.statusBar().addPermanentWidget(self.storage_label)

    def _connect(self) -> None:
        self.drop_area.clicked.connect(self.choose_packages)
        self.package_view.selectionModel().selectionChanged.connect(self._on_package_selection)
        self.package_view.doubleClicked.connect(self._on_package_double_clicked)
        self.details_pane.source_requested.connect(self.file_actions.view_by_name)
        self.package_model.dataChanged.connect(self._on_package_row_changed)
        self.ingestion.package_finished.connect(self._on_package_finished)
        self.ingestion.duplicates_found.connect(self._on_duplicates_found)
        self.ingestion.late_refusals.connect(partial(show_refusals, self))
        self.maintenance.removed.connect(self._on_package_removed)

    # ---- adding packages -------------------------------------------------

    def add_files(self, paths: Iterable[Path]) -> list[Refusal]:
        """What a drop and File > Add packages... both do."""
        refusals = self.ingestion.add_files(paths)
        if refusals:
            # Shown from the event loop, not from inside the drop: a modal
            # dialog there would freeze the application the files came from.
            QTimer.singleShot(0, self, partial(show_refusals, self, refusals))
        checking = self.ingestion.checking_count
        if checking:
            self.show_status(f"Checking {checking} ZIP(s) against the catalog...")
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

    def _on_duplicates_found(self, matches: list[DuplicateMatch]) -> None:
        self.statusBar().clearMessage()
        choice = ask_about_duplicates(self, matches)
        if choice is DuplicateChoice.ADD_AGAIN:
            show_refusals(self, self.ingestion.add_anyway(matches))
        elif choice is DuplicateChoice.GO_TO_EXISTING:
            self.select_package(matches[0].existing[0].id)
        else:
            self.statusBar().showMessage(
                f"Not added: {len(matches)} ZIP(s) already in the catalog.", STATUS_MESSAGE_MS
            )

    # ---- selection ---------------------------------------------------------

    def selected_package(self) -> PackageRecord | None:
        rows = self.package_view.selectionModel().selectedRows()
        if not rows:
            return None
        record = rows[0].data(packages.PackageRecordRole)
        return record if isinstance(record, PackageRecord) else None

    def select_package(self, package_id: str) -> bool:
        """Select a package's row and scroll to it; False if it is not listed."""
        row = self.package_model.rowForId(package_id)
        if row < 0:
            return False
        proxy = self.package_view.model()
        index = proxy.mapFromSource(self.package_model.index(row, 0))  # type: ignore[attr-defined]
        self.package_view.selectRow(index.row())
        self.package_view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def _on_package_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_package(self.selected_package())

    def _show_package(self, record: PackageRecord | None) -> None:
        if record is None:
            self.file_model.clear()
            self.details_pane.show_details(None)
        else:
            # Indexed queries on the local catalog: quick enough for the GUI thread.
            details = read_package_details(self._services.catalog, record)
            self.file_model.set_files(record.id, details.files)
            self.details_pane.show_details(details)
        self.package_actions.update_state()

    def _on_package_row_changed(self, top_left: QModelIndex, *_: object) -> None:
        record = top_left.data(packages.PackageRecordRole)
        if isinstance(record, PackageRecord) and record.id == self.file_model.package_id:
            self.details_pane.update_package(record)
            self.package_actions.update_state()

    def _on_package_finished(self, record: PackageRecord) -> None:
        if self.file_model.package_id == record.id:
            self._show_package(record)

    def _on_package_removed(self, record: PackageRecord) -> None:
        self.statusBar().showMessage(f"Removed {record.name}.", STATUS_MESSAGE_MS)

    def _on_package_double_clicked(self, index: QModelIndex) -> None:
        record = index.data(packages.PackageRecordRole)
        if isinstance(record, PackageRecord) and record.status is PackageStatus.ERROR:
            show_error(
                self,
                package_error(record),
                title="Package not added",
                subject=f"Package: {record.name}",
            )

    # ---- help --------------------------------------------------------------

    def open_log_folder(self) -> None:
        folder = self._services.settings.log_dir
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            error = UserError(
                ErrorCode.INVALID_SETTINGS,
                "The log folder cannot be created. Check the log folder setting.",
                f"{folder}: {type(exc).__name__}: {exc}",
            )
            show_error(self, error, title="Log folder not opened")
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            self.statusBar().showMessage(f"The log folder is {folder}", STATUS_MESSAGE_MS)

    # ---- closing -----------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Wait (bounded) for workers, then close the catalog. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self.source_viewers.close_all()
        self.ingestion.shutdown()
        self.maintenance.close()
        self._services.close()


def package_error(record: PackageRecord) -> UserError:
    """The error a package row carries, in the one error shape."""
    return UserError(
        code=record.error_code or ErrorCode.INTERNAL_ERROR,
        message=record.error_message or "This package could not be added.",
        detail=record.error_detail or "",
    )
