"""The window's services over time: settling what a dead process left
interrupted (on a worker, once the window shows, so unreachable storage
never delays the start), and reopening everything when Settings are saved.

Reopening only happens while nothing runs: Settings does not open while
ingestions run ("Finish or cancel running ingestions before changing
storage"), and settings saved while something started meanwhile (a duplicate
check ending, say) wait until it has ended. New services are opened before
the old ones close, so a store that cannot be opened leaves the window
working on the old one.

It knows the window only through ``ServicesHost`` (its services, whether it
is busy, switching services, a status line); the window calls
``apply_pending`` when its last running work ends (``MainWindow.idle``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from veripost_desktop.core.catalog import PackageRecord
from veripost_desktop.core.config import Settings
from veripost_desktop.core.errors import UserError, as_user_error
from veripost_desktop.core.ingestion.interrupted_jobs import settle_interrupted
from veripost_desktop.core.services import Services, open_services
from veripost_desktop.gui.settings.secret_key_saving import SecretKeys
from veripost_desktop.gui.settings.settings_dialog import SettingsDialog
from veripost_desktop.gui.widgets.error_dialog import show_error
from veripost_desktop.gui.workers.core_call_runner import CoreCallRunner

log = logging.getLogger(__name__)

BUSY_TEXT = "Finish or cancel running ingestions before changing storage."
OTHER_WORK_TEXT = (
    "Wait until the files being saved, verified or removed are done before changing storage."
)
BUSY_NOTICE = "settingsBusy"
# Settle before anything queued: new work waits for it anyway (one pool).
SETTLE_PRIORITY = 20


def settled_text(records: list[PackageRecord]) -> str:
    return f"{len(records)} interrupted ingestion(s) were marked as failed; use Retry."


def _settle(services: Services, _progress: Callable[[int, int], None]) -> list[PackageRecord]:
    # Reads the catalog and deletes leftovers in storage: a worker's job.
    return settle_interrupted(services.catalog, services.store, services.lease)


class ServicesHost(Protocol):
    """What the lifecycle needs of the window, and no more."""

    @property
    def services(self) -> Services: ...

    def busy(self) -> bool:
        """Work under way that holds on to the current services."""
        ...

    def ingesting(self) -> bool:
        """Ingestions (or the checks before them) under way."""
        ...

    def use_services(self, services: Services) -> None:
        """Run on ``services`` from now on; called only while nothing runs."""
        ...

    def show_status(self, text: str) -> None: ...


class ServicesLifecycle(QObject):
    #: A settle ended (start-up or after a reopen): the packages it marked failed.
    settled = Signal(list)
    #: The window now runs on new services (Settings were saved).
    reopened = Signal(object)  # Services

    def __init__(self, host: ServicesHost, pool: QThreadPool, parent: QWidget) -> None:
        """``parent``: the window Settings and its messages open over."""
        super().__init__(parent)
        self._host = host
        self._parent = parent
        self._calls = CoreCallRunner(pool, self)
        self._settling = False
        self._pending: Settings | None = None
        self._dialog: SettingsDialog | None = None
        # Secret keys typed this session on a computer with no keyring.
        self._secret_keys = SecretKeys()

    @property
    def settling(self) -> bool:
        return self._settling

    @property
    def dialog(self) -> SettingsDialog | None:
        """The Settings dialog while it is open."""
        return self._dialog

    def close(self) -> None:
        self._pending = None
        self._calls.close()

    # ---- settling --------------------------------------------------------

    def settle(self) -> None:
        """Mark what dead processes left half done as failed, on a worker."""
        if self._settling:
            return
        self._settling = True
        services = self._host.services
        self._calls.start(
            "settling interrupted ingestions",
            lambda progress: _settle(services, progress),
            self._on_settled,
            self._on_settle_failed,
            priority=SETTLE_PRIORITY,
        )

    def _on_settled(self, records: list[PackageRecord]) -> None:
        self._settling = False
        self.settled.emit(list(records))
        self.apply_pending()

    def _on_settle_failed(self, error: UserError) -> None:
        self._settling = False
        log.error("could not settle interrupted packages: %s (%s)", error.code, error.detail)
        self._host.show_status(
            f"Interrupted ingestions could not be checked: {error.message} ({error.code})"
        )
        self.settled.emit([])
        self.apply_pending()

    # ---- settings ----------------------------------------------------------

    def busy(self) -> bool:
        return self._settling or self._host.busy()

    def open_settings(self) -> SettingsDialog | None:
        """Show Settings (not modal to the app: its Test connection runs on a
        worker); None when ingestions run and storage must not change."""
        if self._dialog is not None:
            self._dialog.raise_()
            self._dialog.activateWindow()
            return self._dialog
        if self.busy():
            self._tell_busy()
            return None
        dialog = SettingsDialog(self._parent, secret_keys=self._secret_keys)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.settingsSaved.connect(self.apply)
        dialog.finished.connect(self._on_dialog_finished)
        self._dialog = dialog
        dialog.open()
        return dialog

    def _on_dialog_finished(self, _result: int) -> None:
        self._dialog = None

    def _tell_busy(self) -> None:
        box = QMessageBox(self._parent)
        box.setObjectName(BUSY_NOTICE)
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle("Settings")
        box.setText(BUSY_TEXT if self._host.ingesting() else OTHER_WORK_TEXT)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        try:
            box.exec()
        finally:
            box.deleteLater()

    def apply(self, settings: Settings) -> None:
        """Run on ``settings`` from now on: at once, or when the work under way ends."""
        if self.busy():
            self._pending = settings
            self._host.show_status("Settings saved; they apply when running ingestions end.")
            return
        self._reopen(settings)

    def apply_pending(self) -> None:
        """Settings saved while work ran: apply them now that it has ended
        (the window's ``idle``, or a settle ending)."""
        if self._pending is not None and not self.busy():
            settings, self._pending = self._pending, None
            self._reopen(settings)

    def _reopen(self, settings: Settings) -> None:
        old = self._host.services
        try:
            new = open_services(settings, settle=False)
        except Exception as exc:  # noqa: BLE001 - shown; the window keeps the old store
            log.exception("could not open the new settings' services")
            show_error(
                self._parent,
                as_user_error(exc),
                title="Settings not applied",
                subject=f"VeriPost keeps using {old.store.description} until it can open "
                "the new storage.",
            )
            return
        self._host.use_services(new)
        old.close()
        log.info("services reopened: %s", new.store.description)
        self._host.show_status(f"Now using {new.store.description}")
        self.reopened.emit(new)
        self.settle()
