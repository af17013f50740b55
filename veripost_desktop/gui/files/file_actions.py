"""What a person does with stored files: view a source, save a copy, save
several into a folder, copy a file's object key or SHA-256.

Double-click saves a copy (as it always has); Enter, the context menu, the
Package menu and the toolbar view the source. Saving and viewing run on
workers: a save through ``DownloadController``, a view through ``SourceViewers``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QModelIndex, QObject, QPoint, QStandardPaths, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QTableView, QWidget

from veripost_desktop.core.catalog import FileRecord
from veripost_desktop.core.errors import UserError
from veripost_desktop.gui.files.download_controller import DownloadBatch, DownloadController
from veripost_desktop.gui.files.download_worker import SavedFile
from veripost_desktop.gui.files.file_table_model import FileRecordRole, FileTableModel
from veripost_desktop.gui.packages.package_table_model import PackageTableModel
from veripost_desktop.gui.source.open_source_windows import SourceViewers, is_viewable
from veripost_desktop.gui.widgets.action_factory import make_action
from veripost_desktop.gui.widgets.error_dialog import failures_box, show_error

CONFIRM_OVERWRITE = "confirmOverwrite"

_Button = QMessageBox.StandardButton


def default_save_dir() -> Path:
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DownloadLocation)
    return Path(location) if location else Path.home()


def sha256_lines(records: list[FileRecord]) -> str:
    """One file: its SHA-256. Several: ``sha256sum`` lines, so the copy can check files."""
    if len(records) == 1:
        return records[0].sha256
    return "\n".join(f"{r.sha256}  {r.filename}" for r in records)


def confirm_overwrite(parent: QWidget, folder: Path, existing: list[str]) -> bool:
    box = QMessageBox(parent)
    box.setObjectName(CONFIRM_OVERWRITE)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Replace files?")
    count = len(existing)
    box.setText(
        f"{count} of the files {'is' if count == 1 else 'are'} already in {folder}. "
        "Replace them with the stored copies?"
    )
    box.setDetailedText("\n".join(existing))
    box.setStandardButtons(_Button.Yes | _Button.Cancel)
    replace = box.button(_Button.Yes)
    if replace is not None:
        replace.setText("Replace")
    box.setDefaultButton(_Button.Cancel)
    try:
        return box.exec() == _Button.Yes
    finally:
        box.deleteLater()


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

        self.view_source_action = make_action(
            self,
            "viewSourceAction",
            "View s&ource",
            "Show the selected file, read-only (Enter)",
            icon="view-source",
        )
        self.view_source_action.triggered.connect(self.view_selected)
        self.save_file_action = make_action(
            self,
            "saveFileAction",
            "&Save a copy...",
            "Save the selected file, checked byte for byte",
            icon="download",
        )
        self.save_file_action.triggered.connect(self.save_selected)
        self.save_selected_action = make_action(
            self,
            "saveSelectedFilesAction",
            "Save selected &files...",
            "Save every selected file into a folder, each checked byte for byte (Ctrl+S)",
            shortcut="Ctrl+S",
        )
        self.save_selected_action.triggered.connect(self.save_selected_files)
        self.copy_key_action = make_action(
            self,
            "copyObjectKeyAction",
            "Copy object &key",
            "Copy where the selected files are kept in storage",
        )
        self.copy_key_action.triggered.connect(self.copy_object_keys)
        self.copy_sha_action = make_action(
            self, "copySha256Action", "Copy &SHA-256", "Copy the SHA-256 of the selected files"
        )
        self.copy_sha_action.triggered.connect(self.copy_sha256)

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
        downloads.batch_finished.connect(self._on_batch_finished)
        viewers.failed.connect(self._on_view_failed)
        self.update_state()

    # ---- selection -----------------------------------------------------------

    def selected_files(self) -> list[FileRecord]:
        """The selected files, in the order the table shows them."""
        rows = sorted(self._view.selectionModel().selectedRows(), key=QModelIndex.row)
        records = [index.data(FileRecordRole) for index in rows]
        return [r for r in records if isinstance(r, FileRecord)]

    def selected(self) -> FileRecord | None:
        """The one file an action for one file acts on: the current row if it
        is selected, else the first selected."""
        current = self._view.currentIndex()
        if current.isValid() and self._view.selectionModel().isRowSelected(current.row()):
            record = current.siblingAtColumn(0).data(FileRecordRole)
            if isinstance(record, FileRecord):
                return record
        files = self.selected_files()
        return files[0] if files else None

    def update_state(self, *_: object) -> None:
        files = self.selected_files()
        one = self.selected() if len(files) >= 1 else None
        self.view_source_action.setEnabled(one is not None and is_viewable(one))
        self.save_file_action.setEnabled(len(files) == 1)
        self.save_selected_action.setEnabled(bool(files))
        self.copy_key_action.setEnabled(bool(files))
        self.copy_sha_action.setEnabled(bool(files))

    # ---- context menu ------------------------------------------------------

    def context_menu(self) -> QMenu:
        menu = QMenu(self._parent)
        menu.setObjectName("fileContextMenu")
        menu.addAction(self.view_source_action)
        menu.addAction(self.save_file_action)
        menu.addAction(self.save_selected_action)
        menu.addSeparator()
        menu.addAction(self.copy_key_action)
        menu.addAction(self.copy_sha_action)
        return menu

    def _on_context_menu(self, pos: QPoint) -> None:
        index = self._view.indexAt(pos)
        if not index.isValid():
            return
        if not self._view.selectionModel().isRowSelected(index.row()):
            self._view.selectRow(index.row())  # keep a multiple selection it is part of
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

    # ---- copying -----------------------------------------------------------

    def copy_object_keys(self) -> None:
        files = self.selected_files()
        if files:
            QGuiApplication.clipboard().setText("\n".join(r.object_key for r in files))
            self._status(self._copied("object key", files))

    def copy_sha256(self) -> None:
        files = self.selected_files()
        if files:
            QGuiApplication.clipboard().setText(sha256_lines(files))
            self._status(self._copied("SHA-256", files))

    @staticmethod
    def _copied(what: str, files: list[FileRecord]) -> str:
        if len(files) == 1:
            return f"Copied the {what} of {files[0].filename}."
        return f"Copied the {what} of {len(files)} files."

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

    def save_selected_files(self) -> None:
        files = self.selected_files()
        if not files:
            return
        chosen = QFileDialog.getExistingDirectory(
            self._parent, f"Save {len(files)} file(s) into", str(self.save_dir)
        )
        if not chosen:
            return
        folder = Path(chosen)
        existing = [r.filename for r in files if (folder / r.filename).exists()]
        if existing and not confirm_overwrite(self._parent, folder, existing):
            return
        self.save_dir = folder
        self._status(f"Saving {len(files)} file(s) to {folder}...")
        self._downloads.download_many(files[0].package_id, [r.filename for r in files], folder)

    def _on_saved(self, saved: SavedFile) -> None:
        self._status(f"Saved {saved.filename} to {saved.path}")

    def _on_save_failed(self, error: UserError) -> None:
        self._status("")
        show_error(self._parent, error, title="File not saved")

    def _on_batch_finished(self, batch: DownloadBatch) -> None:
        saved = len(batch.saved)
        if not batch.failures:
            self._status(f"Saved {saved} file(s) to {batch.folder}")
            return
        self._status(f"Saved {saved} of {saved + len(batch.failures)} file(s) to {batch.folder}")
        box = failures_box(
            self._parent,
            "Files not saved",
            f"{len(batch.failures)} of {saved + len(batch.failures)} files were not saved "
            f"to {batch.folder}.",
            [(f"File: {f.filename}", f.error) for f in batch.failures],
        )
        try:
            box.exec()
        finally:
            box.deleteLater()
