"""Opening source viewer windows: one per stored file, loaded on the pool."""

from __future__ import annotations

import logging
from functools import partial

from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtWidgets import QWidget

from veripost_desktop.core.catalog import FileRecord
from veripost_desktop.core.errors import UserError
from veripost_desktop.core.services import Services
from veripost_desktop.gui.source.source_load_worker import LoadedSource, SourceLoadWorker
from veripost_desktop.gui.source.source_window import SourceViewerWindow
from veripost_desktop.gui.workers.core_call_runner import CoreCallRunner

log = logging.getLogger(__name__)

# A person is waiting to read; let the load overtake queued ingestions.
VIEW_PRIORITY = 10

# Only files the parser never reads as text are left out; an unknown one is
# tried, and a binary one is refused when its bytes hold NULs.
BINARY_EXTENSIONS = frozenset({".CTL"})

_Key = tuple[str, str]  # package id, file name


def is_viewable(record: FileRecord) -> bool:
    return record.extension.upper() not in BINARY_EXTENSIONS


class SourceViewers(QObject):
    #: A file could not be shown (its window is closed again).
    failed = Signal(str, object)  # file name, UserError

    def __init__(self, services: Services, pool: QThreadPool, window_parent: QWidget) -> None:
        super().__init__(window_parent)
        self._services = services
        # Loads under way, their signals alive until their ending arrives.
        self._loads = CoreCallRunner(pool, self)
        self._window_parent = window_parent
        self._windows: dict[_Key, SourceViewerWindow] = {}
        self._closed = False

    def windows(self) -> list[SourceViewerWindow]:
        return list(self._windows.values())

    def open(
        self,
        package_name: str,
        file: FileRecord,
        line: int | None = None,
        match: tuple[int, int] | None = None,
    ) -> SourceViewerWindow:
        """Show ``file`` (at ``line``, 1-based, with the columns ``match``
        (start, end) of that line selected); an open window for it is raised."""
        key = (file.package_id, file.filename)
        window = self._windows.get(key)
        if window is not None:
            if line is not None and window.loaded is not None:
                window.go_to_line(line, match)
            window.show()
            window.raise_()
            window.activateWindow()
            return window
        window = SourceViewerWindow(package_name, file.filename, self._window_parent)
        window.closed.connect(partial(self._on_window_closed, key))
        self._windows[key] = window
        window.show()
        self._load(key, line, match)
        return window

    def close_all(self) -> None:
        self._closed = True
        self.close_windows()

    def close_windows(self) -> None:
        for window in list(self._windows.values()):
            window.close()

    def set_services(self, services: Services) -> None:
        """Read from other services from now on. Open windows show files of the
        old catalog, so they are closed; a load still under way ends unseen."""
        self.close_windows()
        self._services = services

    def _load(self, key: _Key, line: int | None, match: tuple[int, int] | None = None) -> None:
        package_id, filename = key
        worker = SourceLoadWorker(
            self._services, package_id, filename, partial(self._load_abandoned, key)
        )
        log.info("loading %s of package %s for viewing", filename, package_id)
        self._loads.run(
            worker,
            partial(self._on_loaded, key, line, match),
            partial(self._on_load_failed, key),
            priority=VIEW_PRIORITY,
        )

    def _load_abandoned(self, key: _Key) -> bool:
        # Polled from the worker thread: the window went away, or the app is closing.
        return self._closed or key not in self._windows

    def _on_loaded(
        self, key: _Key, line: int | None, match: tuple[int, int] | None, loaded: LoadedSource
    ) -> None:
        window = self._windows.get(key)
        if window is not None:
            window.show_loaded(loaded, line, match)

    def _on_load_failed(self, key: _Key, error: UserError) -> None:
        window = self._windows.get(key)
        if window is None:  # closed before the load ended: nobody is waiting
            return
        window.close()
        self.failed.emit(key[1], error)

    def _on_window_closed(self, key: _Key) -> None:
        window = self._windows.pop(key, None)
        if window is not None:
            window.deleteLater()
