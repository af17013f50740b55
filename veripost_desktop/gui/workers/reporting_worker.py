"""The one contract of every worker on the thread pool: ``run()`` catches
everything and ends with exactly one of ``finished`` (the work's result) or
``failed`` (a ``UserError``), or the GUI would wait for an ending that never
comes.

A worker subclasses ``ReportingWorker`` and writes ``work()``; its signals
object (a ``ReportingSignals``, or a subclass adding ``progress`` or the
like) lives in the GUI thread, so every connection to it is queued and its
slots run there.
"""

from __future__ import annotations

import logging
from typing import Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, Signal

from veripost_desktop.core.errors import ErrorCode, UserError, as_user_error

log = logging.getLogger(__name__)


class ReportingSignals(QObject):
    """Lives in the GUI thread; emitted from the pool thread (queued)."""

    finished = Signal(object)  # whatever ``work()`` returned
    failed = Signal(object)  # UserError


SignalsT = TypeVar("SignalsT", bound=ReportingSignals)


class ReportingWorker(QRunnable, Generic[SignalsT]):
    """A ``QRunnable`` that runs ``work()`` and reports its one ending."""

    def __init__(self, description: str, signals: SignalsT) -> None:
        super().__init__()
        self.description = description  # for the log: "verify package 1234"
        self.signals = signals

    def work(self) -> object:
        """The blocking call, on a pool thread; raise to fail."""
        raise NotImplementedError

    def run(self) -> None:
        try:
            result = self.work()
        except BaseException as exc:  # noqa: BLE001 - always end with one signal
            error = as_user_error(exc)
            if error.code == ErrorCode.INTERNAL_ERROR:
                log.exception("%s broke", self.description)
            else:
                log.warning("%s failed: %s (%s)", self.description, error.code, error.detail)
            self.before_failed(error)
            self.signals.failed.emit(error)
            return
        self.signals.finished.emit(result)

    def before_failed(self, error: UserError) -> None:
        """Anything to report just before ``failed`` (the pool thread)."""
