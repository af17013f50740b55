"""The main window: a drop area, a search bar over the package table, and the
selected package's files and details; the batch's progress in the status
bar. Layout and wiring only; the work happens in the controllers and the core.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QItemSelection, QModelIndex, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QLabel,
    QMainWindow,
    QTableView,
    QWidget,
)

from veripost_desktop.core.catalog import PackageRecord, PackageStatus
from veripost_desktop.core.services import Services
from veripost_desktop.gui.compare.actions import CompareActions
from veripost_desktop.gui.compare.controller import CompareController
from veripost_desktop.gui.drops.drop_area import DropArea
from veripost_desktop.gui.drops.drop_rules import WindowDropTarget
from veripost_desktop.gui.drops.duplicate_prompt import DuplicateChoice, ask_about_duplicates
from veripost_desktop.gui.drops.ingestion_controller import DuplicateMatch, IngestionController
from veripost_desktop.gui.files import file_table_model as files
from veripost_desktop.gui.files.download_controller import DownloadController
from veripost_desktop.gui.files.file_actions import FileActions
from veripost_desktop.gui.files.file_table_model import FileTableModel
from veripost_desktop.gui.packages import package_table_model as packages
from veripost_desktop.gui.packages.maintenance_controller import MaintenanceController
from veripost_desktop.gui.packages.package_actions import PackageActions
from veripost_desktop.gui.packages.package_details_pane import (
    PackageDetailsPane,
    read_package_details,
)
from veripost_desktop.gui.packages.package_filter import PackageFilterProxy
from veripost_desktop.gui.packages.package_search_bar import PackageSearchBar
from veripost_desktop.gui.packages.package_table_model import PackageTableModel
from veripost_desktop.gui.packages.package_zip_export import PackageZipExport
from veripost_desktop.gui.search.search_panel import SearchDock
from veripost_desktop.gui.settings.settings_persistence import app_qsettings
from veripost_desktop.gui.source.open_source_windows import SourceViewers
from veripost_desktop.gui.team.team_refresh import TeamRefresh
from veripost_desktop.gui.versions.drop_versions import DropVersions
from veripost_desktop.gui.versions.history_changes import HistoryChanges
from veripost_desktop.gui.widgets.error_dialog import (
    Refusal,
    package_error,
    show_error,
    show_refusals,
)
from veripost_desktop.gui.widgets.formatting import storage_location_text
from veripost_desktop.gui.widgets.table_views import file_table_view, package_table_view
from veripost_desktop.gui.window.about_dialog import open_log_folder, show_about
from veripost_desktop.gui.window.batch_progress import BatchStatusWidget, BatchTracker
from veripost_desktop.gui.window.idle_watch import IdleWatch
from veripost_desktop.gui.window.services_lifecycle import ServicesLifecycle, settled_text
from veripost_desktop.gui.window.window_actions import build_menus, window_actions
from veripost_desktop.gui.window.window_layout import build_layout
from veripost_desktop.gui.window.window_state import (
    restore_flag,
    restore_window_state,
    save_window_state,
)

WINDOW_TITLE = "VeriPost Desktop"
ZIP_FILTER = "ZIP archives (*.zip);;All files (*)"
STATUS_MESSAGE_MS = 10_000
DEFAULT_SIZE = (1100, 700)
LATEST_ONLY = "latestVersionsOnly"  # the view switch's name in the saved layout


class MainWindow(QMainWindow):
    #: The start-up check for interrupted ingestions ended (on a worker): the
    #: packages it marked failed.
    startupSettled = Signal(list)  # list[PackageRecord]
    #: Settings were saved and the window now runs on these services.
    servicesReopened = Signal(object)  # Services
    #: The last running work ended: ``busy()`` is false again.
    idle = Signal()

    def __init__(
        self,
        services: Services,
        parent: QWidget | None = None,
        *,
        qsettings: QSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._qsettings = qsettings if qsettings is not None else app_qsettings()
        self._closed = False
        self._started = False
        #: What the start-up settle marked failed; None until it has ended.
        self.settled_at_start: list[PackageRecord] | None = None
        self._open_dir = Path.home()
        self.setObjectName("mainWindow")
        self.setWindowTitle(WINDOW_TITLE)

        self.package_model = PackageTableModel(self, warning_lookup=services.catalog.list_warnings)
        self.file_model = FileTableModel(self)
        self.ingestion = IngestionController(services, self.package_model, self)
        pool = self.ingestion.thread_pool
        self.downloads = DownloadController(services, pool, self.ingestion.stop_requested, self)
        self.maintenance = MaintenanceController(services, self.package_model, pool, self)
        self.source_viewers = SourceViewers(services, pool, self)
        self.lifecycle = ServicesLifecycle(self, pool, self)
        self.team_refresh = TeamRefresh(
            lambda: self._services, self.package_model, pool, self.show_status, self
        )
        if services.recovered_catalog is not None:
            self.team_refresh.restored_catalog(services.recovered_catalog)
        self.batch = BatchTracker(self.ingestion, self.package_model, self)

        self.drop_area = DropArea(self)
        self.drop_target = WindowDropTarget(self, self.drop_area)
        self.package_view = package_table_view(self.package_model, self)
        proxy = self.package_view.model()
        assert isinstance(proxy, PackageFilterProxy)
        self.package_proxy = proxy
        self.search_bar = PackageSearchBar(proxy, self)
        self.file_view = file_table_view(self.file_model, self)
        self.storage_location = QLabel(self)
        self.storage_location.setObjectName("storageLocationLabel")
        self.storage_location.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details_pane = PackageDetailsPane(self)
        self.package_actions = PackageActions(
            self,
            self.package_view,
            self.package_model,
            self.ingestion,
            self.maintenance,
            self.selected_package,
            self.show_status,
        )
        self.file_actions = FileActions(
            self,
            self.file_view,
            self.file_model,
            self.package_model,
            self.downloads,
            self.source_viewers,
            self.show_status,
        )
        self.zip_export = PackageZipExport(
            self,
            self.downloads,
            self.selected_package,
            self.file_actions,  # one "last folder saved to" for files and packages
            self.show_status,
        )
        self.package_actions.extra_context_actions.append(self.zip_export.action)
        self.compare = CompareActions(
            self,
            self.package_view,
            CompareController(self, lambda: self._services, pool, self.file_actions),
        )
        self.package_actions.extra_context_actions += self.compare.actions
        self.versions = DropVersions(
            self, lambda: self._services, self.package_model, pool, self.show_status
        )
        self.history_changes = HistoryChanges(
            self.details_pane.history, lambda: self._services, pool, self
        )
        self.window_actions = window_actions(self)
        self.add_action = self.window_actions.add
        self.quit_action = self.window_actions.quit
        self.open_log_folder_action = self.window_actions.open_log_folder
        self.batch_status = BatchStatusWidget(
            self.batch, self.ingestion, self.window_actions.cancel_all, self.show_status, self
        )
        layout = build_layout(
            self,
            self.drop_area,
            self.search_bar,
            self.package_view,
            self.storage_location,
            self.file_view,
            self.details_pane,
        )
        self.setCentralWidget(layout.central)
        self.splitter, self.details_tabs = layout.splitter, layout.details_tabs
        menus = build_menus(
            self,
            self.window_actions,
            self.package_actions,
            self.file_actions,
            self.zip_export.action,
        )
        self.package_menu, self.help_menu, self.toolbar = menus.package, menus.help, menus.toolbar
        # Refresh from storage sits with Add packages: both bring packages in.
        menus.file.insertAction(menus.file.actions()[1], self.team_refresh.action)
        self.toolbar.insertAction(self.toolbar.actions()[1], self.team_refresh.action)
        self.package_menu.addSeparator()
        self.package_menu.addActions(self.compare.actions)
        self.search_dock = SearchDock(
            self,
            lambda: self._services,
            self.source_viewers,
            self.selected_package,
            self.servicesReopened,
        )
        menus.edit.insertAction(menus.edit.actions()[1], self.search_dock.action)  # after Find
        self._build_status_bar()
        self._connect()

        # The sort first (remembered or built-in), on empty tables: the
        # package model then loads the catalog already in that order, with no
        # second pass over 10,000 rows.
        self.package_view.sortByColumn(packages.COL_ADDED, Qt.SortOrder.AscendingOrder)
        self.file_view.sortByColumn(files.COL_NAME, Qt.SortOrder.AscendingOrder)
        self.resize(*DEFAULT_SIZE)
        restore_window_state(self._qsettings, self, self.splitter, self._tables())
        self.search_bar.latest_only.setChecked(restore_flag(self._qsettings, LATEST_ONLY))
        self.ingestion.load_packages()
        self._show_package(None)
        # Not the drop area (first in the tab order): the table is where people start.
        self.package_view.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def services(self) -> Services:
        return self._services

    def show_status(self, text: str) -> None:
        """A passing status-bar message."""
        self.statusBar().showMessage(text, STATUS_MESSAGE_MS)

    def ingesting(self) -> bool:
        """Ingestions, or the checks before them, under way."""
        return self.ingestion.busy

    def busy(self) -> bool:
        """Work under way that holds on to the current services (``idle``
        says when it has all ended)."""
        return (
            self.ingestion.busy
            or self.maintenance.active_count > 0
            or self.downloads.active_count > 0
            or self.team_refresh.busy
            or self.compare.controller.runner.active_count > 0
            or self.versions.busy
            or self.history_changes.busy
        )

    # ---- building ----------------------------------------------------------

    def _tables(self) -> list[QTableView]:
        return [self.package_view, self.file_view]

    def _build_status_bar(self) -> None:
        self.storage_label = QLabel(f"Storage: {self._services.store.description}", self)
        self.storage_label.setObjectName("storageLabel")
        # Permanent, so passing messages ("Saved ...") never hide them.
        self.statusBar().addPermanentWidget(self.batch_status)
        self.statusBar().addPermanentWidget(self.storage_label)

    def _connect(self) -> None:
        actions = self.window_actions
        actions.add.triggered.connect(self.choose_packages)
        actions.quit.triggered.connect(self.close)
        actions.find.triggered.connect(self.search_bar.focus_search)
        actions.settings.triggered.connect(self.lifecycle.open_settings)
        actions.cancel_all.triggered.connect(self.package_actions.update_state)
        actions.open_log_folder.triggered.connect(self.open_log_folder)
        actions.about.triggered.connect(self.show_about)
        self.drop_area.clicked.connect(self.choose_packages)
        self.drop_target.dropped.connect(self.add_files)
        self.search_bar.results_requested.connect(self._focus_packages)
        self.package_view.selectionModel().selectionChanged.connect(self._on_package_selection)
        self.package_view.doubleClicked.connect(self._on_package_double_clicked)
        self.details_pane.source_requested.connect(self.file_actions.view_by_name)
        self.package_model.dataChanged.connect(self._on_package_row_changed)
        self.ingestion.package_finished.connect(self._on_package_finished)
        self.ingestion.packages_started.connect(self.versions.on_packages_started)
        self.ingestion.package_finished.connect(self.versions.on_package_finished)
        self.versions.linked.connect(self._on_versions_linked)
        self.details_pane.history.compareRequested.connect(self._compare_versions)
        self.details_pane.history.packageRequested.connect(self.select_package)
        self.ingestion.duplicates_found.connect(self._on_duplicates_found)
        self.ingestion.late_refusals.connect(self._show_refusals)
        self.maintenance.removed.connect(self._on_package_removed)
        self.lifecycle.settled.connect(self._on_settled)
        self.team_refresh.packagesRead.connect(self._on_packages_read)
        self.lifecycle.reopened.connect(self.servicesReopened)
        self._idle_watch = IdleWatch(self.busy, self)
        self._idle_watch.idle.connect(self.idle)
        self.idle.connect(self.lifecycle.apply_pending)

    # ---- start-up and services ---------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._started:
            self._started = True
            # After the first paint: interrupted jobs are settled on a worker.
            QTimer.singleShot(0, self, self.lifecycle.settle)

    def _on_settled(self, records: list[PackageRecord]) -> None:
        for record in records:
            self.package_model.update_package(record)
        if records:  # stays until the next message: the rows say Retry
            self.statusBar().showMessage(settled_text(records))
        self.package_actions.update_state()
        if self.settled_at_start is None:
            self.settled_at_start = records
            self.startupSettled.emit(records)
        # Then what the team did meanwhile (and the backfill of old packages).
        self.team_refresh.refresh()

    def use_services(self, services: Services) -> None:
        """Run on ``services`` from now on (Settings were saved); nothing may run."""
        self._services = services
        self.ingestion.set_services(services)
        self.downloads.set_services(services)
        self.maintenance.set_services(services)
        self.source_viewers.set_services(services)
        self.package_model.set_warning_lookup(services.catalog.list_warnings)
        self.storage_label.setText(f"Storage: {services.store.description}")
        self.team_refresh.schedule()
        self.ingestion.load_packages()
        self._show_package(None)

    # ---- adding packages -------------------------------------------------

    def add_files(self, paths: Iterable[Path]) -> list[Refusal]:
        """What a drop and File > Add packages... both do."""
        # A dropped folder's refusal already says how to zip it (core validation).
        refusals = self.ingestion.add_files(paths)
        if refusals:
            # Shown from the event loop, not from inside the drop: a modal
            # dialog there would freeze the application the files came from.
            QTimer.singleShot(0, self, partial(self._show_refusals, refusals))
        checking = self.ingestion.checking_count
        if checking:
            self.show_status(f"Checking {checking} ZIP(s) against the catalog...")
        return refusals

    # Drags anywhere over the window; the rules are in drop_rules.py.
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self.drop_target.enter(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self.drop_target.move(event)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.drop_target.leave(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.drop_target.drop(event)

    def _show_refusals(self, refusals: list[Refusal]) -> None:
        show_refusals(self, refusals)

    def choose_packages(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, "Add packages", str(self._open_dir), ZIP_FILTER
        )
        if names:
            paths = [Path(n) for n in names]
            self._open_dir = paths[0].parent
            self.add_files(paths)

    def _on_duplicates_found(self, matches: list[DuplicateMatch]) -> None:
        self.statusBar().clearMessage()
        choice = ask_about_duplicates(self, matches)
        if choice is DuplicateChoice.ADD_AGAIN:
            show_refusals(self, self.ingestion.add_anyway(matches))
        elif choice is DuplicateChoice.GO_TO_EXISTING:
            self.select_package(matches[0].existing[0].id)
        else:
            self.show_status(f"Not added: {len(matches)} ZIP(s) already in the catalog.")

    # ---- selection ---------------------------------------------------------

    def selected_package(self) -> PackageRecord | None:
        rows = self.package_view.selectionModel().selectedRows()
        if not rows:
            return None
        record = rows[0].data(packages.PackageRecordRole)
        return record if isinstance(record, PackageRecord) else None

    def select_package(self, package_id: str) -> bool:
        """Select a package's row and scroll to it; False if it is not listed."""
        row = self.package_model.rowForId(package_id)
        if row < 0:
            return False
        index = self.package_proxy.mapFromSource(self.package_model.index(row, 0))
        if not index.isValid():  # hidden by the search or status filter
            self.search_bar.clear_filters()
            index = self.package_proxy.mapFromSource(self.package_model.index(row, 0))
        self.package_view.selectRow(index.row())
        self.package_view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def _focus_packages(self) -> None:
        self.package_view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.package_view.selectionModel().hasSelection() and self.package_proxy.rowCount():
            self.package_view.selectRow(0)

    def _on_package_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_package(self.selected_package())

    def _show_package(self, record: PackageRecord | None) -> None:
        if record is None:
            self.file_model.clear()
            self.details_pane.show_details(None)
        else:
            # Indexed queries on the local catalog: quick enough for the GUI thread.
            details = read_package_details(self._services.catalog, record)
            self.file_model.set_files(record.id, details.files)
            self.details_pane.show_details(details)
        self.storage_location.setText(
            storage_location_text(self._services.store.description, record)
        )
        self.package_actions.update_state()
        self.zip_export.update_state()

    def _on_package_row_changed(self, top_left: QModelIndex, *_: object) -> None:
        record = top_left.data(packages.PackageRecordRole)
        if isinstance(record, PackageRecord) and record.id == self.file_model.package_id:
            self.details_pane.update_package(record)
            self.package_actions.update_state()
            self.zip_export.update_state()

    def _on_package_finished(self, record: PackageRecord) -> None:
        if self.file_model.package_id == record.id:
            self._show_package(record)

    def _on_packages_read(self, package_ids: list[str]) -> None:
        # Sources read from storage: the shown package's sections are known now.
        if self.file_model.package_id in package_ids:
            self._show_package(self.package_model.record(self.file_model.package_id))

    def _on_versions_linked(self, records: list[PackageRecord]) -> None:
        shown = self.package_model.record(self.file_model.package_id or "")
        if shown is not None and shown.post in {r.post for r in records}:
            self._show_package(shown)  # its history has a new version

    def _compare_versions(self, previous: PackageRecord, selected: PackageRecord) -> None:
        self.compare.controller.compare(
            previous.id,
            selected.id,
            f"{previous.name} v{previous.version_number}",
            f"{selected.name} v{selected.version_number}",
        )

    def _on_package_removed(self, record: PackageRecord) -> None:
        self.show_status(f"Removed {record.name}.")

    def _on_package_double_clicked(self, index: QModelIndex) -> None:
        record = index.data(packages.PackageRecordRole)
        if isinstance(record, PackageRecord) and record.status is PackageStatus.ERROR:
            show_error(
                self,
                package_error(record),
                title="Package not added",
                subject=f"Package: {record.name}",
            )

    # ---- help --------------------------------------------------------------

    def show_about(self) -> None:
        show_about(self, self._services.store.description)

    def open_log_folder(self) -> None:
        open_log_folder(self, self._services.settings.log_dir, self.show_status)

    # ---- closing -----------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closed:
            save_window_state(
                self._qsettings,
                self,
                self.splitter,
                self._tables(),
                {LATEST_ONLY: self.search_bar.latest_only.isChecked()},
            )
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Wait (bounded) for workers, then close the catalog. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self.lifecycle.close()
        self.team_refresh.close()
        self.source_viewers.close_all()
        self.compare.controller.close_all()
        self.versions.close()
        self.history_changes.close()
        self.search_dock.panel.close_panel()
        self.ingestion.shutdown()
        self.maintenance.close()
        self._services.close()
