"""A hundred ZIPs in one drop: a hundred rows, each updated in place to ready."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtTest import QSignalSpy
from pytestqt.qtbot import QtBot

from tests.gui.conftest import ShownBox, drop_files, package_ids
from veripost_desktop.core.catalog import PackageStatus
from veripost_desktop.core.config import Settings
from veripost_desktop.gui.drops.drop_intake import DROP_SLICE
from veripost_desktop.gui.window.main_window import MainWindow

OpenWindow = Callable[[Settings | None], MainWindow]

COUNT = 100


def distinct_zips(corpus_dir: Path, folder: Path) -> list[Path]:
    """COUNT small packages from the corpus, each under its own name (so each
    ZIP has other bytes, and the package its own name)."""
    folder.mkdir()
    source = corpus_dir / "GRBL-Post"
    paths = []
    for i in range(COUNT):
        name = f"POST{i:03d}"
        path = folder / f"{name}.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.write(source / "GRBL-Post.SRC", f"{name}/{name}.SRC")
            zf.write(source / "GRBL-Post.LIB", f"{name}/{name}.LIB")
            zf.write(source / "GRBL-Post.lng", f"{name}/{name}.lng")
        paths.append(path)
    return paths


def test_a_hundred_zips_in_one_drop_all_end_ready(
    qtbot: QtBot,
    open_window: OpenWindow,
    local_settings: Settings,
    corpus_dir: Path,
    tmp_path: Path,
    shown_boxes: list[ShownBox],
) -> None:
    zips = distinct_zips(corpus_dir, tmp_path / "zips")
    window = open_window(local_settings)
    model = window.package_model
    inserted = QSignalSpy(model.rowsInserted)
    changed = QSignalSpy(model.dataChanged)

    def all_ready() -> bool:
        records = model.records()
        return len(records) == COUNT and all(r.status.is_final for r in records)

    with qtbot.assertNotEmitted(model.modelReset), qtbot.assertNotEmitted(model.layoutChanged):
        drop_files(window, zips)
        # The first slice is there when the drop returns; the rest follow on
        # the next turns of the event loop, one transaction and one insert per
        # slice, in drop order (they sort last under the built-in sort by
        # Added: no re-sort), so the window paints between slices.
        assert model.rowCount() == DROP_SLICE
        qtbot.waitUntil(lambda: model.rowCount() == COUNT, timeout=10_000)
        slices = -(-COUNT // DROP_SLICE)
        assert inserted.count() == slices
        assert [(inserted.at(i)[1], inserted.at(i)[2]) for i in range(slices)] == [
            (start, min(start + DROP_SLICE, COUNT) - 1) for start in range(0, COUNT, DROP_SLICE)
        ]
        assert [r.name for r in model.records()] == [f"POST{i:03d}" for i in range(COUNT)]
        qtbot.waitUntil(all_ready, timeout=60_000)
        qtbot.waitUntil(lambda: window.ingestion.active_count == 0, timeout=10_000)

    records = model.records()
    assert len(records) == COUNT
    assert len(set(package_ids(window))) == COUNT
    assert sorted(r.name for r in records) == [f"POST{i:03d}" for i in range(COUNT)]
    errors = [(r.name, r.error_code, r.error_detail) for r in records if r.status.value == "error"]
    assert errors == []
    assert all(r.status is PackageStatus.READY and r.file_count == 3 for r in records)
    assert window.services.catalog.count_packages() == COUNT
    # Each change went to its own row: single-row dataChanged only.
    for i in range(changed.count()):
        top_left, bottom_right = changed.at(i)[0], changed.at(i)[1]
        assert top_left.row() == bottom_right.row()
    assert not shown_boxes
