"""PackageTableModel's parser columns, warnings tooltip and row removal, with no view."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtTest import QSignalSpy
from pytestqt.qtbot import QtBot

from tests.gui.test_package_table_model import record
from veripost_desktop.core.catalog import PackageStatus
from veripost_desktop.core.catalog.records import WarningRecord
from veripost_desktop.core.ingestion import IngestEvent
from veripost_desktop.gui.packages.package_table_model import (
    COL_CONTROLLER,
    COL_MACHINE,
    COL_NAME,
    COL_STATUS,
    COL_SYSTEM,
    COL_WARNINGS,
    PackageTableModel,
    ProgressRole,
    SortRole,
)

TIP = Qt.ItemDataRole.ToolTipRole
ICON = Qt.ItemDataRole.DecorationRole

WARNINGS = [
    WarningRecord("missing_library", f"Library {i}.LIB is missing.", "POST.SRC", 100 + i)
    for i in range(7)
]


def test_machine_controller_system_and_warning_counts(qapp: object) -> None:
    lookups: list[str] = []

    def lookup(package_id: str) -> list[WarningRecord]:
        lookups.append(package_id)
        return WARNINGS

    model = PackageTableModel(warning_lookup=lookup)
    ready = PackageStatus.READY
    model.set_packages(
        [
            record(
                1,
                status=ready,
                machine="RSCNC32",
                controller="GRBL",
                system="MILL",
                warning_count=7,
            ),
            record(2, status=ready, warning_count=0),
            record(3, status=ready, warning_count=None),  # stored before parsing existed
            record(4, status=PackageStatus.STORING),
        ]
    )

    def cell(row: int, column: int, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        return model.index(row, column).data(role)

    assert [cell(0, c) for c in (COL_MACHINE, COL_CONTROLLER, COL_SYSTEM)] == [
        "RSCNC32",
        "GRBL",
        "MILL",
    ]
    assert cell(1, COL_MACHINE) == ""
    assert cell(0, COL_WARNINGS) == "7" and cell(0, COL_WARNINGS, ICON) is not None
    assert cell(1, COL_WARNINGS) == "" and cell(1, COL_WARNINGS, ICON) is None
    assert cell(2, COL_WARNINGS) == "not parsed"
    assert cell(2, COL_WARNINGS, TIP) == "Not parsed yet"
    assert cell(3, COL_WARNINGS) == "" and cell(3, COL_WARNINGS, TIP) is None

    tip = str(cell(0, COL_WARNINGS, TIP))
    lines = tip.splitlines()
    assert lines[0] == "missing_library: Library 0.LIB is missing. (POST.SRC:100)"
    assert len(lines) == 6 and lines[-1] == "...and 2 more (see Details)"
    assert cell(0, COL_WARNINGS, TIP) == tip
    assert lookups == ["pkg-1"]  # read once, then cached
    # A new job (a retry) may have other warnings: read again.
    model.update_package(record(1, status=ready, job_id="job-1b", warning_count=7))
    cell(0, COL_WARNINGS, TIP)
    assert lookups == ["pkg-1", "pkg-1"]

    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SortRole)
    proxy.sort(COL_WARNINGS, Qt.SortOrder.DescendingOrder)
    assert proxy.index(0, COL_NAME).data() == "Post 1"


def test_progress_role_for_the_status_delegate(qapp: object) -> None:
    model = PackageTableModel()
    model.set_packages([record(1)])
    index = model.index(0, COL_STATUS)
    assert index.data(ProgressRole) is None
    model.apply_event(IngestEvent("pkg-1", "job-1", PackageStatus.STORING, 250, 1000))
    assert index.data(ProgressRole) == (250, 1000)
    assert model.index(0, COL_NAME).data(ProgressRole) is None
    model.apply_event(IngestEvent("pkg-1", "job-1", PackageStatus.READY, 1000, 1000))
    assert index.data(ProgressRole) is None


def test_remove_takes_out_one_row_and_keeps_the_ids_straight(qtbot: QtBot, qapp: object) -> None:
    model = PackageTableModel()
    model.set_packages([record(1), record(2), record(3), record(4)])
    removed = QSignalSpy(model.rowsRemoved)
    with qtbot.assertNotEmitted(model.modelReset):
        assert model.remove_package("pkg-2")
    assert removed.count() == 1 and (removed.at(0)[1], removed.at(0)[2]) == (1, 1)
    assert [r.id for r in model.records()] == ["pkg-1", "pkg-3", "pkg-4"]
    assert [model.rowForId(f"pkg-{n}") for n in (1, 2, 3, 4)] == [0, -1, 1, 2]
    assert not model.remove_package("pkg-2")
    # Later updates still land on the right row.
    model.update_package(record(4, status=PackageStatus.READY))
    assert model.index(2, COL_STATUS).data() == "ready"
    assert model.index(1, COL_STATUS).data() == "pending"
