"""The things a person can do to a package, as QActions.

The same actions sit in the Package menu, the toolbar and the context menu;
their enabled state follows the selection and the package's status. The
questions and answers around them (confirm a removal, a verify report, why a
retry was refused) are shown from here; the work itself is done by the
controllers on worker threads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox, QTableView, QWidget

from veripost_desktop.core.catalog import PackageRecord, PackageStatus
from veripost_desktop.core.errors import UserError
from veripost_desktop.core.package_maintenance import VerifyReport
from veripost_desktop.gui.drops.ingestion_controller import IngestionController, RetryFailure
from veripost_desktop.gui.packages.maintenance_controller import MaintenanceController
from veripost_desktop.gui.packages.package_table_model import PackageTableModel
from veripost_desktop.gui.widgets import error_dialog
from veripost_desktop.gui.widgets.action_factory import make_action
from veripost_desktop.gui.widgets.error_dialog import show_error

CONFIRM_REMOVE = "confirmRemove"
VERIFY_REPORT = "verifyReport"

_Button = QMessageBox.StandardButton


def remove_question(record: PackageRecord) -> str:
    count = record.file_count if record.status is PackageStatus.READY else 0
    if count == 0:
        return f"Remove {record.name} from the catalog? This cannot be undone."
    files = "file" if count == 1 else "files"
    return f"Remove {record.name} and its {count} stored {files}? This cannot be undone."


def confirm_remove(parent: QWidget | None, record: PackageRecord) -> bool:
    box = QMessageBox(parent)
    box.setObjectName(CONFIRM_REMOVE)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Remove package")
    box.setText(remove_question(record))
    box.setStandardButtons(_Button.Yes | _Button.Cancel)
    remove = box.button(_Button.Yes)
    if remove is not None:
        remove.setText("Remove")
    box.setDefaultButton(_Button.Cancel)
    try:
        return box.exec() == _Button.Yes
    finally:
        box.deleteLater()


def verify_box(parent: QWidget | None, record: PackageRecord, report: VerifyReport) -> QMessageBox:
    box = QMessageBox(parent)
    box.setObjectName(VERIFY_REPORT)
    if report.ok:
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle("Package verified")
        box.setText(f"{record.name}: {report.summary()}")
    else:
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Stored files do not match")
        box.setText(f"{record.name}: {report.summary()}")
        box.setInformativeText(
            "Files that do not match cannot be saved or viewed. Remove the package and "
            "add its ZIP again to store it afresh."
        )
    box.setDetailedText(
        "\n".join(
            f"{f.filename}: {f.state}" + (f" - {f.detail}" if f.detail else "")
            for f in report.files
        )
        or "(the package has no stored files)"
    )
    box.setStandardButtons(_Button.Ok)
    return box


def retry_failures_box(parent: QWidget | None, failures: Sequence[RetryFailure]) -> QMessageBox:
    """One box for every package of a retry request that was refused."""
    if len(failures) == 1:
        failure = failures[0]
        return error_dialog.error_box(
            parent,
            failure.error,
            title="Package not retried",
            subject=f"Package: {failure.package.name}",
        )
    box = QMessageBox(parent)
    box.setObjectName(error_dialog.OBJECT_NAME)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Packages not retried")
    lines = [f"{len(failures)} packages could not be retried.", ""]
    lines += [f"{f.package.name}: {f.error.message} ({f.error.code})" for f in failures]
    box.setText("\n".join(lines))
    box.setDetailedText(
        "\n\n".join(
            f"Package: {f.package.name} ({f.package.id})\nError code: {f.error.code}\n"
            + (f.error.detail or "(no further detail)")
            for f in failures
        )
    )
    box.setStandardButtons(_Button.Ok)
    return box


def _run(box: QMessageBox) -> None:
    try:
        box.exec()
    finally:
        box.deleteLater()


class PackageActions(QObject):
    def __init__(
        self,
        parent: QWidget,
        view: QTableView,
        model: PackageTableModel,
        ingestion: IngestionController,
        maintenance: MaintenanceController,
        selected_package: Callable[[], PackageRecord | None],
        show_status: Callable[[str], None],
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self._view = view
        self._model = model
        self._ingestion = ingestion
        self._maintenance = maintenance
        self._selected_package = selected_package
        self._status = show_status

        self.retry_action = make_action(
            self,
            "retryAction",
            "&Retry",
            "Ingest the failed package again from its original ZIP",
            icon="retry",
        )
        self.retry_all_action = make_action(
            self,
            "retryAllFailedAction",
            "Retry all &failed",
            "Ingest every failed package again from its ZIP",
        )
        self.cancel_action = make_action(
            self,
            "cancelIngestionAction",
            "&Cancel ingestion",
            "Stop the selected package's ingestion; it ends as cancelled",
            icon="cancel",
        )
        self.verify_action = make_action(
            self,
            "verifyPackageAction",
            "&Verify stored files",
            "Re-read every stored file and compare it with the catalog",
            icon="verify",
        )
        self.remove_action = make_action(
            self,
            "removePackageAction",
            "Re&move package...",
            "Delete the package's stored files and its catalog entry (Del)",
            icon="remove",
        )
        self.remove_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        # Delete acts on the package table only.
        self.remove_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        view.addAction(self.remove_action)
        #: More actions for the context menu, added by the window (Save as ZIP).
        self.extra_context_actions: list[QAction] = []
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._on_context_menu)

        self.retry_action.triggered.connect(self.retry_selected)
        self.retry_all_action.triggered.connect(self.retry_all_failed)
        self.cancel_action.triggered.connect(self.cancel_selected)
        self.verify_action.triggered.connect(self.verify_selected)
        self.remove_action.triggered.connect(self.remove_selected)

        ingestion.package_finished.connect(self.update_state)
        ingestion.retry_failed.connect(self.show_retry_failures)
        maintenance.verify_progress.connect(self._show_verify_progress)
        maintenance.verified.connect(self.show_verify_report)
        maintenance.failed.connect(self.show_maintenance_failure)
        maintenance.removed.connect(self.update_state)
        self.update_state()

    @property
    def package_actions(self) -> list[QAction]:
        return [self.retry_action, self.cancel_action, self.verify_action, self.remove_action]

    # ---- enabled state ---------------------------------------------------

    def update_state(self, *_: object) -> None:
        record = self._selected_package()
        busy = record is not None and (
            self._maintenance.is_busy(record.id) or self._ingestion.is_preparing(record.id)
        )
        status = record.status if record is not None else None
        running = record is not None and self._ingestion.is_running(record.id)
        self.retry_action.setEnabled(
            record is not None and not busy and self._ingestion.can_retry(record.id)
        )
        self.cancel_action.setEnabled(
            running and record is not None and not self._ingestion.is_cancelling(record.id)
        )
        self.verify_action.setEnabled(not busy and status is PackageStatus.READY)
        self.remove_action.setEnabled(
            record is not None and not busy and not running and record.status.is_final
        )
        self.retry_all_action.setEnabled(
            any(r.status is PackageStatus.ERROR for r in self._model.records())
        )

    # ---- context menus -----------------------------------------------------

    def context_menu(self) -> QMenu:
        menu = QMenu(self._parent)
        menu.setObjectName("packageContextMenu")
        menu.addActions(self.package_actions)
        if self.extra_context_actions:
            menu.addSeparator()
            menu.addActions(self.extra_context_actions)
        menu.addSeparator()
        menu.addAction(self.retry_all_action)
        return menu

    def _on_context_menu(self, pos: QPoint) -> None:
        index = self._view.indexAt(pos)
        # A click inside the selection keeps it (two packages to compare).
        if index.isValid() and not self._view.selectionModel().isSelected(index):
            self._view.selectRow(index.row())
        menu = self.context_menu()
        menu.exec(self._view.viewport().mapToGlobal(pos))
        menu.deleteLater()

    # ---- doing -----------------------------------------------------------

    def retry_selected(self) -> None:
        record = self._selected_package()
        if record is not None and self._ingestion.retry([record.id]):
            self._status(f"Retrying {record.name}...")
        self.update_state()

    def retry_all_failed(self) -> None:
        failed = [r.id for r in self._model.records() if r.status is PackageStatus.ERROR]
        started = self._ingestion.retry(failed)
        self._status(f"Retrying {started} failed package(s)..." if started else "Nothing to retry.")
        self.update_state()

    def cancel_selected(self) -> None:
        record = self._selected_package()
        if record is not None and self._ingestion.cancel(record.id):
            self._status(f"Cancelling {record.name}...")
        self.update_state()

    def verify_selected(self) -> None:
        record = self._selected_package()
        if (
            record is not None
            and record.status is PackageStatus.READY
            and self._maintenance.verify(record)
        ):
            self._status(f"Verifying {record.name}...")
        self.update_state()

    def remove_selected(self) -> None:
        record = self._selected_package()
        if record is None or not self.remove_action.isEnabled():
            return
        if not confirm_remove(self._parent, record):
            return
        if self._maintenance.remove(record):
            self._status(f"Removing {record.name}...")
        self.update_state()

    # ---- answers -----------------------------------------------------------

    def _show_verify_progress(self, record: PackageRecord, done: int, total: int) -> None:
        self._status(f"Verifying {record.name}: {done} of {total} files checked...")

    def show_verify_report(self, record: PackageRecord, report: VerifyReport) -> None:
        self._status(f"Verified {record.name}: {'intact' if report.ok else 'NOT intact'}")
        self.update_state()
        _run(verify_box(self._parent, record, report))

    def show_retry_failures(self, failures: list[RetryFailure]) -> None:
        self.update_state()
        _run(retry_failures_box(self._parent, failures))

    def show_maintenance_failure(
        self, action: str, record: PackageRecord, error: UserError
    ) -> None:
        self.update_state()
        title = "Package not removed" if action == "remove" else "Package not verified"
        show_error(self._parent, error, title=title, subject=f"Package: {record.name}")
