"""The parsing step stores what the parser reads, as the catalog and the CLI show it."""

from __future__ import annotations

import zipfile
from pathlib import Path

from veripost_desktop.core.catalog import PackageStatus
from veripost_desktop.core.config import Settings
from veripost_desktop.core.services import open_services


def test_ready_package_carries_the_corpus_section_counts(
    local_settings: Settings, grbl_zip: Path
) -> None:
    services = open_services(local_settings)
    pkg = services.pipeline.ingest(grbl_zip).package
    assert pkg is not None and pkg.status is PackageStatus.READY
    # Corpus README: GRBL-Post.SRC 81 active (7 CALC), 44 commented out; .LIB 1 active CALC.
    assert pkg.section_count == 82
    assert pkg.system == "MILL"
    files = {f.filename: f for f in services.catalog.list_files(pkg.id)}
    src = files["GRBL-Post.SRC"]
    assert (src.sections_active, src.sections_calc, src.sections_commented_out) == (81, 7, 44)
    assert src.sections_template == 74
    lib = files["GRBL-Post.LIB"]
    assert (lib.sections_active, lib.sections_calc, lib.sections_commented_out) == (1, 1, 0)
    assert files["GRBL-Post.ctl"].sections_active is None

    sections = services.catalog.list_sections(pkg.id, "GRBL-Post.SRC")
    assert sum(s.active for s in sections) == 81
    assert all(s.first_line <= s.last_line for s in sections)
    refs = services.catalog.list_library_refs(pkg.id)
    assert len(refs) == 2
    own = next(r for r in refs if r.file_name.upper() == "GRBL-POST.LIB")
    master = next(r for r in refs if r.file_name.upper() == "MILL.LIB")
    assert own.found is True and not own.is_master
    assert master.is_master
    # A complete real package gives no warnings.
    assert services.catalog.list_warnings(pkg.id) == []
    assert pkg.warning_count == 0
    services.close()


def test_missing_own_library_is_a_warning_not_an_error(
    local_settings: Settings, corpus_dir: Path, tmp_path: Path
) -> None:
    zpath = tmp_path / "nolib.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for name in ("GRBL-Post.SRC", "GRBL-Post.ctl", "GRBL-Post.lng"):
            zf.write(corpus_dir / "GRBL-Post" / name, name)
    services = open_services(local_settings)
    pkg = services.pipeline.ingest(zpath).package
    assert pkg is not None and pkg.status is PackageStatus.READY
    assert pkg.section_count == 81
    codes = [w.code for w in services.catalog.list_warnings(pkg.id)]
    assert "missing_library" in codes
    own = next(
        r
        for r in services.catalog.list_library_refs(pkg.id)
        if r.file_name.upper() == "GRBL-POST.LIB"
    )
    assert own.found is False
    services.close()
