"""FileTableModel with no view."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QSortFilterProxyModel, Qt

from veripost_desktop.core.catalog import FileRecord
from veripost_desktop.gui.files.file_table_model import (
    COL_NAME,
    COL_SHA256,
    COL_SIZE,
    COL_TYPE,
    HEADERS,
    FileRecordRole,
    FileTableModel,
    SortRole,
)


def file_record(name: str, size: int) -> FileRecord:
    ext = "." + name.rsplit(".", 1)[1]
    return FileRecord(
        id=1,
        package_id="pkg-1",
        filename=name,
        extension=ext,
        object_key=f"packages/pkg-1/{name}",
        size_bytes=size,
        sha256="ab" * 32,
        created_at=datetime(2024, 5, 1, tzinfo=UTC),
    )


def test_files_and_cells(qapp: object) -> None:
    model = FileTableModel()
    assert model.rowCount() == 0 and model.package_id is None
    records = [file_record("Post.SRC", 48_213), file_record("Post.lng", 900)]
    model.set_files("pkg-1", records)
    assert model.package_id == "pkg-1"
    assert model.rowCount() == 2 and model.columnCount() == len(HEADERS) == 4
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == [
        "Name",
        "Type",
        "Size",
        "SHA-256",
    ]
    row = model.rowForName("Post.lng")
    assert model.index(row, COL_NAME).data() == "Post.lng"
    assert model.index(row, COL_TYPE).data() == "LNG"
    assert model.index(row, COL_SIZE).data() == "900 bytes"
    assert model.index(row, COL_SHA256).data() == "ab" * 32
    assert model.index(row, COL_SIZE).data(SortRole) == 900
    assert model.index(row, COL_NAME).data(FileRecordRole) == records[1]
    assert model.index(model.rowForName("Post.SRC"), COL_SIZE).data() == "47.1 KB"
    model.clear()
    assert model.rowCount() == 0 and model.package_id is None


def test_proxy_sorts_by_raw_size(qapp: object) -> None:
    model = FileTableModel()
    model.set_files("p", [file_record("a.SRC", 2048), file_record("b.LIB", 999)])
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SortRole)
    proxy.sort(COL_SIZE)
    assert [proxy.index(r, COL_NAME).data() for r in range(2)] == ["b.LIB", "a.SRC"]
