"""Reads one stored text file for the source viewer, off the GUI thread.

The bytes come from storage (the network, for MinIO); their SHA-256 and
size are checked against the catalog as they arrive, as a download does, so
the viewer never shows something other than what was stored. The text is
decoded the way the parser decoded it (cp1252, or UTF-8 with a signature),
so line numbers in the outline and in warnings match what is shown.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QRunnable, Signal

from veripost_desktop.core.catalog import FileRecord
from veripost_desktop.core.catalog.records import SectionRecord
from veripost_desktop.core.downloads import read_verified
from veripost_desktop.core.errors import ErrorCode, VeriPostError, as_user_error
from veripost_desktop.core.services import Services
from veripost_desktop.core.upg.text_decoding import decode_text

log = logging.getLogger(__name__)

# A QPlainTextEdit holds about 10 bytes per character plus its layout; past
# this a file is better saved and opened in an editor.
MAX_VIEW_BYTES = 64 * 1024 * 1024

# Not a core error code yet: the viewer is the only place that needs text.
NOT_TEXT = "not_text"


@dataclass(frozen=True)
class LoadedSource:
    file: FileRecord
    text: str
    sections: tuple[SectionRecord, ...]


class SourceLoadSignals(QObject):
    """Lives in the GUI thread; emitted from the pool thread (queued)."""

    finished = Signal(object)  # LoadedSource
    failed = Signal(object)  # UserError


class SourceLoadWorker(QRunnable):
    def __init__(
        self,
        services: Services,
        package_id: str,
        filename: str,
        cancel: Callable[[], bool],
    ) -> None:
        super().__init__()
        self.package_id = package_id
        self.filename = filename
        self.signals = SourceLoadSignals()
        self._services = services
        self._cancel = cancel

    def run(self) -> None:
        try:
            loaded = self._load()
        except BaseException as exc:  # noqa: BLE001 - always end with one signal
            error = as_user_error(exc)
            log.warning("could not show %s: %s (%s)", self.filename, error.code, error.detail)
            self.signals.failed.emit(error)
            return
        self.signals.finished.emit(loaded)

    def _load(self) -> LoadedSource:
        catalog = self._services.catalog
        record = catalog.get_file(self.package_id, self.filename)
        if record.size_bytes > MAX_VIEW_BYTES:
            raise VeriPostError(
                ErrorCode.TOO_LARGE,
                "This file is too large to show here. Save a copy and open it in an editor.",
                f"{record.filename}: {record.size_bytes} bytes (viewer limit {MAX_VIEW_BYTES})",
            )
        data = read_verified(
            self._services.store,
            record,
            self._cancel,
            mismatch_message="The stored file does not match what was uploaded, so it is "
            "not shown.",
        )
        decoded = decode_text(data, record.filename)
        if not decoded.is_text:
            raise VeriPostError(
                NOT_TEXT,
                "This file is not text, so it cannot be shown. Save a copy instead.",
                "; ".join(w.text for w in decoded.warnings),
            )
        sections = catalog.list_sections(self.package_id, record.filename)
        return LoadedSource(record, decoded.text, tuple(sections))
