"""The file table: the stored files of the selected package."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase

from veripost_desktop.core.catalog import FileRecord
from veripost_desktop.core.formatting import human_size
from veripost_desktop.gui.widgets.record_table_model import ModelIndex, RecordTableModel

COL_NAME = 0
COL_TYPE = 1
COL_SIZE = 2
COL_SHA256 = 3

HEADERS = ("Name", "Type", "Size", "SHA-256")
HEADER_TIPS = (
    "The file's name in the package (double-click to save a copy)",
    "The UPG file type: SRC, LIB, CTL, KIN, ATR, PINF or LNG",
    "The file's size",
    "The SHA-256 of the stored bytes, checked on every download",
)

FileRecordRole = Qt.ItemDataRole.UserRole + 1
# Raw values so the proxy sorts sizes as numbers.
SortRole = Qt.ItemDataRole.UserRole + 2


@cache
def _fixed_font() -> QFont:
    # Created on first use: a QFont needs the QGuiApplication to exist.
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)


def file_type(record: FileRecord) -> str:
    """What a person calls the file type: SRC for ".SRC"."""
    return record.extension.lstrip(".").upper()


class FileTableModel(RecordTableModel):
    headers = HEADERS
    header_tips = HEADER_TIPS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._package_id: str | None = None
        self._records: list[FileRecord] = []
        self._rows: dict[str, int] = {}

    @property
    def package_id(self) -> str | None:
        """The package whose files are shown, or None."""
        return self._package_id

    # ---- Qt model interface ----------------------------------------------

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._records):
            return None
        record = self._records[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(record, column)
        if role == SortRole:
            return record.size_bytes if column == COL_SIZE else self._display(record, column)
        if role == FileRecordRole:
            return record
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_NAME:
                return "Double-click to save a copy"
            if column == COL_SIZE:
                return f"{record.size_bytes:,} bytes"
            return None
        if role == Qt.ItemDataRole.FontRole and column == COL_SHA256:
            return _fixed_font()
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    # ---- lookups and changes ---------------------------------------------

    def rowForName(self, filename: str) -> int:
        """The row holding ``filename``, or -1."""
        return self._rows.get(filename, -1)

    def records(self) -> list[FileRecord]:
        return list(self._records)

    def set_files(self, package_id: str | None, records: Iterable[FileRecord]) -> None:
        """Show another package's files (or none): a reset is the honest signal here."""
        self.beginResetModel()
        self._package_id = package_id
        self._records = list(records)
        self._rows = {r.filename: i for i, r in enumerate(self._records)}
        self.endResetModel()

    def clear(self) -> None:
        self.set_files(None, [])

    @staticmethod
    def _display(record: FileRecord, column: int) -> str:
        if column == COL_NAME:
            return record.filename
        if column == COL_TYPE:
            return file_type(record)
        if column == COL_SIZE:
            return human_size(record.size_bytes)
        if column == COL_SHA256:
            return record.sha256
        return ""
