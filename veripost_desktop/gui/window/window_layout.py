"""Where the main window's widgets sit: the drop area on top, then a splitter
with the search bar and package table above the selected package's Files
and Details tabs; and the keyboard's tab order through them."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QTableView, QTabWidget, QVBoxLayout, QWidget

from veripost_desktop.gui.drops.drop_area import DropArea
from veripost_desktop.gui.packages.package_details_pane import PackageDetailsPane
from veripost_desktop.gui.packages.package_search_bar import PackageSearchBar


@dataclass(frozen=True)
class WindowLayout:
    central: QWidget
    splitter: QSplitter
    details_tabs: QTabWidget


def build_layout(
    parent: QWidget,
    drop_area: DropArea,
    search_bar: PackageSearchBar,
    package_view: QTableView,
    storage_location: QLabel,
    file_view: QTableView,
    details_pane: PackageDetailsPane,
) -> WindowLayout:
    files_tab = QWidget(parent)
    files_layout = QVBoxLayout(files_tab)
    files_layout.setContentsMargins(0, 4, 0, 0)
    files_layout.addWidget(storage_location)
    files_layout.addWidget(file_view, stretch=1)
    details_tabs = QTabWidget(parent)
    details_tabs.setObjectName("packageTabs")
    details_tabs.addTab(files_tab, "Files")
    details_tabs.addTab(details_pane, "Details")

    packages_box = QWidget(parent)
    packages_layout = QVBoxLayout(packages_box)
    packages_layout.setContentsMargins(0, 0, 0, 0)
    packages_layout.addWidget(search_bar)
    packages_layout.addWidget(package_view, stretch=1)

    splitter = QSplitter(Qt.Orientation.Vertical, parent)
    splitter.setObjectName("tableSplitter")
    splitter.addWidget(packages_box)
    splitter.addWidget(details_tabs)
    splitter.setChildrenCollapsible(False)
    splitter.setStretchFactor(0, 3)
    splitter.setStretchFactor(1, 2)

    central = QWidget(parent)
    layout = QVBoxLayout(central)
    layout.addWidget(drop_area)
    layout.addWidget(splitter, stretch=1)

    # Tab: drop area, search, status filter, latest only, packages, the tabs, the files.
    order: list[QWidget] = [
        drop_area,
        search_bar.search_box,
        search_bar.status_filter,
        search_bar.latest_only,
        package_view,
        details_tabs,
        file_view,
    ]
    for first, second in zip(order, order[1:], strict=False):
        QWidget.setTabOrder(first, second)
    return WindowLayout(central, splitter, details_tabs)
