"""The window as it was left: geometry, toolbar state, the splitter, each
table's column widths, order and sort, and view switches (*Latest versions
only*), kept in QSettings under ``window/``.

Qt's own ``saveGeometry`` / ``saveState`` blobs are stored as they are; a blob
that does not restore (another Qt version, a hand-edited file) is ignored and
the built-in layout stays.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter, QTableView

log = logging.getLogger(__name__)

GROUP = "window"
_GEOMETRY = "geometry"
_STATE = "state"
_SPLITTER = "splitter"
_HEADER = "header/{}"  # by the table's objectName
_FLAG = "view/{}"  # a view switch, by name


def _blob(qsettings: QSettings, key: str) -> QByteArray | None:
    value = qsettings.value(f"{GROUP}/{key}")
    if isinstance(value, QByteArray) and not value.isEmpty():
        return value
    if isinstance(value, bytes | bytearray) and value:
        return QByteArray(bytes(value))
    return None


def save_window_state(
    qsettings: QSettings,
    window: QMainWindow,
    splitter: QSplitter,
    tables: list[QTableView],
    flags: dict[str, bool] | None = None,
) -> None:
    qsettings.setValue(f"{GROUP}/{_GEOMETRY}", window.saveGeometry())
    qsettings.setValue(f"{GROUP}/{_STATE}", window.saveState())
    qsettings.setValue(f"{GROUP}/{_SPLITTER}", splitter.saveState())
    for table in tables:
        key = _HEADER.format(table.objectName())
        qsettings.setValue(f"{GROUP}/{key}", table.horizontalHeader().saveState())
    for name, value in (flags or {}).items():
        qsettings.setValue(f"{GROUP}/{_FLAG.format(name)}", bool(value))
    qsettings.sync()
    if qsettings.status() is not QSettings.Status.NoError:
        # Not worth a dialog on the way out: the next start uses the defaults.
        log.warning("window layout not saved to %s: %s", qsettings.fileName(), qsettings.status())


def restore_window_state(
    qsettings: QSettings, window: QMainWindow, splitter: QSplitter, tables: list[QTableView]
) -> bool:
    """Put back what ``save_window_state`` kept; returns whether the geometry was restored."""
    geometry = _blob(qsettings, _GEOMETRY)
    restored = geometry is not None and window.restoreGeometry(geometry)
    state = _blob(qsettings, _STATE)
    if state is not None:
        window.restoreState(state)
    splitter_state = _blob(qsettings, _SPLITTER)
    if splitter_state is not None:
        splitter.restoreState(splitter_state)
    for table in tables:
        header_state = _blob(qsettings, _HEADER.format(table.objectName()))
        header = table.horizontalHeader()
        if header_state is not None and header.restoreState(header_state):
            # The sort indicator comes back with the header; sort the rows to match.
            table.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())
    return restored


def restore_flag(qsettings: QSettings, name: str) -> bool:
    """A view switch ``save_window_state`` kept; False if never saved."""
    value = qsettings.value(f"{GROUP}/{_FLAG.format(name)}", False)
    # The INI format hands booleans back as the strings "true" / "false".
    return value is True or str(value).lower() == "true"
