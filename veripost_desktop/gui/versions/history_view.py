"""The post's history in the Details tab: its versions, who added each and
when, the selected package marked, and *Compare with previous*.

It shows what it is given (the post's members, one indexed query made with
the rest of the details); it reads nothing itself. What changed from one
version to the next needs the similarity ranking, a scan: ``historyShown``
asks for it and ``show_changes`` fills it in when a worker has it
(``history_changes.py``). A post with one version has no history to show,
so the panel hides.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from veripost_desktop.core.catalog import PackageRecord
from veripost_desktop.core.versions import VersionEntry
from veripost_desktop.gui.versions.version_question import source_name
from veripost_desktop.gui.widgets.formatting import local_time

#: Item data: the package id of a history row.
PackageIdRole = Qt.ItemDataRole.UserRole + 1
#: Rows shown before the list scrolls.
VISIBLE_ROWS = 5
THIS_ONE = "this package"
COL_VERSION, COL_ADDED, COL_UPLOADED_BY, COL_CHANGES, COL_FROM = range(5)
HEADERS = ("Version", "Added", "Uploaded by", "Changes from the previous version", "From")
FIRST_VERSION = "first version"
READING = "..."


def change_text(entry: VersionEntry) -> str:
    """ "1 section changed (99% alike)" against the version before."""
    if entry.changed_sections is None or entry.similarity_to_previous is None:
        return FIRST_VERSION if entry.version == 1 else "not read yet"
    count = entry.changed_sections
    changed = "no section changed" if count == 0 else f"{count} section{'s' * (count != 1)} changed"
    return f"{changed} ({round(entry.similarity_to_previous * 100)}% alike)"


class PostHistoryView(QWidget):
    #: *Compare with previous*: (previous version, selected version).
    compareRequested = Signal(object, object)  # PackageRecord, PackageRecord
    #: A version was activated (double-click, Enter): show it in the table.
    packageRequested = Signal(str)
    #: A history is shown for this package: what changed is wanted.
    historyShown = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("postHistory")
        self.selected: PackageRecord | None = None
        self.members: tuple[PackageRecord, ...] = ()

        self.title = QLabel(self)
        self.title.setObjectName("postHistoryTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.compare_button = QPushButton("Compare with &previous", self)
        self.compare_button.setObjectName("compareWithPreviousButton")
        self.compare_button.setToolTip(
            "Open the compare window: the version before this one against this one"
        )
        self.compare_button.clicked.connect(self.compare_with_previous)

        self.tree = QTreeWidget(self)
        self.tree.setObjectName("postHistoryTree")
        self.tree.setColumnCount(len(HEADERS))
        self.tree.setHeaderLabels(list(HEADERS))
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setAccessibleName("Versions of this post")
        header = self.tree.header()
        for column in range(COL_FROM):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.tree.itemActivated.connect(self._on_item_activated)

        top = QHBoxLayout()
        top.addWidget(self.title, stretch=1)
        top.addWidget(self.compare_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.addLayout(top)
        layout.addWidget(self.tree)
        self.show_history(None, ())

    def previous(self) -> PackageRecord | None:
        """The version before the selected one, or None for a first version."""
        if self.selected is None:
            return None
        ids = [m.id for m in self.members]
        if self.selected.id not in ids:
            return None
        at = ids.index(self.selected.id)
        return self.members[at - 1] if at > 0 else None

    def show_history(
        self, selected: PackageRecord | None, members: Sequence[PackageRecord]
    ) -> None:
        self.selected = selected
        self.members = tuple(members)
        self.tree.clear()
        if selected is None or len(self.members) < 2:
            self.setVisible(False)
            return
        top = max(m.version_number for m in self.members)
        self.title.setText(f"Versions of this post ({top})")
        for member in self.members:
            this = member.id == selected.id
            version = f"v{member.version_number}" + (f"  ({THIS_ONE})" if this else "")
            item = QTreeWidgetItem(
                self.tree,
                [
                    version,
                    local_time(member.created_at),
                    member.uploaded_by or "",
                    FIRST_VERSION if member is self.members[0] else READING,
                    source_name(member.source_path),
                ],
            )
            item.setData(0, PackageIdRole, member.id)
            item.setToolTip(
                COL_FROM, f"{member.name}: package {member.id}\nfrom {member.source_path}"
            )
            if this:
                font = item.font(0)
                font.setBold(True)
                for column in range(len(HEADERS)):
                    item.setFont(column, font)
                self.tree.setCurrentItem(item)
        previous = self.previous()
        self.compare_button.setEnabled(previous is not None)
        self.compare_button.setToolTip(
            f"Compare v{previous.version_number} with v{selected.version_number} of this post"
            if previous is not None
            else "This is the first version: there is none before it to compare with"
        )
        rows = min(len(self.members), VISIBLE_ROWS)
        height = self.tree.header().sizeHint().height() + 2 * self.tree.frameWidth()
        self.tree.setFixedHeight(height + rows * max(self.tree.sizeHintForRow(0), 1))
        self.setVisible(True)
        self.historyShown.emit(selected.id)

    def show_changes(self, package_id: str, entries: Sequence[VersionEntry]) -> None:
        """What changed between neighbours, for the history shown for ``package_id``."""
        if self.selected is None or self.selected.id != package_id:
            return  # another package was selected meanwhile
        texts = {e.package_id: change_text(e) for e in entries}
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is not None:
                text = texts.get(str(item.data(0, PackageIdRole)))
                if text is None and item.text(COL_CHANGES) == READING:
                    text = "not known"  # the reading failed (see the log)
                if text is not None:
                    item.setText(COL_CHANGES, text)

    def compare_with_previous(self) -> None:
        previous = self.previous()
        if previous is not None and self.selected is not None:
            self.compareRequested.emit(previous, self.selected)

    def _on_item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        package_id = item.data(0, PackageIdRole)
        if package_id and (self.selected is None or package_id != self.selected.id):
            self.packageRequested.emit(str(package_id))
