"""The question on a drop, asked when the dropped packages are ready.

Dropping asks nothing at once: whether a package continues a post is
weighed by its sections, which exist once it is ready. So the packages the
ingestion starts are gathered in groups (those started while a group still
has packages running join it: a second drop during a first gets the same
one question), and when every package of a group has finished, a worker
looks for the listed versions the ready ones most likely continue
(``candidates.py``). If there are any, the window asks once for the group;
*New version* links each to its candidate on a worker
(``core.versions.link_version``, which also rewrites the manifest for the
team) and puts the linked records in their rows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtWidgets import QWidget

from veripost_desktop.core.catalog import PackageRecord
from veripost_desktop.core.errors import UserError, as_user_error
from veripost_desktop.core.services import Services
from veripost_desktop.core.versions import link_version
from veripost_desktop.gui.packages.package_table_model import PackageTableModel
from veripost_desktop.gui.versions.candidates import VersionMatch, find_version_matches
from veripost_desktop.gui.versions.version_question import ask_about_versions, zip_name
from veripost_desktop.gui.widgets.error_dialog import show_error
from veripost_desktop.gui.workers.core_call_runner import CoreCallRunner

log = logging.getLogger(__name__)


@dataclass(eq=False)
class _Group:
    """Packages started close together; asked about together."""

    ids: list[str] = field(default_factory=list)
    running: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class LinkResult:
    linked: list[PackageRecord]
    failures: list[tuple[VersionMatch, UserError]]


def _find(
    services: Services, package_ids: list[str], _progress: Callable[[int, int], None]
) -> list[VersionMatch]:
    return find_version_matches(services.catalog, package_ids)


def _link(
    services: Services, matches: list[VersionMatch], _progress: Callable[[int, int], None]
) -> LinkResult:
    # In the order the packages were added: a package whose candidate was
    # dropped with it is linked after that one has joined its own post.
    linked, failures = [], []
    for match in matches:
        try:
            linked.append(
                link_version(services.catalog, services.store, match.package.id, match.candidate.id)
            )
        except Exception as exc:  # noqa: BLE001 - reported with the others, after
            failures.append((match, as_user_error(exc)))
    return LinkResult(linked, failures)


class DropVersions(QObject):
    #: Packages were made new versions of posts (their fresh records).
    linked = Signal(list)  # list[PackageRecord]
    #: The question was answered (True: New version); for tests and the status bar.
    answered = Signal(bool)

    def __init__(
        self,
        window: QWidget,
        services: Callable[[], Services],
        model: PackageTableModel,
        pool: QThreadPool,
        show_status: Callable[[str], None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._services = services
        self._model = model
        self._show_status = show_status
        self.runner = CoreCallRunner(pool, self)
        self._group: _Group | None = None
        self._asking = False
        self._waiting_answers: list[list[VersionMatch]] = []

    @property
    def busy(self) -> bool:
        return self.runner.active_count > 0

    def close(self) -> None:
        self.runner.close()

    # ---- grouping (connected to the ingestion controller) --------------------

    def on_packages_started(self, records: list[PackageRecord]) -> None:
        group = self._group
        if group is None or not group.running:
            group = self._group = _Group()
        for record in records:
            if record.id not in group.running:
                group.ids.append(record.id)
                group.running.add(record.id)

    def on_package_finished(self, record: PackageRecord) -> None:
        group = self._group
        if group is None or record.id not in group.running:
            return
        group.running.discard(record.id)
        if group.running:
            return
        self._group = None
        ids = list(dict.fromkeys(group.ids))
        services = self._services()
        self.runner.start(
            f"look for posts {len(ids)} new package(s) continue",
            partial(_find, services, ids),
            self._on_matches,
            self._on_search_failed,
        )

    # ---- asking ----------------------------------------------------------------

    def _on_matches(self, matches: list[VersionMatch]) -> None:
        if not matches:
            return
        if self._asking:  # one question at a time; the next waits for this answer
            self._waiting_answers.append(matches)
            return
        self._ask(matches)

    def _ask(self, matches: list[VersionMatch]) -> None:
        self._asking = True
        try:
            yes = ask_about_versions(self._window, matches)
        finally:
            self._asking = False
        self.answered.emit(yes)
        if yes:
            services = self._services()
            self.runner.start(
                f"link {len(matches)} package(s) as new versions",
                partial(_link, services, matches),
                self._on_linked,
                partial(self._on_failed, "Versions not linked"),
            )
        else:
            self._show_status(
                f"Kept {len(matches)} package(s) as posts of their own."
                if len(matches) > 1
                else f"Kept {zip_name(matches[0])} as a post of its own."
            )
        if self._waiting_answers:
            self._ask(self._waiting_answers.pop(0))

    def _on_linked(self, result: LinkResult) -> None:
        for record in result.linked:
            self._model.update_package(record)
        if result.linked:
            if len(result.linked) == 1:
                record = result.linked[0]
                count = self._model.version_count(record.post)
                self._show_status(
                    f"{record.name} is now version {record.version_number} of {count}."
                )
            else:
                self._show_status(
                    f"Made {len(result.linked)} packages new versions of their posts."
                )
            self.linked.emit(result.linked)
        if result.failures:
            match, error = result.failures[0]
            more = len(result.failures) - 1
            show_error(
                self._window,
                error,
                title="Version not linked",
                subject=f"Package: {zip_name(match)}" + (f" (and {more} more)" if more else ""),
            )

    def _on_search_failed(self, error: UserError) -> None:
        # Nobody asked for this look-up: the status bar, not a dialog.
        log.warning("looking for earlier versions failed: %s (%s)", error.code, error.detail)
        self._show_status(f"Could not look for earlier versions: {error.message}")

    def _on_failed(self, title: str, error: UserError) -> None:
        log.warning("%s: %s (%s)", title, error.code, error.detail)
        show_error(self._window, error, title=title)
