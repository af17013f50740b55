"""Compare and similar posts on stored packages: read back from storage with
their SHA-256 checked, or from a ZIP checked and never stored; section hashes
written at parse time and ranked without reading a source."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import make_package_zip
from veripost_desktop.core.catalog import PackageStatus
from veripost_desktop.core.catalog.section_hashes import delete_section_hashes
from veripost_desktop.core.compare import compare, rank_similar
from veripost_desktop.core.config import Settings
from veripost_desktop.core.errors import ErrorCode, VeriPostError
from veripost_desktop.core.services import Services, open_services
from veripost_desktop.core.upg import analyse_package


@pytest.fixture
def services(local_settings: Settings) -> Services:
    s = open_services(local_settings)
    yield s  # type: ignore[misc]
    s.close()


def ingest(services: Services, zip_path: Path) -> str:
    outcome = services.pipeline.ingest(zip_path, add_duplicates=True)
    assert outcome.ok, outcome.error
    assert outcome.package is not None
    return outcome.package.id


def hash_rows(services: Services, package_id: str) -> list[tuple[str, str, bool]]:
    with services.catalog.write_engine.connect() as conn:
        return [
            (r[0], r[1], bool(r[2]))
            for r in conn.execute(
                text(
                    "SELECT h.file_role, h.key, h.active FROM section_hashes h "
                    "JOIN section_hash_packages p ON p.id = h.hash_package_id "
                    "WHERE p.package_id = :id ORDER BY h.id"
                ),
                {"id": package_id},
            )
        ]


def edited_zip(corpus_dir: Path, tmp_path: Path, name: str, edit: dict[str, bytes]) -> Path:
    """GRBL-Post with some files replaced (or added), zipped flat."""
    folder = tmp_path / name
    shutil.copytree(corpus_dir / "GRBL-Post", folder)
    for filename, data in edit.items():
        (folder / filename).write_bytes(data)
    target = tmp_path / f"{name}.zip"
    with zipfile.ZipFile(target, "w") as zf:
        for path in sorted(folder.iterdir()):
            zf.write(path, path.name)
    return target


def test_compare_stored_packages_and_a_zip(
    any_settings: Settings, corpus_dir: Path, tmp_path: Path
) -> None:
    services = open_services(any_settings)
    try:
        a = ingest(services, make_package_zip(corpus_dir, tmp_path / "a.zip"))
        scl_zip = make_package_zip(corpus_dir, tmp_path / "b.zip", package="SCL-SW-GRBL-1_1")
        b = ingest(services, scl_zip)
        stored = compare(services.catalog, services.store, a, b, services.settings)
        assert (stored.a.package_id, stored.a.name, stored.a.path) == (a, "GRBL-Post", None)
        assert stored.patterns[0].description == 'removed "<N>"'
        # The same post as a ZIP gives the same comparison, and stores nothing.
        count = services.catalog.count_packages()
        with_zip = compare(services.catalog, services.store, a, str(scl_zip), services.settings)
        assert services.catalog.count_packages() == count
        assert (with_zip.b.package_id, with_zip.b.name, with_zip.b.path) == (
            None,
            "SCL-SW-GRBL-1_1",
            str(scl_zip),
        )
        assert with_zip.sections == stored.sections
        assert with_zip.files == stored.files and with_zip.similarity == stored.similarity
        # The ranking from the stored hashes agrees with the comparison.
        [similar] = rank_similar(services.catalog, a, None)
        assert similar.package_id == b and similar.name == "SCL-SW-GRBL-1_1"
        assert similar.similarity == pytest.approx(stored.similarity)
        assert similar.unchanged_sections == stored.unchanged_sections
        assert similar.changed_sections == len(stored.sections)
    finally:
        services.close()


def test_a_stored_file_altered_in_storage_is_refused(
    services: Services, corpus_dir: Path, tmp_path: Path
) -> None:
    a = ingest(services, make_package_zip(corpus_dir, tmp_path / "a.zip"))
    b = ingest(services, make_package_zip(corpus_dir, tmp_path / "b.zip"))
    key = f"packages/{b}/GRBL-Post.SRC"
    services.store.put_stream(key, io.BytesIO(b"tampered"), 8)
    with pytest.raises(VeriPostError) as info:
        compare(services.catalog, services.store, a, b, services.settings)
    assert info.value.code == ErrorCode.CHECKSUM_MISMATCH


def test_refused_zip_unknown_and_unready_packages(
    services: Services, corpus_dir: Path, tmp_path: Path
) -> None:
    a = ingest(services, make_package_zip(corpus_dir, tmp_path / "a.zip"))
    not_zip = tmp_path / "notes.zip"
    not_zip.write_text("hello")
    cases = {
        str(not_zip): ErrorCode.NOT_A_ZIP,
        str(tmp_path / "missing.zip"): ErrorCode.FILE_NOT_FOUND,
        "no-such-package": ErrorCode.PACKAGE_NOT_FOUND,
    }
    for ref, code in cases.items():
        with pytest.raises(VeriPostError) as info:
            compare(services.catalog, services.store, a, ref, services.settings)
        assert info.value.code == code, ref
    pending = services.catalog.create_package("later", tmp_path / "later.zip")
    with pytest.raises(VeriPostError) as info:
        compare(services.catalog, services.store, pending.id, a, services.settings)
    assert info.value.code == ErrorCode.PACKAGE_NOT_READY
    with pytest.raises(VeriPostError) as info:
        rank_similar(services.catalog, pending.id, None)
    assert info.value.code == ErrorCode.PACKAGE_NOT_READY
    with pytest.raises(VeriPostError) as info:
        rank_similar(services.catalog, "no-such-package", None)
    assert info.value.code == ErrorCode.PACKAGE_NOT_FOUND


def test_hashes_are_written_at_parse_time_and_deleted_with_the_package(
    services: Services, corpus_dir: Path, tmp_path: Path
) -> None:
    a = ingest(services, make_package_zip(corpus_dir, tmp_path / "a.zip"))
    rows = hash_rows(services, a)
    files = {p.name: p.read_bytes() for p in (corpus_dir / "GRBL-Post").iterdir()}
    expected = [(h.file_role, h.key, h.active) for h in analyse_package(files).section_hashes]
    assert rows == expected
    # .SRC: the preamble and 79 keys active, 44 commented out; .LIB: preamble + 1.
    assert sum(1 for r in rows if r[0] == "src" and r[2]) == 80
    assert sum(1 for r in rows if r[0] == "lib") == 2
    assert services.catalog.get_package(a).reading_version == 2
    services.catalog.clear_files(a)
    assert hash_rows(services, a) == []
    b = ingest(services, make_package_zip(corpus_dir, tmp_path / "b.zip"))
    services.catalog.delete_package(b)
    with services.catalog.write_engine.connect() as conn:
        left = conn.execute(text("SELECT COUNT(*) FROM section_hash_packages")).scalar()
        assert left == 0
        assert conn.execute(text("SELECT COUNT(*) FROM section_hashes")).scalar() == 0


def test_similar_ranks_every_other_ready_package(
    services: Services, corpus_dir: Path, tmp_path: Path
) -> None:
    grbl = make_package_zip(corpus_dir, tmp_path / "a.zip")
    a = ingest(services, grbl)
    same = ingest(services, grbl)
    scl = ingest(services, make_package_zip(corpus_dir, tmp_path / "s.zip", "SCL-SW-GRBL-1_1"))
    src = (corpus_dir / "GRBL-Post" / "GRBL-Post.SRC").read_bytes()
    # One section edited: START_OF_TAPE loses its first comment line.
    one_edit = src.replace(b":T:(Made in : UPC)<EOL>\r\n", b"", 1)
    assert one_edit != src
    edited = ingest(
        services, edited_zip(corpus_dir, tmp_path, "GRBL-Post", {"GRBL-Post.SRC": one_edit})
    )
    # A package in error is not ranked.
    broken = services.catalog.create_package("broken", tmp_path / "x.zip")
    services.catalog.set_status(broken.id, broken.job_id, PackageStatus.ERROR)

    ranked = rank_similar(services.catalog, a, None)
    assert [p.package_id for p in ranked] == [same, edited, scl]
    assert ranked[0].similarity == 1.0 and ranked[0].changed_sections == 0
    total = ranked[0].unchanged_sections
    assert (ranked[1].unchanged_sections, ranked[1].changed_sections) == (total - 1, 1)
    assert ranked[1].similarity == (total - 1) / total
    for p in ranked:
        c = compare(services.catalog, services.store, a, p.package_id, services.settings)
        assert p.similarity == pytest.approx(c.similarity)
    assert [p.package_id for p in rank_similar(services.catalog, a, 2)] == [same, edited]
    assert rank_similar(services.catalog, a, 0) == []
    assert set(ranked[0].to_json()) == {
        "package_id",
        "name",
        "similarity",
        "unchanged_sections",
        "changed_sections",
    }

    # A package not read since the hashes existed is left out until it is,
    # and ranking one asks to wait.
    with services.catalog.write_engine.begin() as conn:
        delete_section_hashes(conn, [scl])
    assert scl not in [p.package_id for p in rank_similar(services.catalog, a, None)]
    with pytest.raises(VeriPostError) as info:
        rank_similar(services.catalog, scl, None)
    assert info.value.code == ErrorCode.PACKAGE_NOT_READY
