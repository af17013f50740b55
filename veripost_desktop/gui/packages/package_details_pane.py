"""What the parser read of the selected package: machine, controller,
sections per file, library references and warnings; and the versions of
its post (``versions/history_view.py``).

``read_package_details`` gathers it from the catalog (four indexed queries
on the local SQLite file: quick enough for the GUI thread, as the file list
is); ``PackageDetailsPane`` shows it. Activating a warning or a library
reference that names a line asks for the source viewer there.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from veripost_desktop.core.catalog import Catalog, FileRecord, PackageRecord, PackageStatus
from veripost_desktop.core.catalog.records import LibraryRefRecord, WarningRecord
from veripost_desktop.core.versions import post_members
from veripost_desktop.gui.packages.package_table_model import warning_location
from veripost_desktop.gui.versions.history_view import PostHistoryView

NO_SELECTION = "Select a package to see what was read from it."
NOT_PARSED = "not parsed yet"

#: Item data: (file name, line) of the source a tree row points at.
LocationRole = Qt.ItemDataRole.UserRole + 1

_MISSING_BRUSH = QBrush(QColor(176, 0, 32))
_MUTED_BRUSH = QBrush(QColor(128, 128, 128))


@dataclass(frozen=True)
class PackageDetails:
    package: PackageRecord
    files: tuple[FileRecord, ...]
    library_refs: tuple[LibraryRefRecord, ...]
    warnings: tuple[WarningRecord, ...]
    # The versions of its post, in order (itself alone for a post of its own).
    versions: tuple[PackageRecord, ...] = ()


def read_package_details(catalog: Catalog, record: PackageRecord) -> PackageDetails:
    return PackageDetails(
        record,
        tuple(catalog.list_files(record.id)),
        tuple(catalog.list_library_refs(record.id)),
        tuple(catalog.list_warnings(record.id)),
        tuple(post_members(catalog, record.post)),
    )


def file_sections_text(record: FileRecord) -> str:
    """ "81 active (7 calc, 74 template), 44 commented out" for a parsed source."""
    if record.sections_active is None:
        return ""
    text = f"{record.sections_active} active sections"
    kinds = []
    if record.sections_calc:
        kinds.append(f"{record.sections_calc} calc")
    if record.sections_template:
        kinds.append(f"{record.sections_template} template")
    if kinds:
        text += f" ({', '.join(kinds)})"
    if record.sections_commented_out:
        text += f", {record.sections_commented_out} commented out"
    return text


def library_state(ref: LibraryRefRecord) -> str:
    if ref.is_master:
        return "master library (installed with UPG-2, not part of the package)"
    if ref.found is None:
        return "not checked"
    return "found in the package" if ref.found else "MISSING from the package"


def post_text(record: PackageRecord) -> str:
    if record.post_name and record.post_extension:
        ext = record.post_extension
        return f"{record.post_name} (.{ext.lstrip('.')})"
    return record.post_name or record.post_extension or ""


class PackageDetailsPane(QWidget):
    #: A row naming a source line was activated: file name, line (1-based).
    source_requested = Signal(str, int)

    FIELDS = ("Name", "Status", "Machine", "Controller", "System", "Post", "Sections")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("packageDetails")
        self.details: PackageDetails | None = None
        self._values: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name in self.FIELDS:
            label = QLabel(self)
            label.setObjectName(f"details{name}")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self._values[name] = label
            form.addRow(f"{name}:", label)

        self.tree = QTreeWidget(self)
        self.tree.setObjectName("detailsTree")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Item", "Details", "Where"])
        self.tree.setUniformRowHeights(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setWordWrap(False)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.tree.itemActivated.connect(self._on_item_activated)
        self.history = PostHistoryView(self)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.history)
        layout.addWidget(self.tree, stretch=1)
        self.show_details(None)

    # ---- what tests and the window read ----------------------------------

    def field_text(self, name: str) -> str:
        return self._values[name].text()

    def group(self, title_start: str) -> QTreeWidgetItem | None:
        """The top-level group whose title starts with ``title_start``."""
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is not None and item.text(0).startswith(title_start):
                return item
        return None

    # ---- showing ---------------------------------------------------------

    def show_details(self, details: PackageDetails | None) -> None:
        self.details = details
        self.tree.clear()
        if details is None:
            self.history.show_history(None, ())
            for label in self._values.values():
                label.clear()
            self._values["Name"].setText(NO_SELECTION)
            return
        self.history.show_history(details.package, details.versions)
        self.update_package(details.package)
        self._add_files(details.files)
        self._add_library_refs(details.library_refs)
        self._add_warnings(details.warnings)
        self.tree.expandAll()

    def update_package(self, record: PackageRecord) -> None:
        """Refresh the summary fields (a status change) without re-reading the lists."""
        parsed = record.warning_count is not None
        muted = "" if parsed or record.status is not PackageStatus.READY else NOT_PARSED
        values = {
            "Name": record.name,
            "Status": record.status.value,
            "Machine": record.machine or muted,
            "Controller": record.controller or muted,
            "System": record.system or muted,
            "Post": post_text(record) or muted,
            "Sections": "" if record.section_count is None else str(record.section_count),
        }
        for name, value in values.items():
            self._values[name].setText(value)
        if record.status is PackageStatus.ERROR and record.error_message:
            self._values["Status"].setText(f"error: {record.error_message}")

    def _add_files(self, files: tuple[FileRecord, ...]) -> None:
        group = self._group(f"Files ({len(files)})")
        for record in files:
            self._child(group, record.filename, file_sections_text(record), "")

    def _add_library_refs(self, refs: tuple[LibraryRefRecord, ...]) -> None:
        missing = sum(1 for r in refs if r.found is False and not r.is_master)
        title = f"Library references ({len(refs)}" + (f", {missing} missing)" if missing else ")")
        group = self._group(title)
        for ref in refs:
            item = self._child(
                group, ref.file_name, library_state(ref), f"{ref.from_file}:{ref.line}"
            )
            item.setToolTip(0, ref.raw)
            item.setData(0, LocationRole, (ref.from_file, ref.line))
            if ref.found is False and not ref.is_master:
                item.setForeground(1, _MISSING_BRUSH)
            elif ref.is_master:
                item.setForeground(1, _MUTED_BRUSH)

    def _add_warnings(self, warnings: tuple[WarningRecord, ...]) -> None:
        group = self._group(f"Warnings ({len(warnings)})")
        for warning in warnings:
            item = self._child(group, warning.code, warning.text, warning_location(warning))
            item.setToolTip(1, warning.text)
            if warning.filename and warning.line is not None:
                item.setData(0, LocationRole, (warning.filename, warning.line))

    def _group(self, title: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self.tree, [title])
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        item.setFirstColumnSpanned(True)
        return item

    @staticmethod
    def _child(group: QTreeWidgetItem, name: str, detail: str, where: str) -> QTreeWidgetItem:
        return QTreeWidgetItem(group, [name, detail, where])

    def _on_item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        location = item.data(0, LocationRole)
        if location:
            filename, line = location
            self.source_requested.emit(str(filename), int(line))
