"""The bar above the package table: a search box, a status filter and
*Latest versions only* (older versions of a post hidden).

Typing filters at once (``PackageFilterProxy``); in a large catalog it waits
for a pause in the typing, since rows coming back into view are sorted
again. Escape clears the search; Down moves to the table. Edit > Find
packages (Ctrl+F or Ctrl+K) comes here.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from veripost_desktop.gui.packages.package_filter import PackageFilterProxy, StatusFilter

SEARCH_PLACEHOLDER = "Find by name, machine, controller or status"
#: From this many packages on, the search waits for a pause in the typing.
LARGE_CATALOG = 2_000
TYPING_PAUSE_MS = 200


class PackageSearchBar(QWidget):
    #: Down was pressed in the search box: the results want the focus.
    results_requested = Signal()

    def __init__(self, proxy: PackageFilterProxy, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("packageSearchBar")
        self._proxy = proxy

        self.search_box = QLineEdit(self)
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText(SEARCH_PLACEHOLDER)
        self.search_box.setClearButtonEnabled(True)
        # Files dropped here are packages for the window, not text for the box.
        self.search_box.setAcceptDrops(False)
        self.search_box.setToolTip(
            "Show only packages whose name, machine, controller or status contains every "
            "word typed (Ctrl+F). Escape clears it."
        )
        self.search_box.setAccessibleName("Find packages")
        self.search_box.setAccessibleDescription(
            "Filters the package table by name, machine, controller and status as you type. "
            "Escape clears the search; Down moves to the table."
        )
        find_label = QLabel("F&ind:", self)
        find_label.setBuddy(self.search_box)

        self.status_filter = QComboBox(self)
        self.status_filter.setObjectName("statusFilter")
        for choice in StatusFilter:
            self.status_filter.addItem(choice.value, choice)
        self.status_filter.setToolTip("Show packages in one state only")
        self.status_filter.setAccessibleName("Status filter")
        self.status_filter.setAccessibleDescription(
            "Show all packages, or only those ready, in progress or in error."
        )
        status_label = QLabel("S&tatus:", self)
        status_label.setBuddy(self.status_filter)

        self.latest_only = QCheckBox("&Latest versions only", self)
        self.latest_only.setObjectName("latestVersionsOnly")
        self.latest_only.setToolTip(
            "Hide the older versions of each post: show only its latest version"
        )
        self.latest_only.setAccessibleDescription(
            "When checked, the package table shows only the latest version of each post."
        )

        self.count_label = QLabel(self)
        self.count_label.setObjectName("filterCountLabel")

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(find_label)
        layout.addWidget(self.search_box, stretch=1)
        layout.addSpacing(12)
        layout.addWidget(status_label)
        layout.addWidget(self.status_filter)
        layout.addSpacing(12)
        layout.addWidget(self.latest_only)
        layout.addSpacing(12)
        layout.addWidget(self.count_label)

        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_PAUSE_MS)
        self._typing.timeout.connect(self._apply_search)
        self.search_box.textChanged.connect(self._on_text_changed)
        self.status_filter.currentIndexChanged.connect(self._on_status_chosen)
        self.latest_only.toggled.connect(self._on_latest_only_toggled)
        clear = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search_box)
        clear.setContext(Qt.ShortcutContext.WidgetShortcut)
        clear.activated.connect(self.search_box.clear)
        down = QShortcut(QKeySequence(Qt.Key.Key_Down), self.search_box)
        down.setContext(Qt.ShortcutContext.WidgetShortcut)
        down.activated.connect(self.results_requested)
        for signal in (
            proxy.rowsInserted,
            proxy.rowsRemoved,
            proxy.modelReset,
            proxy.layoutChanged,
        ):
            signal.connect(self._update_count)
        self._update_count()

    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def clear_filters(self) -> None:
        """Show every package again."""
        self.search_box.clear()
        self._apply_search()
        self.set_status_filter(StatusFilter.ALL)
        self.latest_only.setChecked(False)

    def _on_text_changed(self, _text: str) -> None:
        source = self._proxy.sourceModel()
        if source is not None and source.rowCount() >= LARGE_CATALOG:
            self._typing.start()
        else:
            self._apply_search()

    def _apply_search(self) -> None:
        self._typing.stop()
        self._proxy.set_search_text(self.search_box.text())

    def set_status_filter(self, choice: StatusFilter) -> None:
        self.status_filter.setCurrentIndex(self.status_filter.findText(StatusFilter(choice).value))

    def _on_status_chosen(self, index: int) -> None:
        if index >= 0:
            # Qt hands the item data back as a plain string.
            self._proxy.set_status_filter(StatusFilter(str(self.status_filter.itemData(index))))

    def _on_latest_only_toggled(self, checked: bool) -> None:
        self._proxy.set_latest_only(checked)
        self._update_count()  # also when it hid nothing

    def _update_count(self, *_: object) -> None:
        source = self._proxy.sourceModel()
        if source is None or not self._proxy.is_filtering:
            self.count_label.clear()
            return
        self.count_label.setText(f"Showing {self._proxy.rowCount()} of {source.rowCount()}")
