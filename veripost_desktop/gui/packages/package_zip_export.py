"""Package > Save package as ZIP...: the stored files of a ready package,
written into one ZIP on a worker (``core.downloads.export_package_zip``:
every file's SHA-256 checked on the way, the ZIP moved into place only when
all matched)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QWidget

from veripost_desktop.core.catalog import PackageRecord, PackageStatus
from veripost_desktop.core.errors import UserError
from veripost_desktop.gui.files.download_controller import DownloadController
from veripost_desktop.gui.widgets.error_dialog import show_error

ZIP_FILTER = "ZIP archives (*.zip)"


class SaveFolder(Protocol):
    """Where the last save went (``FileActions`` keeps it for files and packages)."""

    save_dir: Path


class PackageZipExport(QObject):
    def __init__(
        self,
        parent: QWidget,
        downloads: DownloadController,
        selected_package: Callable[[], PackageRecord | None],
        save_folder: SaveFolder,
        show_status: Callable[[str], None],
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self._downloads = downloads
        self._selected_package = selected_package
        self._save_folder = save_folder
        self._status = show_status
        self._saving: set[str] = set()

        self.action = QAction("Save package as &ZIP...", self)
        self.action.setObjectName("savePackageZipAction")
        self.action.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.action.setToolTip(
            "Save every stored file of the selected package into one ZIP, checked byte for "
            "byte (Ctrl+Shift+S)"
        )
        self.action.triggered.connect(self.save_selected)
        downloads.package_saved.connect(self._on_saved)
        downloads.package_save_progress.connect(self._on_progress)
        downloads.package_save_failed.connect(self._on_failed)
        self.update_state()

    def update_state(self, *_: object) -> None:
        record = self._selected_package()
        self.action.setEnabled(
            record is not None
            and record.status is PackageStatus.READY
            and record.id not in self._saving
        )

    def save_selected(self) -> None:
        record = self._selected_package()
        if record is None or record.status is not PackageStatus.READY:
            return
        name, _ = QFileDialog.getSaveFileName(
            self._parent,
            "Save package as ZIP",
            str(self._save_folder.save_dir / f"{record.name}.zip"),
            ZIP_FILTER,
        )
        if not name:
            return
        destination = Path(name)
        if destination.suffix.casefold() != ".zip":
            destination = destination.with_name(destination.name + ".zip")
        self._save_folder.save_dir = destination.parent
        self._saving.add(record.id)
        self.update_state()
        self._status(f"Saving {record.name} as {destination.name}...")
        self._downloads.save_package_zip(record, destination)

    def _on_progress(self, record: PackageRecord, done: int, total: int) -> None:
        if total > 0:
            self._status(f"Saving {record.name} as a ZIP... {done * 100 // total}%")

    def _on_saved(self, record: PackageRecord, path: Path) -> None:
        self._saving.discard(record.id)
        self.update_state()
        self._status(f"Saved {record.name} to {path}")

    def _on_failed(self, record: PackageRecord, error: UserError) -> None:
        self._saving.discard(record.id)
        self.update_state()
        self._status("")
        show_error(
            self._parent, error, title="Package ZIP not saved", subject=f"Package: {record.name}"
        )
