"""The package table's filter proxy, on the model alone (no view): words
against name, machine, controller and status; the status filter's groups."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from PySide6.QtCore import Qt

from veripost_desktop.core.catalog import PackageRecord, PackageStatus
from veripost_desktop.gui.packages import package_table_model as packages
from veripost_desktop.gui.packages.package_filter import PackageFilterProxy, StatusFilter, matches
from veripost_desktop.gui.packages.package_table_model import PackageTableModel

WHEN = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def record(
    name: str,
    status: PackageStatus = PackageStatus.READY,
    machine: str | None = None,
    controller: str | None = None,
) -> PackageRecord:
    return PackageRecord(
        id=f"id-{name}",
        name=name,
        status=status,
        error_code=None,
        error_message=None,
        error_detail=None,
        file_count=4,
        section_count=None,
        total_bytes=1000,
        zip_sha256=None,
        source_path=f"/zips/{name}.zip",
        storage_prefix=f"packages/id-{name}/",
        job_id=f"job-{name}",
        created_at=WHEN,
        updated_at=WHEN,
        machine=machine,
        controller=controller,
    )


RECORDS = [
    record("GRBL-Post", machine="RSCNC32", controller="GRBL"),
    record("SCL-SW-GRBL-1_1", machine="Generic CNC Mill", controller="GRBL v1.1"),
    record("Haas-VF2", PackageStatus.STORING),
    record("Fanuc-Lathe", PackageStatus.PENDING),
    record("Broken", PackageStatus.ERROR),
]


def shown_names(proxy: PackageFilterProxy) -> list[str]:
    return sorted(proxy.index(row, packages.COL_NAME).data() for row in range(proxy.rowCount()))


def make_proxy() -> tuple[PackageTableModel, PackageFilterProxy]:
    model = PackageTableModel()
    model.set_packages(RECORDS)
    proxy = PackageFilterProxy()
    proxy.setSourceModel(model)
    return model, proxy


def test_words_match_name_machine_controller_and_status_ignoring_case() -> None:
    _, proxy = make_proxy()
    assert len(shown_names(proxy)) == 5
    proxy.set_search_text("rscnc")
    assert shown_names(proxy) == ["GRBL-Post"]
    proxy.set_search_text("generic MILL")  # every word, anywhere in the row
    assert shown_names(proxy) == ["SCL-SW-GRBL-1_1"]
    proxy.set_search_text("grbl")  # name and controller
    assert shown_names(proxy) == ["GRBL-Post", "SCL-SW-GRBL-1_1"]
    proxy.set_search_text("v1.1")
    assert shown_names(proxy) == ["SCL-SW-GRBL-1_1"]
    proxy.set_search_text("STORING")
    assert shown_names(proxy) == ["Haas-VF2"]
    proxy.set_search_text("grbl lathe")
    assert shown_names(proxy) == []
    proxy.set_search_text("   ")
    assert len(shown_names(proxy)) == 5
    assert not proxy.is_filtering


def test_status_filter_groups_and_combines_with_the_search() -> None:
    _, proxy = make_proxy()
    proxy.set_status_filter(StatusFilter.READY)
    assert shown_names(proxy) == ["GRBL-Post", "SCL-SW-GRBL-1_1"]
    proxy.set_status_filter(StatusFilter.IN_PROGRESS)
    assert shown_names(proxy) == ["Fanuc-Lathe", "Haas-VF2"]
    proxy.set_status_filter(StatusFilter.ERROR)
    assert shown_names(proxy) == ["Broken"]
    proxy.set_status_filter(StatusFilter.READY)
    proxy.set_search_text("v1.1")
    assert shown_names(proxy) == ["SCL-SW-GRBL-1_1"]
    proxy.set_status_filter(StatusFilter.ALL)
    proxy.set_search_text("")
    assert len(shown_names(proxy)) == 5


def test_a_row_whose_status_changes_moves_in_and_out_of_the_filter() -> None:
    model, proxy = make_proxy()
    proxy.set_status_filter(StatusFilter.READY)
    model.update_package(replace(RECORDS[2], status=PackageStatus.READY))
    assert "Haas-VF2" in shown_names(proxy)
    model.update_package(replace(RECORDS[0], status=PackageStatus.ERROR))
    assert "GRBL-Post" not in shown_names(proxy)


def test_sorting_still_uses_raw_values_and_headers_have_tooltips() -> None:
    model, proxy = make_proxy()
    model.update_package(replace(RECORDS[0], total_bytes=10_000_000))
    proxy.sort(packages.COL_SIZE, Qt.SortOrder.DescendingOrder)
    assert proxy.index(0, packages.COL_NAME).data() == "GRBL-Post"
    for column in range(proxy.columnCount()):
        assert proxy.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)


def test_matches_without_terms_accepts_everything() -> None:
    assert matches(RECORDS[0], ())
    assert not matches(RECORDS[0], ("lathe",))
