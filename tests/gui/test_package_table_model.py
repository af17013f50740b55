"""PackageTableModel with no view: rows, cells, and one-row updates."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtTest import QSignalSpy
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from veripost_desktop.core.catalog import PackageRecord, PackageStatus
from veripost_desktop.core.errors import ErrorCode, UserError
from veripost_desktop.core.ingestion import IngestEvent
from veripost_desktop.gui.packages.package_filter import PackageFilterProxy, StatusFilter
from veripost_desktop.gui.packages.package_table_model import (
    COL_ADDED,
    COL_FILES,
    COL_JOB_ID,
    COL_NAME,
    COL_PACKAGE_ID,
    COL_SECTIONS,
    COL_SIZE,
    COL_STATUS,
    COL_UPLOADED_BY,
    COL_WARNINGS,
    HEADERS,
    PackageRecordRole,
    PackageTableModel,
    ProgressRole,
    SortRole,
)

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
DISPLAY = Qt.ItemDataRole.DisplayRole


def record(n: int, **fields: object) -> PackageRecord:
    base = PackageRecord(
        id=f"pkg-{n}",
        name=f"Post {n}",
        status=PackageStatus.PENDING,
        error_code=None,
        error_message=None,
        error_detail=None,
        file_count=4,
        section_count=None,
        total_bytes=1000 * n,
        zip_sha256=None,
        source_path=f"/tmp/post{n}.zip",
        storage_prefix=f"packages/pkg-{n}/",
        job_id=f"job-{n}",
        created_at=T0 + timedelta(minutes=n),
        updated_at=T0 + timedelta(minutes=n),
    )
    return replace(base, **fields)  # type: ignore[arg-type]


@pytest.fixture
def model(qapp: object) -> PackageTableModel:
    m = PackageTableModel()
    m.set_packages([record(1), record(2), record(3)])
    return m


def cell(model: PackageTableModel, row: int, column: int, role: int = DISPLAY) -> object:
    return model.data(model.index(row, column), role)


def test_rows_columns_and_headers(model: PackageTableModel) -> None:
    assert model.rowCount() == 3
    assert model.columnCount() == len(HEADERS) == 14
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(14)] == [
        "Name",
        "Status",
        "Warnings",
        "Machine",
        "Controller",
        "System",
        "Files",
        "Size",
        "Sections",
        "Package ID",
        "Job ID",
        "Added",
        "Uploaded by",
        "Version",
    ]
    assert model.rowCount(model.index(0, 0)) == 0  # a table, not a tree


def test_the_uploader_is_shown_with_the_computer_on_hover(qapp: object) -> None:
    m = PackageTableModel()
    m.set_packages([replace(record(1), uploaded_by="ann", uploaded_host="CAM-PC-7"), record(2)])
    assert cell(m, 0, COL_UPLOADED_BY) == "ann"
    assert cell(m, 0, COL_UPLOADED_BY, Qt.ItemDataRole.ToolTipRole) == "ann on CAM-PC-7"
    assert cell(m, 1, COL_UPLOADED_BY) == ""


def test_cells_show_the_record(model: PackageTableModel) -> None:
    assert cell(model, 1, COL_NAME) == "Post 2"
    assert cell(model, 1, COL_STATUS) == "pending"
    assert cell(model, 1, COL_FILES) == "4"
    assert cell(model, 1, COL_SIZE) == "2.0 KB"
    assert cell(model, 1, COL_SECTIONS) == ""
    assert cell(model, 1, COL_PACKAGE_ID) == "pkg-2"
    assert cell(model, 1, COL_JOB_ID) == "job-2"
    assert str(cell(model, 1, COL_ADDED)).startswith("2024-05-")
    assert cell(model, 1, COL_SIZE, SortRole) == 2000
    assert cell(model, 1, COL_NAME, PackageRecordRole) == record(2)
    assert model.data(QModelIndex()) is None


def test_row_for_id(model: PackageTableModel) -> None:
    assert model.rowForId("pkg-3") == 2
    assert model.rowForId("nope") == -1


def test_update_emits_data_changed_for_exactly_that_row(model: PackageTableModel) -> None:
    changed = QSignalSpy(model.dataChanged)
    reset = QSignalSpy(model.modelReset)
    model.update_package(record(2, status=PackageStatus.READY, section_count=12))
    assert changed.count() == 1
    top_left, bottom_right = changed.at(0)[0], changed.at(0)[1]
    assert (top_left.row(), top_left.column()) == (1, 0)
    assert (bottom_right.row(), bottom_right.column()) == (1, len(HEADERS) - 1)
    assert reset.count() == 0
    assert cell(model, 1, COL_STATUS) == "ready"
    assert cell(model, 1, COL_SECTIONS) == "12"
    assert cell(model, 0, COL_STATUS) == "pending"


def test_events_update_one_row_without_reset(qtbot: QtBot, model: PackageTableModel) -> None:
    def only_row_2(top_left: QModelIndex, bottom_right: QModelIndex, *_: object) -> bool:
        return top_left.row() == bottom_right.row() == 2

    with (
        qtbot.assertNotEmitted(model.modelReset),
        qtbot.assertNotEmitted(model.layoutChanged),
        qtbot.waitSignal(model.dataChanged, check_params_cb=only_row_2, timeout=1000),
    ):
        assert model.apply_event(IngestEvent("pkg-3", "job-3", PackageStatus.VALIDATING))
    assert cell(model, 2, COL_STATUS) == "validating"

    with qtbot.waitSignal(model.dataChanged, check_params_cb=only_row_2, timeout=1000):
        model.apply_event(IngestEvent("pkg-3", "job-3", PackageStatus.STORING, 450, 1000))
    assert cell(model, 2, COL_STATUS) == "storing 45%"
    assert model.progress("pkg-3") is not None

    model.apply_event(IngestEvent("pkg-3", "job-3", PackageStatus.PARSING, 1000, 1000))
    assert cell(model, 2, COL_STATUS) == "parsing"
    assert model.progress("pkg-3") is None


def test_error_event_sets_error_fields_and_tooltip(model: PackageTableModel) -> None:
    error = UserError("storage_unavailable", "Storage is down.", "connect refused")
    model.apply_event(IngestEvent("pkg-1", "job-1", PackageStatus.ERROR, error=error))
    shown = cell(model, 0, COL_NAME, PackageRecordRole)
    assert isinstance(shown, PackageRecord)
    assert (shown.status, shown.error_code, shown.error_detail) == (
        PackageStatus.ERROR,
        "storage_unavailable",
        "connect refused",
    )
    assert cell(model, 0, COL_STATUS, Qt.ItemDataRole.ToolTipRole) == "Storage is down."
    assert cell(model, 1, COL_STATUS, Qt.ItemDataRole.ToolTipRole) is None


def test_events_of_unknown_packages_or_old_jobs_are_ignored(model: PackageTableModel) -> None:
    changed = QSignalSpy(model.dataChanged)
    assert not model.apply_event(IngestEvent("pkg-9", "job-9", PackageStatus.READY))
    assert not model.apply_event(IngestEvent("pkg-1", "old-job", PackageStatus.READY))
    assert changed.count() == 0
    assert cell(model, 0, COL_STATUS) == "pending"


def test_add_inserts_one_row(model: PackageTableModel) -> None:
    inserted = QSignalSpy(model.rowsInserted)
    reset = QSignalSpy(model.modelReset)
    model.add_package(record(4))
    assert inserted.count() == 1
    assert (inserted.at(0)[1], inserted.at(0)[2]) == (3, 3)
    assert reset.count() == 0
    assert model.rowForId("pkg-4") == 3
    model.add_package(record(4, status=PackageStatus.READY))  # known id: an update
    assert model.rowCount() == 4
    assert cell(model, 3, COL_STATUS) == "ready"


def test_proxy_sorts_sizes_as_numbers(qapp: object) -> None:
    model = PackageTableModel()
    model.set_packages(
        [
            record(1, total_bytes=900),
            record(2, total_bytes=10_000),
            record(3, total_bytes=2_000_000),
        ]
    )
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SortRole)
    proxy.sort(COL_SIZE, Qt.SortOrder.DescendingOrder)
    names = [proxy.index(r, COL_NAME).data() for r in range(3)]
    assert names == ["Post 3", "Post 2", "Post 1"]  # as text, "900 bytes" would sort first
    proxy.sort(COL_FILES)
    proxy.sort(COL_SECTIONS)
    proxy.sort(COL_ADDED, Qt.SortOrder.DescendingOrder)
    assert proxy.index(0, COL_NAME).data() == "Post 3"


def _filter_view(model: PackageTableModel) -> tuple[QTableView, PackageFilterProxy]:
    proxy = PackageFilterProxy()
    proxy.setSourceModel(model)
    view = QTableView()
    view.setModel(proxy)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    return view, proxy


def test_sorting_happens_in_the_source_model_and_keeps_the_selection(qapp: object) -> None:
    model = PackageTableModel()
    model.set_packages(
        [record(1, total_bytes=900), record(2, total_bytes=2_000_000), record(3, total_bytes=10)]
    )
    view, proxy = _filter_view(model)
    view.selectRow(0)  # Post 1
    layout = QSignalSpy(model.layoutChanged)
    proxy_sort = QSignalSpy(proxy.layoutChanged)

    view.sortByColumn(COL_SIZE, Qt.SortOrder.DescendingOrder)

    # The model's own rows moved (the proxy forwards sort(), it does not sort).
    assert [r.name for r in model.records()] == ["Post 2", "Post 1", "Post 3"]
    assert layout.count() == 1 and proxy_sort.count() == 1
    assert proxy.sortColumn() == -1
    assert [proxy.index(r, COL_NAME).data() for r in range(3)] == ["Post 2", "Post 1", "Post 3"]
    assert (model.sort_column, model.sort_order) == (COL_SIZE, Qt.SortOrder.DescendingOrder)
    # The selection followed its package to its new row.
    selected = view.selectionModel().selectedRows()
    assert [i.data(PackageRecordRole).id for i in selected] == ["pkg-1"]
    assert selected[0].row() == 1
    assert model.rowForId("pkg-3") == 2

    # A reload comes in the same order, and new rows go to their sorted place.
    model.set_packages([record(1, total_bytes=900), record(3, total_bytes=10)])
    assert [r.name for r in model.records()] == ["Post 1", "Post 3"]
    model.add_packages([record(4, total_bytes=5_000)])
    assert [r.name for r in model.records()] == ["Post 4", "Post 1", "Post 3"]
    assert [model.rowForId(f"pkg-{n}") for n in (4, 1, 3)] == [0, 1, 2]


def test_new_rows_that_sort_last_are_appended_without_a_layout_change(qapp: object) -> None:
    model = PackageTableModel()
    model.sort(COL_ADDED, Qt.SortOrder.AscendingOrder)
    model.set_packages([record(2), record(1)])
    assert [r.id for r in model.records()] == ["pkg-1", "pkg-2"]
    layout = QSignalSpy(model.layoutChanged)
    inserted = QSignalSpy(model.rowsInserted)
    model.add_packages([record(3), record(4)])
    assert layout.count() == 0
    assert inserted.count() == 1 and (inserted.at(0)[1], inserted.at(0)[2]) == (2, 3)


def test_a_progress_tick_repaints_the_status_cell_only(model: PackageTableModel) -> None:
    first = model.record_at(0)
    model.apply_event(IngestEvent(first.id, first.job_id, PackageStatus.STORING, 0, 1000))
    spy = QSignalSpy(model.dataChanged)
    assert model.apply_event(IngestEvent(first.id, first.job_id, PackageStatus.STORING, 500, 1000))
    assert spy.count() == 1
    top_left, bottom_right, roles = spy.at(0)
    assert (top_left.row(), top_left.column()) == (0, COL_STATUS)
    assert (bottom_right.row(), bottom_right.column()) == (0, COL_STATUS)
    assert set(roles) == {int(DISPLAY), int(ProgressRole)}
    assert model.index(0, COL_STATUS).data(ProgressRole) == (500, 1000)
    assert "50" in model.index(0, COL_STATUS).data()  # the cached text was refreshed


def test_a_status_change_repaints_the_cells_it_changes(model: PackageTableModel) -> None:
    first = model.record_at(0)
    spy = QSignalSpy(model.dataChanged)
    model.apply_event(IngestEvent(first.id, first.job_id, PackageStatus.VALIDATING))
    assert spy.count() == 1
    top_left, bottom_right, roles = spy.at(0)
    assert (top_left.column(), bottom_right.column()) == (COL_STATUS, COL_WARNINGS)
    assert int(DISPLAY) in roles and int(PackageRecordRole) in roles
    assert model.index(0, COL_STATUS).data() == "validating"


def test_the_filter_follows_a_status_event(qapp: object) -> None:
    model = PackageTableModel()
    model.set_packages([record(1), record(2)])
    _, proxy = _filter_view(model)
    proxy.set_status_filter(StatusFilter.IN_PROGRESS)
    assert proxy.rowCount() == 2
    first = model.record_at(0)
    error = UserError(ErrorCode.CANCELLED, "Cancelled.", "test")
    model.apply_event(IngestEvent(first.id, first.job_id, PackageStatus.ERROR, error=error))
    assert proxy.rowCount() == 1
