"""The window's ``idle`` signal: emitted once when the last running work ends.

Every ending of work (a worker's report, a dialog answered) reaches the GUI
thread as an event, so whether the window is busy can only change while the
event loop handles events. The watch asks ``busy()`` once each time the loop
has handled all that was pending and is about to wait
(``QAbstractEventDispatcher.aboutToBlock``): no timer, no polling while
nothing happens, and no list of every controller's "done" signals to keep up
to date when a new kind of work is added to ``busy()``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractEventDispatcher, QObject, QTimer, Signal


class IdleWatch(QObject):
    #: ``busy()`` was true and is false now.
    idle = Signal()

    def __init__(self, busy: Callable[[], bool], parent: QObject) -> None:
        super().__init__(parent)
        self._busy = busy
        self._was_busy = False
        dispatcher = QAbstractEventDispatcher.instance(self.thread())
        if dispatcher is None:
            raise RuntimeError("IdleWatch needs the thread's event loop (make the QApplication)")
        dispatcher.aboutToBlock.connect(self._check)

    def _check(self) -> None:
        busy = self._busy()
        if self._was_busy and not busy:
            # Not from inside the dispatcher's hook: a slot may open a dialog
            # (its own event loop). Once more through the loop, then say it.
            QTimer.singleShot(0, self, self._report)
        self._was_busy = busy

    def _report(self) -> None:
        if not self._busy():
            self.idle.emit()
