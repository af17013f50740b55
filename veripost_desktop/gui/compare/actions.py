"""Package > Compare (two selected packages), Compare with ZIP... and Find
similar posts, as QActions for the Package menu and the package table's
context menu. Their enabled state follows the table's selection."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QTableView, QWidget

from veripost_desktop.core.catalog import PackageRecord, PackageStatus
from veripost_desktop.gui.compare.controller import CompareController
from veripost_desktop.gui.packages.package_table_model import PackageRecordRole
from veripost_desktop.gui.widgets.action_factory import make_action

ZIP_FILTER = "ZIP archives (*.zip);;All files (*)"


class CompareActions(QObject):
    def __init__(self, parent: QWidget, view: QTableView, controller: CompareController) -> None:
        super().__init__(parent)
        self._parent = parent
        self._view = view
        self.controller = controller
        self.open_dir = Path.home()

        self.compare_action = make_action(
            self,
            "comparePackagesAction",
            "Com&pare",
            "Compare the two selected packages section by section (Ctrl+D); "
            "select two with Ctrl or Shift",
            "Ctrl+D",
        )
        self.compare_zip_action = make_action(
            self,
            "compareWithZipAction",
            "Compare with &ZIP...",
            "Compare the selected package with a post processor ZIP, read but not stored",
        )
        self.similar_action = make_action(
            self,
            "findSimilarPostsAction",
            "Find simi&lar posts",
            "List the other packages by how many sections they share with the selected one",
        )
        self.compare_action.triggered.connect(self.compare_selected)
        self.compare_zip_action.triggered.connect(self.compare_with_zip)
        self.similar_action.triggered.connect(self.find_similar)
        view.selectionModel().selectionChanged.connect(self.update_state)
        view.model().dataChanged.connect(self.update_state)  # a row became ready
        view.model().modelReset.connect(self.update_state)
        self.update_state()

    @property
    def actions(self) -> list[QAction]:
        return [self.compare_action, self.compare_zip_action, self.similar_action]

    def selected_records(self) -> list[PackageRecord]:
        """The selected packages, oldest first (A is the earlier one)."""
        records = [
            index.data(PackageRecordRole) for index in self._view.selectionModel().selectedRows()
        ]
        found = [r for r in records if isinstance(r, PackageRecord)]
        return sorted(found, key=lambda r: (r.created_at, r.id))

    def update_state(self, *_: object) -> None:
        records = self.selected_records()
        ready = [r for r in records if r.status is PackageStatus.READY]
        self.compare_action.setEnabled(len(records) == 2 and len(ready) == 2)
        one_ready = len(records) == 1 and len(ready) == 1
        self.compare_zip_action.setEnabled(one_ready)
        self.similar_action.setEnabled(one_ready)

    def compare_selected(self) -> None:
        records = self.selected_records()
        if len(records) != 2 or not self.compare_action.isEnabled():
            return
        a, b = records
        self.controller.compare(a.id, b.id, a.name, b.name)

    def compare_with_zip(self) -> None:
        records = self.selected_records()
        if len(records) != 1 or not self.compare_zip_action.isEnabled():
            return
        (record,) = records
        name, _ = QFileDialog.getOpenFileName(
            self._parent, f"Compare {record.name} with ZIP", str(self.open_dir), ZIP_FILTER
        )
        if not name:
            return
        path = Path(name)
        self.open_dir = path.parent
        self.controller.compare(record.id, str(path), record.name, path.name)

    def find_similar(self) -> None:
        records = self.selected_records()
        if len(records) == 1 and self.similar_action.isEnabled():
            self.controller.find_similar(records[0].id, records[0].name)
