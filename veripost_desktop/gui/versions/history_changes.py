"""What changed between the versions of the post shown in Details, read on a
worker: ``core.versions.history`` ranks by similarity (a scan of the section
hashes) once per version, work the GUI thread must not do."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject, QThreadPool

from veripost_desktop.core.errors import UserError
from veripost_desktop.core.services import Services
from veripost_desktop.core.versions import VersionEntry, history
from veripost_desktop.gui.versions.history_view import PostHistoryView
from veripost_desktop.gui.workers.core_call_runner import CoreCallRunner

log = logging.getLogger(__name__)

# A person is looking at it: ahead of queued ingestions, as compare does.
HISTORY_PRIORITY = 10


def _read(
    services: Services, package_id: str, _progress: Callable[[int, int], None]
) -> list[VersionEntry]:
    return history(services.catalog, package_id)


class HistoryChanges(QObject):
    def __init__(
        self,
        view: PostHistoryView,
        services: Callable[[], Services],
        pool: QThreadPool,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._view = view
        self._services = services
        self.runner = CoreCallRunner(pool, self)
        view.historyShown.connect(self.read)

    @property
    def busy(self) -> bool:
        return self.runner.active_count > 0

    def close(self) -> None:
        self.runner.close()

    def read(self, package_id: str) -> None:
        self.runner.start(
            f"history of package {package_id}",
            partial(_read, self._services(), package_id),
            partial(self._view.show_changes, package_id),
            partial(self._on_failed, package_id),
            priority=HISTORY_PRIORITY,
        )

    def _on_failed(self, package_id: str, error: UserError) -> None:
        # The list of versions is shown already; only the changes are missing.
        log.warning("history of %s not read: %s (%s)", package_id, error.code, error.detail)
        self._view.show_changes(package_id, [])
