"""Settings' *Test connection*: ``check_connection`` on a pool thread, so the
dialog stays responsive while a server is slow to answer."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QRunnable, Signal

from veripost_desktop.core.config import Settings
from veripost_desktop.core.errors import as_user_error
from veripost_desktop.core.storage.connection_check import check_connection, describe_store

log = logging.getLogger(__name__)


class ConnectionCheckSignals(QObject):
    """Lives in the GUI thread; the worker emits from a pool thread."""

    finished = Signal(str)  # the store's description: it works
    failed = Signal(object)  # UserError: what is wrong


class ConnectionCheckWorker(QRunnable):
    """Runs ``check_connection`` off the GUI thread; always ends with exactly
    one of ``finished`` / ``failed``."""

    def __init__(self, settings: Settings, timeout_s: float) -> None:
        super().__init__()
        self.signals = ConnectionCheckSignals()
        self._settings = settings
        self._timeout_s = timeout_s

    def run(self) -> None:
        try:
            error = check_connection(self._settings, self._timeout_s)
            description = describe_store(self._settings) if error is None else ""
        except BaseException as exc:  # noqa: BLE001 - reported, never lost
            log.exception("connection check broke")
            self.signals.failed.emit(as_user_error(exc))
            return
        if error is None:
            self.signals.finished.emit(description)
        else:
            self.signals.failed.emit(error)
