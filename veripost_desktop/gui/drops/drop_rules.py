"""What may be dropped on the window, judged from the drag alone.

While something is dragged over the window only its MIME data is looked at
(names, never the disk: drag-move events come many times a second):

- local files named ``*.zip``: the drop area lights up and the drop is taken;
- other local files or folders: the drop is taken, and the refusal dialog
  says why each one cannot be added (a folder gets its own explanation);
- anything else (text, a web link): refused at once, no dialog.

``WindowDropTarget`` applies these rules for the main window's drag and
drop handlers.

A dropped folder keeps the core's stable code ``not_a_zip`` (the CLI and
docs/ERROR_CODES.md give the same code for a folder); only its message is
made specific here, because a person who drops a folder needs to be told how
to make the ZIP, not that a ZIP was expected.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QMimeData, QObject, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QWidget

from veripost_desktop.gui.drops.drop_area import DropArea, DropState, accept_text


class DragKind(Enum):
    ZIPS = "zips"  # at least one local file named .zip
    OTHER_FILES = "other_files"  # local files or folders, none named .zip
    NOT_FILES = "not_files"  # text, web links, nothing usable


@dataclass(frozen=True)
class DragVerdict:
    kind: DragKind
    paths: tuple[Path, ...]
    zip_count: int

    @property
    def acceptable(self) -> bool:
        """Whether the drop is taken (a refusal dialog may still follow)."""
        return self.kind is not DragKind.NOT_FILES


def local_paths(mime: QMimeData) -> list[Path]:
    """The local files in a drag; web links and the like are not ours."""
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


def judge_drag(mime: QMimeData) -> DragVerdict:
    paths = tuple(local_paths(mime))
    zips = sum(1 for p in paths if p.suffix.casefold() == ".zip")
    if zips:
        kind = DragKind.ZIPS
    elif paths:
        kind = DragKind.OTHER_FILES
    else:
        kind = DragKind.NOT_FILES
    return DragVerdict(kind, paths, zips)


class WindowDropTarget(QObject):
    """Judges drags anywhere over the main window (whose drag and drop event
    handlers call in here) and shows on ``area`` what they hold; a taken drop
    is handed on through ``dropped``.

    Called from the window's own handlers, not installed as an event filter:
    a Python event filter on a window is still called while the window is
    being destroyed, and PySide then wraps a half-destroyed object (a crash)."""

    dropped = Signal(object)  # list[Path]

    def __init__(self, window: QWidget, area: DropArea) -> None:
        super().__init__(window)
        self._area = area
        self._verdict: DragVerdict | None = None
        window.setAcceptDrops(True)

    def enter(self, event: QDragEnterEvent) -> None:
        # The data does not change during a drag: judged once, on entering.
        self._verdict = judge_drag(event.mimeData())
        self._show(self._verdict)
        if self._verdict.acceptable:
            event.acceptProposedAction()
        else:
            # Taken with no action: Qt then keeps sending this drag's moves,
            # leave and drop here (each refused below), so the refused look
            # is cleared when the drag goes, whichever way it goes.
            event.setDropAction(Qt.DropAction.IgnoreAction)
            event.accept()

    def move(self, event: QDragMoveEvent) -> None:
        if self._verdict is None:
            self._verdict = judge_drag(event.mimeData())
            self._show(self._verdict)
        if self._verdict.acceptable:
            event.acceptProposedAction()
        else:
            event.ignore()  # the platform shows its "no entry" cursor

    def leave(self, event: QDragLeaveEvent) -> None:
        self._end()
        event.accept()

    def drop(self, event: QDropEvent) -> None:
        self._end()
        verdict = judge_drag(event.mimeData())
        if not verdict.acceptable:
            event.ignore()
            return
        event.acceptProposedAction()
        self.dropped.emit(list(verdict.paths))

    def _show(self, verdict: DragVerdict) -> None:
        if verdict.kind is DragKind.ZIPS:
            self._area.set_drag_state(DropState.ACCEPT, accept_text(verdict.zip_count))
        elif verdict.kind is DragKind.OTHER_FILES:
            self._area.set_drag_state(DropState.NOTICE)
        else:
            self._area.set_drag_state(DropState.REFUSE)

    def _end(self) -> None:
        self._verdict = None
        self._area.set_drag_state(DropState.IDLE)
