"""Opening compare windows and *Find similar posts* dialogs, the work of each
done on the window's thread pool (``CoreCallRunner``): the GUI thread never
reads storage, a ZIP or a source.

Several compare windows may be open at once; asking again for a pair that
has a window raises it. A comparison that fails (a refused ZIP, storage that
cannot be reached) closes its window and shows the one error dialog.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject, QThreadPool
from PySide6.QtWidgets import QWidget

from veripost_desktop.core.compare import SimilarPost, compare, rank_similar
from veripost_desktop.core.compare.model import PackageComparison
from veripost_desktop.core.errors import UserError
from veripost_desktop.core.services import Services
from veripost_desktop.gui.compare.similar_dialog import SimilarPostsDialog
from veripost_desktop.gui.compare.window import CompareWindow, SaveFolder
from veripost_desktop.gui.widgets.error_dialog import show_error
from veripost_desktop.gui.workers.core_call_runner import CoreCallRunner

log = logging.getLogger(__name__)

# A person is waiting to read: overtake queued ingestions, as the source viewer does.
COMPARE_PRIORITY = 10

_Pair = tuple[str, str]


class CompareController(QObject):
    def __init__(
        self,
        window_parent: QWidget,
        services: Callable[[], Services],
        pool: QThreadPool,
        save_folder: SaveFolder,
    ) -> None:
        super().__init__(window_parent)
        self._parent = window_parent
        self._services = services
        self._save_folder = save_folder
        self.runner = CoreCallRunner(pool, self)
        self._windows: dict[_Pair, CompareWindow] = {}
        self._dialogs: dict[str, SimilarPostsDialog] = {}

    def windows(self) -> list[CompareWindow]:
        return list(self._windows.values())

    def dialogs(self) -> list[SimilarPostsDialog]:
        return list(self._dialogs.values())

    # ---- compare -------------------------------------------------------------------

    def compare(self, a_ref: str, b_ref: str, a_title: str, b_title: str) -> CompareWindow:
        """Open a window comparing ``a_ref`` with ``b_ref`` (package ids or ZIP paths)."""
        key = (a_ref, b_ref)
        window = self._windows.get(key)
        if window is not None:
            _raise(window)
            return window
        window = CompareWindow(a_title, b_title, self.runner, self._save_folder, self._parent)
        window.closed.connect(partial(self._on_window_closed, key))
        self._windows[key] = window
        window.show()
        services = self._services()
        started = time.perf_counter()

        def call(_progress: Callable[[int, int], None]) -> PackageComparison:
            return compare(services.catalog, services.store, a_ref, b_ref, services.settings)

        self.runner.start(
            f"compare {a_ref} with {b_ref}",
            call,
            partial(self._on_compared, key, window, started),
            partial(self._on_compare_failed, key, window, a_title, b_title),
            priority=COMPARE_PRIORITY,
        )
        return window

    def _on_compared(
        self, key: _Pair, window: CompareWindow, started: float, comparison: PackageComparison
    ) -> None:
        if self._windows.get(key) is not window:  # closed while it ran
            return
        window.show_comparison(comparison)
        log.info(
            "compared %s with %s in %.3f s (%d sections differ)",
            key[0],
            key[1],
            time.perf_counter() - started,
            len(comparison.sections),
        )

    def _on_compare_failed(
        self, key: _Pair, window: CompareWindow, a_title: str, b_title: str, error: UserError
    ) -> None:
        if self._windows.get(key) is not window:
            return
        window.close()
        show_error(
            self._parent,
            error,
            title="Posts not compared",
            subject=f"A: {a_title}\nB: {b_title}",
        )

    def _on_window_closed(self, key: _Pair) -> None:
        window = self._windows.pop(key, None)
        if window is not None:
            window.deleteLater()

    # ---- similar posts ----------------------------------------------------------------

    def find_similar(self, package_id: str, name: str) -> SimilarPostsDialog:
        dialog = self._dialogs.get(package_id)
        if dialog is not None:
            _raise(dialog)
            return dialog
        dialog = SimilarPostsDialog(package_id, name, self._parent)
        dialog.closed.connect(partial(self._on_dialog_closed, package_id))
        dialog.compareRequested.connect(partial(self._compare_similar, dialog))
        self._dialogs[package_id] = dialog
        dialog.show()
        catalog = self._services().catalog

        def call(_progress: Callable[[int, int], None]) -> list[SimilarPost]:
            return rank_similar(catalog, package_id, None)

        self.runner.start(
            f"rank packages similar to {package_id}",
            call,
            partial(self._on_ranked, package_id, dialog),
            partial(self._on_rank_failed, package_id, dialog),
            priority=COMPARE_PRIORITY,
        )
        return dialog

    def _on_ranked(
        self, package_id: str, dialog: SimilarPostsDialog, posts: list[SimilarPost]
    ) -> None:
        if self._dialogs.get(package_id) is dialog:
            dialog.show_posts(posts)

    def _on_rank_failed(
        self, package_id: str, dialog: SimilarPostsDialog, error: UserError
    ) -> None:
        if self._dialogs.get(package_id) is not dialog:
            return
        dialog.show_failure(error)
        show_error(
            dialog,
            error,
            title="Similar posts not found",
            subject=f"Package: {dialog.package_name}",
        )

    def _compare_similar(self, dialog: SimilarPostsDialog, other_id: str) -> None:
        other = next((p for p in dialog.posts or () if p.package_id == other_id), None)
        other_name = other.name if other is not None else other_id
        self.compare(dialog.package_id, other_id, dialog.package_name, other_name)

    def _on_dialog_closed(self, package_id: str) -> None:
        dialog = self._dialogs.pop(package_id, None)
        if dialog is not None:
            dialog.deleteLater()

    # ---- closing ----------------------------------------------------------------------

    def close_all(self) -> None:
        """The main window is closing: late results are dropped, windows closed."""
        self.runner.close()
        for window in list(self._windows.values()):
            window.close()
        for dialog in list(self._dialogs.values()):
            dialog.close()


def _raise(widget: QWidget) -> None:
    widget.show()
    widget.raise_()
    widget.activateWindow()
