"""Refresh from storage: the window's side of the team repository.

*Refresh from storage* (F5), at start once interrupted jobs are settled, and
every ``refresh_minutes`` while the window is open, a worker brings the
catalog in line with the manifests in the store (``core/team/refresh.py``);
the package table then gains the packages other desktops added and loses
those they removed, row by row (no reset: the selection and scroll stay).

Then the sources of packages that lack the current reading (those just
brought in, those stored before a reading gained something) are read from
storage, a few packages per worker run, so Settings, closing the window or a
new refresh never wait long behind it.

A damaged catalog replaced at start is filled by the first refresh, and the
person is told how many packages came back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from veripost_desktop.core.catalog import PackageRecord
from veripost_desktop.core.errors import UserError
from veripost_desktop.core.services import Services
from veripost_desktop.core.team.refresh import RefreshReport, refresh_catalog
from veripost_desktop.core.team.source_reading import ReadingReport, read_outdated_packages
from veripost_desktop.gui.packages.package_table_model import PackageTableModel
from veripost_desktop.gui.widgets.action_factory import make_action
from veripost_desktop.gui.workers.core_call_runner import CoreCallRunner

log = logging.getLogger(__name__)

#: Packages whose sources one worker run reads before handing back.
READ_CHUNK = 10
RESTORED_NOTICE = "catalogRestoredNotice"


@dataclass(frozen=True)
class RefreshResult:
    report: RefreshReport
    added: list[PackageRecord]
    updated: list[PackageRecord]


def _refresh(
    services: Services, progress: Callable[[int, int], None], *, full: bool
) -> RefreshResult:
    report = refresh_catalog(services.catalog, services.store, progress=progress, full=full)
    added = services.catalog.packages_by_id(report.added_ids)
    updated = services.catalog.packages_by_id(report.updated_ids)
    return RefreshResult(report, added, updated)


class TeamRefresh(QObject):
    #: A refresh ended: its report (for tests and the status bar).
    refreshed = Signal(object)  # RefreshReport
    #: Packages whose sources were read from storage (their sections are known now).
    packagesRead = Signal(list)  # list[str]
    #: A refresh failed (storage unreachable ...).
    refreshFailed = Signal(object)  # UserError

    def __init__(
        self,
        services: Callable[[], Services],
        model: PackageTableModel,
        pool: QThreadPool,
        show_status: Callable[[str], None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._model = model
        self._show_status = show_status
        self._window = parent
        self._calls = CoreCallRunner(pool, self)
        self._refreshing = False
        self._again = False  # asked while a refresh ran: one more after it
        self._reading = False
        self._closed = False
        self._restored_from: Path | None = None
        self._unreadable: set[str] = set()
        # The first refresh of a window lists the store in full; later ones
        # skip the listing when the store's change marker says nothing changed.
        self._listed_once = False
        self.action: QAction = make_action(
            self,
            "refreshAction",
            "&Refresh from storage",
            "Show the packages your team added or removed in the shared storage (F5)",
            icon="refresh",
        )
        self.action.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        if self.action.shortcut().isEmpty():  # no platform Refresh key: F5 everywhere
            self.action.setShortcut(QKeySequence("F5"))
        self.action.triggered.connect(lambda: self.refresh(manual=True))
        self._timer = QTimer(self)
        self._timer.setObjectName("refreshTimer")
        self._timer.timeout.connect(self.refresh)
        self._manual = False  # the running refresh was asked for (F5): report it
        self.schedule()

    @property
    def busy(self) -> bool:
        """A worker holds on to the current services."""
        return self._refreshing or self._reading

    def schedule(self) -> None:
        """(Re)start the periodic refresh on the current settings."""
        minutes = self._services().settings.refresh_minutes
        self._timer.stop()
        self._listed_once = False  # new services (Settings saved): list the new store
        if minutes > 0:
            self._timer.start(minutes * 60_000)

    def restored_catalog(self, moved_to: Path) -> None:
        """The catalog was damaged and replaced: say so once the refresh filled it."""
        self._restored_from = moved_to

    def close(self) -> None:
        self._closed = True
        self._timer.stop()
        self._calls.close()

    # ---- refreshing --------------------------------------------------------

    def refresh(self, *, manual: bool = False) -> None:
        """Refresh on a worker. One asked for by the person says what it did;
        the ones at start and on the timer speak only when something changed."""
        if self._closed:
            return
        if self._refreshing:
            self._again = True
            self._manual = self._manual or manual
            return
        self._refreshing = True
        self._manual = manual
        self.action.setEnabled(False)
        services = self._services()
        if manual:
            self._show_status(f"Refreshing from {services.store.description}...")
        full = not self._listed_once
        self._calls.start(
            "refresh from storage",
            lambda progress: _refresh(services, progress, full=full),
            self._on_refreshed,
            self._on_refresh_failed,
            on_progress=self._on_progress,
        )

    def _on_progress(self, done: int, total: int) -> None:
        if total > 50 or self._manual:  # a first refresh of a large store takes a while
            self._show_status(f"Refreshing from storage: {done} of {total} new package(s) read...")

    def _on_refreshed(self, result: RefreshResult) -> None:
        self._end_refresh()
        self._listed_once = self._listed_once or result.report.listed
        report = result.report
        for package_id in report.removed_ids:
            self._model.remove_package(package_id)
        if result.added:
            self._model.add_packages(result.added)
        for record in result.updated:
            self._model.update_package(record)
        text = f"Refreshed from storage: {report.summary()}."
        if report.errors:
            text += " See the log for the packages that could not be read."
        if self._manual or report.changed or report.errors:
            self._show_status(text)
        self.refreshed.emit(report)
        if self._restored_from is not None:
            self._tell_restored(report)
        self.read_sources()
        if self._again:
            self._again = False
            self.refresh(manual=self._manual)

    def _on_refresh_failed(self, error: UserError) -> None:
        self._end_refresh()
        if self._again:  # asked again while it ran: that one may find storage back
            self._again = False
            self.refresh(manual=self._manual)
            return
        self._show_status(f"Could not refresh from storage: {error.message} ({error.code})")
        self.refreshFailed.emit(error)

    def _end_refresh(self) -> None:
        self._refreshing = False
        self.action.setEnabled(True)

    def _tell_restored(self, report: RefreshReport) -> None:
        moved, self._restored_from = self._restored_from, None
        box = QMessageBox(self._window)
        box.setObjectName(RESTORED_NOTICE)
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle("Catalog restored")
        box.setText(
            f"The catalog file was damaged, so VeriPost made a new one and filled it from "
            f"storage: {report.added} package(s) came back."
        )
        box.setInformativeText(
            "Packages that failed to ingest on this computer are not in storage and are not "
            "listed again."
        )
        box.setDetailedText(f"The damaged file was kept as:\n{moved}")
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.open()

    # ---- reading sources ---------------------------------------------------

    def read_sources(self) -> None:
        """Read, a chunk at a time, the packages that lack the current reading."""
        if self._reading or self._closed:
            return
        self._reading = True
        services = self._services()
        skip = frozenset(self._unreadable)
        self._calls.start(
            "read sources from storage",
            lambda _progress: read_outdated_packages(
                services.catalog, services.store, limit=READ_CHUNK, skip=skip
            ),
            self._on_read,
            self._on_read_failed,
            priority=-1,
        )

    def _on_read(self, report: ReadingReport) -> None:
        self._reading = False
        # Not tried again this session: each failure is in the log.
        self._unreadable.update(package_id for package_id, _error in report.failed)
        if report.read_ids:
            self.packagesRead.emit(list(report.read_ids))
        if report.remaining and not self._closed:
            self.read_sources()

    def _on_read_failed(self, error: UserError) -> None:
        self._reading = False
        log.warning("reading sources from storage stopped: %s (%s)", error.code, error.detail)
