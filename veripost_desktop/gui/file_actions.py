"""What a person does with a stored file: view its source, or save a copy.

Double-click saves a copy (as it always has); Enter, the context menu, the
Package menu and the toolbar view the source. Both run on workers: a save
through ``DownloadController``, a view through ``SourceViewers``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QModelIndex, QObject, QPoint, QStandardPaths, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QFileDialog, QMenu, QTableView, QWidget

from veripost_desktop.core.catalog import FileRecord
from veripost_desktop.core.errors import UserError
from veripost_desktop.gui import icons
from veripost_desktop.gui.download_controller import DownloadController
from veripost_desktop.gui.download_worker import SavedFile
from veripost_desktop.gui.error_dialog import show_error
from veripost_desktop.gui.file_table_model import FileRecordRole, FileTableModel
from veripost_desktop.gui.package_table_model import PackageTableModel
from veripost_desktop.gui.source_viewers import SourceViewers, is_viewable


def default_save_dir() -> Path:
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DownloadLocation)
    return Path(location) if location else Path.home()


class FileActions(QObject):
    def __init__(
        self,
        parent: QWidget,
        view: QTableView,
        model: FileTableModel,
        packages: PackageTableModel,
        downloads: DownloadController,
        viewers: SourceViewers,
        show_status: Callable[[str], None],
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self._view = view
        self._model = model
        self._packages = packages
        self._downloads = downloads
        self._viewers = viewers
        self._status = show_status
        self.save_dir = default_save_dir()

        self.view_source_action = QAction(icons.icon("view-source"), "&View source", self)
        self.view_source_action.setObjectName("viewSourceAction")
        self.view_source_action.setToolTip("Show the selected file, read-only (Enter)")
        self.view_source_action.triggered.connect(self.view_selected)
        self.save_file_action = QAction(icons.icon("download"), "&Save a copy...", self)
        self.save_file_action.setObjectName("saveFileAction")
        self.save_file_action.setToolTip("Save the selected file, checked byte for byte")
        self.save_file_action.triggered.connect(self.save_selected)

        view.doubleClicked.connect(self._on_double_clicked)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._on_context_menu)
        view.selectionModel().selectionChanged.connect(self.update_state)
        model.modelReset.connect(self.update_state)
        # Enter views (an item view's own Enter only emits "activated", which a
        # double-click emits as well: it would both save and view).
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), view)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.view_selected)
        downloads.saved.connect(self._on_saved)
        downloads.failed.connect(self._on_save_failed)
        viewers.failed.connect(self._on_view_failed)
        self.update_state()

    def selected(self) -> FileRecord | None:
        rows = self._view.selectionModel().selectedRows()
        record = rows[0].data(FileRecordRole) if rows else None
        return record if isinstance(record, FileRecord) else None

    def update_state(self, *_: object) -> None:
        file = self.selected()
        self.view_source_action.setEnabled(file is not None and is_viewable(file))
        self.save_file_action.setEnabled(file is not None)

    def context_menu(self) -> QMenu:
        menu = QMenu(self._parent)
        menu.setObjectName("fileContextMenu")
        menu.addAction(self.view_source_action)
        menu.addAction(self.save_file_action)
        return menu

    def _on_context_menu(self, pos: QPoint) -> None:
        index = self._view.indexAt(pos)
        if not index.isValid():
            return
        self._view.selectRow(index.row())
        menu = self.context_menu()
        menu.exec(self._view.viewport().mapToGlobal(pos))
        menu.deleteLater()

    # ---- viewing -----------------------------------------------------------

    def view_selected(self) -> None:
        file = self.selected()
        if file is not None and is_viewable(file):
            self.view_source(file)

    def view_source(self, file: FileRecord, line: int | None = None) -> None:
        package = self._packages.record(file.package_id)
        self._viewers.open(package.name if package else file.package_id, file, line)

    def view_by_name(self, filename: str, line: int) -> None:
        """Open a file of the shown package at ``line`` (a warning's location)."""
        row = self._model.rowForName(filename)
        if row >= 0:
            self.view_source(self._model.records()[row], line)

    def _on_view_failed(self, filename: str, error: UserError) -> None:
        show_error(self._parent, error, title="File not shown", subject=f"File: {filename}")

    # ---- saving ------------------------------------------------------------

    def _on_double_clicked(self, index: QModelIndex) -> None:
        record = index.data(FileRecordRole)
        if isinstance(record, FileRecord):
            self.save(record)

    def save_selected(self) -> None:
        record = self.selected()
        if record is not None:
            self.save(record)

    def save(self, record: FileRecord) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self._parent, "Save file", str(self.save_dir / record.filename)
        )
        if not name:
            return
        destination = Path(name)
        self.save_dir = destination.parent
        self._status(f"Saving {record.filename}...")
        self._downloads.download(record.package_id, record.filename, destination)

    def _on_saved(self, saved: SavedFile) -> None:
        self._status(f"Saved {saved.filename} to {saved.path}")

    def _on_save_failed(self, error: UserError) -> None:
        self._status("")
        show_error(self._parent, error, title="File not saved")
