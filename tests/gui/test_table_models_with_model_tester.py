"""pytest-qt's model tester on every hand-written model of the main window and
the source viewer, watching while they change as the window changes them:
sorts (the package model sorts itself and moves persistent indexes by hand),
inserts that sort again, one-row updates, removals, resets and filters."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from pytestqt.modeltest import ModelTester

from tests.gui.test_file_table_model import file_record
from tests.gui.test_package_table_model import record
from veripost_desktop.core.catalog import PackageStatus
from veripost_desktop.core.catalog.records import SectionRecord
from veripost_desktop.core.ingestion import IngestEvent
from veripost_desktop.gui.files.file_table_model import FileTableModel
from veripost_desktop.gui.packages.package_filter import PackageFilterProxy, StatusFilter
from veripost_desktop.gui.packages.package_table_model import (
    COL_NAME,
    COL_SIZE,
    COL_STATUS,
    HEADERS,
    PackageRecordRole,
    PackageTableModel,
)
from veripost_desktop.gui.source.section_outline_model import SectionOutlineModel

DESCENDING = Qt.SortOrder.DescendingOrder
ASCENDING = Qt.SortOrder.AscendingOrder


def package_id_at(index: QModelIndex | QPersistentModelIndex) -> str:
    return index.model().data(index, PackageRecordRole).id  # type: ignore[no-any-return]


def packages() -> list:  # type: ignore[type-arg]
    # Sizes and names in different orders, so each sort moves rows differently.
    return [
        record(1, total_bytes=5000, name="Mill C"),
        record(2, total_bytes=100, name="Lathe A", status=PackageStatus.READY),
        record(3, total_bytes=9000, name="Router B", status=PackageStatus.ERROR),
        record(4, total_bytes=700, name="Mill A", status=PackageStatus.STORING),
        record(5, total_bytes=5000, name="Laser D", status=PackageStatus.READY),
    ]


def test_the_package_model_passes_through_sorts_inserts_updates_and_removals(
    qtmodeltester: ModelTester,
) -> None:
    model = PackageTableModel()
    model.set_packages(packages())
    qtmodeltester.check(model)  # keeps watching every signal from here on

    # Persistent indexes (the view's selection and current cell) on two rows
    # and two columns must follow their packages through every sort.
    held = [QPersistentModelIndex(model.index(r, c)) for r, c in ((0, COL_NAME), (3, COL_SIZE))]
    followed = [package_id_at(p) for p in held]
    for column in (COL_SIZE, COL_NAME, COL_STATUS, len(HEADERS) - 1):
        for order in (ASCENDING, DESCENDING):
            model.sort(column, order)
            assert [package_id_at(p) for p in held] == followed
            assert [p.column() for p in held] == [COL_NAME, COL_SIZE]
            keys = [model.data(model.index(r, column), PackageRecordRole) for r in range(5)]
            assert len({k.id for k in keys}) == 5

    model.sort(COL_SIZE, ASCENDING)
    model.add_packages([record(6, total_bytes=1), record(7, total_bytes=10**9)])  # sorts again
    sizes = [model.data(model.index(r, 0), PackageRecordRole).total_bytes for r in range(7)]
    assert sizes == sorted(sizes)
    assert [package_id_at(p) for p in held] == followed

    model.update_package(replace(record(2), status=PackageStatus.ERROR, total_bytes=100))
    assert model.apply_event(
        IngestEvent(
            package_id="pkg-4",
            job_id="job-4",
            status=PackageStatus.STORING,
            bytes_done=10,
            bytes_total=700,
        )
    )
    assert model.remove_package(followed[0])
    assert not held[0].isValid() and package_id_at(held[1]) == followed[1]
    model.set_packages(packages()[:2])
    assert model.rowCount() == 2


def test_the_package_filter_passes_while_filtering_and_sorting(
    qtmodeltester: ModelTester,
) -> None:
    model = PackageTableModel()
    model.set_packages(packages())
    proxy = PackageFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)

    proxy.set_status_filter(StatusFilter.READY)
    assert proxy.rowCount() == 2
    held = QPersistentModelIndex(proxy.index(1, COL_NAME))
    kept = package_id_at(held)
    proxy.sort(COL_NAME, DESCENDING)  # the source model sorts; the proxy follows
    proxy.sort(COL_SIZE, ASCENDING)
    assert package_id_at(held) == kept
    proxy.set_search_text("mill")
    proxy.set_status_filter(StatusFilter.ALL)
    assert sorted(package_id_at(proxy.index(r, 0)) for r in range(proxy.rowCount())) == [
        "pkg-1",
        "pkg-4",
    ]
    model.add_packages([record(8, name="Mill Z", total_bytes=1)])
    assert proxy.rowCount() == 3
    model.remove_package("pkg-1")
    proxy.set_search_text("")
    assert proxy.rowCount() == model.rowCount() == 5


def test_the_file_model_passes(qtmodeltester: ModelTester) -> None:
    model = FileTableModel()
    qtmodeltester.check(model)
    model.set_files("pkg-1", [file_record("Post.SRC", 48_213), file_record("Post.lng", 900)])
    assert model.rowCount() == 2
    model.set_files("pkg-2", [file_record("Other.LIB", 5)])
    model.clear()
    assert model.rowCount() == 0


@pytest.mark.parametrize("count", [0, 3])
def test_the_source_outline_model_passes(qtmodeltester: ModelTester, count: int) -> None:
    model = SectionOutlineModel()
    model.set_sections(
        SectionRecord("P.SRC", f"S{n}", "TEMPLATE", "x" if n % 2 else None, 10 - n, 10 - n, n != 1)
        for n in range(count)
    )
    qtmodeltester.check(model)
    model.set_sections([SectionRecord("P.SRC", "ONLY", "CALC", None, 1, 4, False)])
    assert model.rowCount() == 1
