"""The two tables of the main window, each a QTableView over a proxy. The
file table's proxy sorts; the package table's only filters
(``package_filter.py``) and hands the header's sort to the package model,
which sorts its records by key: 10,000 rows in milliseconds."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from veripost_desktop.gui.files import file_table_model as files
from veripost_desktop.gui.packages import package_table_model as packages
from veripost_desktop.gui.packages.package_filter import PackageFilterProxy
from veripost_desktop.gui.packages.progress_delegate import ProgressDelegate


def package_table_view(model: packages.PackageTableModel, parent: QWidget) -> QTableView:
    view = table_view("packageTable", model, packages.SortRole, parent, PackageFilterProxy(parent))
    view.setAccessibleName("Packages")
    # Two packages can be selected (Ctrl / Shift) to compare them; actions on
    # one package act on the first selected.
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setAccessibleDescription(
        "Every package in the catalog with its status; the selected package's files and "
        "details are shown below. The context menu key lists what can be done with it."
    )
    # A bar in the Status cell while a package is stored.
    view.setItemDelegateForColumn(packages.COL_STATUS, ProgressDelegate(view))
    # Twelve columns do not leave a stretching Name column room to be read:
    # it keeps its width and the last column takes up what is left.
    view.horizontalHeader().setStretchLastSection(True)
    for column, spec in enumerate(packages.COLUMNS):
        view.setColumnWidth(column, spec.width)
    # Version is the model's last column (saved layouts keep their indexes)
    # but reads with the name: "GRBL-Post  v2 of 3". A layout saved before
    # the column existed restores with it last.
    header = view.horizontalHeader()
    header.moveSection(header.visualIndex(packages.COL_VERSION), packages.COL_NAME + 1)
    # Who added a package matters more to a team than its ids: before them.
    header.moveSection(
        header.visualIndex(packages.COL_UPLOADED_BY), header.visualIndex(packages.COL_PACKAGE_ID)
    )
    return view


def file_table_view(model: files.FileTableModel, parent: QWidget) -> QTableView:
    view = table_view("fileTable", model, files.SortRole, parent)
    view.setAccessibleName("Stored files")
    view.setAccessibleDescription(
        "The files of the selected package. Enter views a file's source; Shift or Ctrl "
        "with the arrow keys selects several to save together."
    )
    # Several files can be saved at once ("Save selected files...").
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    header = view.horizontalHeader()
    header.setSectionResizeMode(files.COL_NAME, QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(files.COL_SHA256, QHeaderView.ResizeMode.ResizeToContents)
    view.setColumnWidth(files.COL_TYPE, 70)
    view.setColumnWidth(files.COL_SIZE, 90)
    return view


def table_view(
    object_name: str,
    model: QAbstractItemModel,
    sort_role: int,
    parent: QWidget,
    proxy: QSortFilterProxyModel | None = None,
) -> QTableView:
    proxy = proxy if proxy is not None else QSortFilterProxyModel(parent)
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
