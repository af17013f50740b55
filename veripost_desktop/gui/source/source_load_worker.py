"""Reads one stored text file for the source viewer, off the GUI thread.

The bytes come from storage (the network, for MinIO); their SHA-256 and
size are checked against the catalog as they arrive, as a download does, so
the viewer never shows something other than what was stored. The text is
decoded the way the parser decoded it (cp1252, or UTF-8 with a signature),
so line numbers in the outline and in warnings match what is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from veripost_desktop.core.catalog import FileRecord
from veripost_desktop.core.catalog.records import SectionRecord
from veripost_desktop.core.downloads import read_verified
from veripost_desktop.core.errors import ErrorCode, VeriPostError
from veripost_desktop.core.services import Services
from veripost_desktop.core.upg.text_decoding import decode_text
from veripost_desktop.gui.workers.reporting_worker import ReportingSignals, ReportingWorker

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


class SourceLoadSignals(ReportingSignals):
    """``finished``: a ``LoadedSource``; ``failed``: a ``UserError``."""


class SourceLoadWorker(ReportingWorker[SourceLoadSignals]):
    def __init__(
        self,
        services: Services,
        package_id: str,
        filename: str,
        cancel: Callable[[], bool],
    ) -> None:
        super().__init__(f"showing {filename}", SourceLoadSignals())
        self.package_id = package_id
        self.filename = filename
        self._services = services
        self._cancel = cancel

    def work(self) -> LoadedSource:
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
