"""Settings' *Test connection*: ``check_connection`` on a pool thread, so the
dialog stays responsive while a server is slow to answer."""

from __future__ import annotations

from veripost_desktop.core.config import Settings
from veripost_desktop.core.errors import VeriPostError
from veripost_desktop.core.storage.connection_check import check_connection, describe_store
from veripost_desktop.gui.workers.reporting_worker import ReportingSignals, ReportingWorker


class ConnectionCheckSignals(ReportingSignals):
    """``finished``: the store's description (it works); ``failed``: a
    ``UserError`` saying what is wrong."""


class ConnectionCheckWorker(ReportingWorker[ConnectionCheckSignals]):
    """Runs ``check_connection`` off the GUI thread."""

    def __init__(self, settings: Settings, timeout_s: float) -> None:
        super().__init__("connection check", ConnectionCheckSignals())
        self._settings = settings
        self._timeout_s = timeout_s

    def work(self) -> str:
        error = check_connection(self._settings, self._timeout_s)
        if error is not None:
            raise VeriPostError(error.code, error.message, error.detail)
        return describe_store(self._settings)
