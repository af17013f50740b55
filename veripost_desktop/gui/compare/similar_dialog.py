"""*Find similar posts*: the other ready packages ranked by how many of their
sections equal the chosen package's, each a *Compare* away. How an engineer
finds which base template a customer's post was made from."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from veripost_desktop.core.compare import SimilarPost
from veripost_desktop.core.errors import UserError
from veripost_desktop.gui.compare import similar_model as similar


class SimilarPostsDialog(QDialog):
    """Non-modal. ``compareRequested(package_id)`` asks for the chosen package
    compared with that one; closing emits ``closed``."""

    compareRequested = Signal(str)
    closed = Signal()

    def __init__(self, package_id: str, package_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("similarPostsDialog")
        self.setWindowTitle(f"Posts similar to {package_name}")
        self.setModal(False)
        self.package_id = package_id
        self.package_name = package_name
        self.posts: list[SimilarPost] | None = None  # None while ranking

        self.model = similar.SimilarPostsModel(self)
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.model)
        proxy.setSortRole(similar.SortRole)
        self.proxy = proxy
        self.table = QTableView(self)
        self.table.setObjectName("similarPostsTable")
        self.table.setAccessibleName(f"Packages similar to {package_name}")
        self.table.setModel(proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setHighlightSections(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(similar.COL_NAME, QHeaderView.ResizeMode.Stretch)
        for column in (similar.COL_SIMILARITY, similar.COL_UNCHANGED, similar.COL_CHANGED):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.status = QLabel(f"Ranking the packages against {package_name}...", self)
        self.status.setObjectName("similarPostsStatus")
        self.status.setWordWrap(True)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.compare_button = QPushButton("&Compare", self)
        self.compare_button.setObjectName("similarCompareButton")
        self.compare_button.setToolTip(
            f"Open the compare window: {package_name} against the selected package "
            "(or double-click a row)"
        )
        self.compare_button.setEnabled(False)
        self.compare_button.setDefault(True)  # Enter on a row compares it
        buttons.addButton(self.compare_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.table, stretch=1)
        layout.addWidget(buttons)

        self.compare_button.clicked.connect(self.compare_selected)
        self.table.doubleClicked.connect(self._on_double_clicked)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.resize(640, 420)

    def show_posts(self, posts: Sequence[SimilarPost]) -> None:
        self.posts = list(posts)
        self.model.set_posts(self.posts)
        self.table.sortByColumn(similar.COL_SIMILARITY, Qt.SortOrder.DescendingOrder)
        if self.posts:
            count = len(self.posts)
            packages = "package" if count == 1 else "packages"
            self.status.setText(
                f"{count} other ready {packages}, most similar to {self.package_name} "
                "first. Compare (or double-click) shows what differs."
            )
            self.table.selectRow(0)
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.status.setText("There is no other ready package to compare with.")
        self._update_buttons()

    def show_failure(self, error: UserError) -> None:
        self.status.setText(f"The packages could not be ranked: {error.message}")

    def selected_post(self) -> SimilarPost | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        post = rows[0].data(similar.SimilarPostRole)
        return post if post is not None else None

    def compare_selected(self) -> None:
        post = self.selected_post()
        if post is not None:
            self.compareRequested.emit(post.package_id)

    def _on_double_clicked(self, index: QModelIndex) -> None:
        post = index.data(similar.SimilarPostRole)
        if post is not None:
            self.compareRequested.emit(post.package_id)

    def _update_buttons(self, *_: object) -> None:
        self.compare_button.setEnabled(self.selected_post() is not None)

    def done(self, result: int) -> None:
        # Escape, the Close button and close() all end here.
        super().done(result)
        self.closed.emit()
