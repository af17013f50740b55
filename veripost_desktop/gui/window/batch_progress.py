"""The status bar's account of a batch: "Ingesting 3 of 12 · 45 MB of
120 MB · 2 failed", with a progress bar and a Cancel all button.

A batch is every ingestion started while another one was still running: it
begins when the first starts and ends when the last one finishes. Starts and
endings update the text at once (they are few); byte progress arrives as
row changes in the package model and is folded in at most every
``REFRESH_MS``, so a fast upload never repaints the status bar per chunk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from veripost_desktop.core.catalog import PackageRecord, PackageStatus
from veripost_desktop.core.errors import ErrorCode
from veripost_desktop.core.formatting import human_size
from veripost_desktop.gui.drops.ingestion_controller import IngestionController
from veripost_desktop.gui.packages.package_table_model import PackageTableModel

REFRESH_MS = 250
_STEPS = 1000  # the bar's range: byte counts pass what a C int holds


@dataclass(frozen=True)
class BatchSnapshot:
    total: int
    ready: int
    failed: int
    cancelled: int
    bytes_done: int
    bytes_total: int

    @property
    def finished(self) -> int:
        return self.ready + self.failed + self.cancelled

    @property
    def fraction(self) -> float:
        if self.bytes_total > 0:
            return min(1.0, self.bytes_done / self.bytes_total)
        return self.finished / self.total if self.total else 0.0


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def progress_text(batch: BatchSnapshot) -> str:
    parts = [f"Ingesting {batch.finished} of {batch.total}"]
    if batch.bytes_total:
        parts.append(f"{human_size(batch.bytes_done)} of {human_size(batch.bytes_total)}")
    if batch.failed:
        parts.append(f"{batch.failed} failed")
    if batch.cancelled:
        parts.append(f"{batch.cancelled} cancelled")
    return " · ".join(parts)


def summary_text(batch: BatchSnapshot) -> str:
    parts = [f"{batch.ready} ready"]
    if batch.failed:
        parts.append(f"{batch.failed} failed")
    if batch.cancelled:
        parts.append(f"{batch.cancelled} cancelled")
    return f"Ingested {_plural(batch.total, 'package')}: {', '.join(parts)}."


def _outcome(record: PackageRecord) -> str:
    if record.status is PackageStatus.READY:
        return "ready"
    if record.error_code == ErrorCode.CANCELLED:
        return "cancelled"
    return "failed"


class BatchTracker(QObject):
    """Counts the current batch; no widgets (tests read it directly)."""

    changed = Signal(object)  # BatchSnapshot, throttled
    ended = Signal(object)  # BatchSnapshot: the batch's last package finished

    def __init__(
        self,
        ingestion: IngestionController,
        model: PackageTableModel,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._ingestion = ingestion
        self._model = model
        self._ids: dict[str, None] = {}  # insertion-ordered set
        self._outcomes: dict[str, str] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._refresh)
        # Once per drop, not per package: a snapshot walks the whole batch.
        ingestion.packages_started.connect(self._on_started)
        ingestion.package_finished.connect(self._on_finished)
        model.dataChanged.connect(self._on_rows_changed)

    @property
    def active(self) -> bool:
        return bool(self._ids)

    def snapshot(self) -> BatchSnapshot:
        counts = {"ready": 0, "failed": 0, "cancelled": 0}
        done = total = 0
        for package_id in self._ids:
            record = self._model.record(package_id)
            size = record.total_bytes if record is not None else 0
            total += size
            outcome = self._outcomes.get(package_id)
            if outcome is not None:
                counts[outcome] += 1
                done += size
            elif record is not None and record.status is PackageStatus.PARSING:
                done += size
            else:
                progress = self._model.progress(package_id)
                done += progress.bytes_done if progress is not None else 0
        return BatchSnapshot(len(self._ids), **counts, bytes_done=done, bytes_total=total)

    def _on_started(self, records: list[PackageRecord]) -> None:
        for record in records:
            self._outcomes.pop(record.id, None)  # a retry within the batch runs again
            self._ids[record.id] = None
        self._refresh()

    def _on_finished(self, record: PackageRecord) -> None:
        if record.id not in self._ids:
            return
        self._outcomes[record.id] = _outcome(record)
        if len(self._outcomes) == len(self._ids) and not self._ingestion.active_count:
            final = self.snapshot()
            self._ids.clear()
            self._outcomes.clear()
            self._timer.stop()
            self.ended.emit(final)
        else:
            self._refresh()

    def _on_rows_changed(self, *_: object) -> None:
        if self._ids and not self._timer.isActive():
            self._timer.start()

    def _refresh(self) -> None:
        self._timer.stop()
        if self._ids:
            self.changed.emit(self.snapshot())


class BatchStatusWidget(QWidget):
    """Text, bar and Cancel all, for the status bar; hidden between batches.
    It follows ``tracker``, runs ``cancel_all`` and sums a batch up through
    ``show_status`` when it ends."""

    def __init__(
        self,
        tracker: BatchTracker,
        ingestion: IngestionController,
        cancel_all: QAction,
        show_status: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("batchStatus")
        self._ingestion = ingestion
        self._cancel_all = cancel_all
        self._status = show_status
        self.label = QLabel(self)
        self.label.setObjectName("batchLabel")
        self.bar = QProgressBar(self)
        self.bar.setObjectName("batchProgress")
        self.bar.setRange(0, _STEPS)
        self.bar.setMaximumWidth(160)
        self.bar.setAccessibleName("Ingestion progress")
        self.button = QToolButton(self)
        self.button.setObjectName("cancelAllButton")
        self.button.setDefaultAction(cancel_all)
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.button.setAutoRaise(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.button)
        self.setVisible(False)
        tracker.changed.connect(self.show_batch)
        tracker.ended.connect(self._on_ended)
        cancel_all.triggered.connect(self.cancel_all)

    def show_batch(self, batch: BatchSnapshot) -> None:
        text = progress_text(batch)
        self.label.setText(text)
        self.bar.setValue(round(batch.fraction * _STEPS))
        self.bar.setAccessibleDescription(text)
        self.setVisible(True)
        self._cancel_all.setEnabled(self._ingestion.active_count > 0)

    def cancel_all(self) -> None:
        count = self._ingestion.cancel_all()
        self._status(f"Cancelling {count} ingestion(s)..." if count else "Nothing to cancel.")

    def _on_ended(self, batch: BatchSnapshot) -> None:
        self.setVisible(False)
        self.label.clear()
        self.bar.reset()
        self._cancel_all.setEnabled(False)
        self._status(summary_text(batch))
