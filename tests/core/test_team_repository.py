"""One store, many desktops: two data folders (two desktops) against one real
S3 server over HTTP, and the same on a shared local folder store."""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import make_package_zip
from veripost_desktop.core.catalog import PackageStatus
from veripost_desktop.core.catalog.catalog import READING_VERSION
from veripost_desktop.core.config import Settings
from veripost_desktop.core.downloads import download_file
from veripost_desktop.core.errors import ErrorCode, VeriPostError
from veripost_desktop.core.package_maintenance import remove_package, verify_package
from veripost_desktop.core.services import Services, open_services
from veripost_desktop.core.team.garbage import collect_garbage
from veripost_desktop.core.team.manifest import manifest_key, parse_manifest
from veripost_desktop.core.team.refresh import refresh_catalog
from veripost_desktop.core.team.source_reading import packages_to_read, read_outdated_packages


@pytest.fixture(params=["s3", "local"])
def team(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Settings, Settings]:
    """Two desktops' settings on one store: (Ann's, Bob's)."""
    if request.param == "s3":
        shared = request.getfixturevalue("s3_settings")
        ann = shared.model_copy(update={"data_dir": tmp_path / "ann", "user_name": "ann"})
        bob = shared.model_copy(update={"data_dir": tmp_path / "bob", "user_name": "bob"})
    else:
        store_dir = tmp_path / "shared-drive"
        ann = Settings(data_dir=tmp_path / "ann", store_dir=store_dir, user_name="ann")
        bob = Settings(data_dir=tmp_path / "bob", store_dir=store_dir, user_name="bob")
    return ann, bob


def ingest(services: Services, zip_path: Path) -> str:
    outcome = services.pipeline.ingest(zip_path)
    assert outcome.ok and outcome.package is not None, outcome.error
    return outcome.package.id


def test_a_package_ingested_on_one_desktop_is_seen_whole_on_another(
    team: tuple[Settings, Settings], grbl_zip: Path, tmp_path: Path
) -> None:
    ann, bob = (open_services(s) for s in team)
    package_id = ingest(ann, grbl_zip)

    # The manifest is in the store, describing the package and its uploader.
    data = ann.store.get_bytes(manifest_key(package_id))
    assert data is not None
    manifest = parse_manifest(data, manifest_key(package_id))
    assert manifest.uploaded.user == "ann"
    ann_files = ann.catalog.list_files(package_id)
    assert {f.name for f in manifest.files} == {f.filename for f in ann_files}
    assert manifest.reading.section_count == ann.catalog.get_package(package_id).section_count

    report = refresh_catalog(bob.catalog, bob.store)
    assert (report.added, report.removed, report.unchanged, report.errors) == (1, 0, 0, [])
    seen = bob.catalog.get_package(package_id)
    mine = ann.catalog.get_package(package_id)
    assert seen.status is PackageStatus.READY
    assert seen.uploaded_by == "ann"
    assert (seen.name, seen.machine, seen.controller, seen.section_count, seen.zip_sha256) == (
        mine.name,
        mine.machine,
        mine.controller,
        mine.section_count,
        mine.zip_sha256,
    )
    assert seen.created_at == mine.created_at
    bob_files = bob.catalog.list_files(package_id)
    assert [(f.filename, f.sha256, f.sections_active) for f in bob_files] == [
        (f.filename, f.sha256, f.sections_active) for f in ann_files
    ]
    assert bob.catalog.list_library_refs(package_id) == ann.catalog.list_library_refs(package_id)
    assert bob.catalog.list_warnings(package_id) == ann.catalog.list_warnings(package_id)

    # Its files verify and download byte for byte on the other desktop.
    assert verify_package(bob.catalog, bob.store, package_id).ok
    src = next(f for f in bob.catalog.list_files(package_id) if f.extension.upper() == ".SRC")
    out = download_file(bob.catalog, bob.store, package_id, src.filename, tmp_path / "out")
    assert out.sha256 == src.sha256

    # Its sections come from reading the sources from storage, as Ann's did.
    assert package_id in packages_to_read(bob.catalog)
    assert bob.catalog.list_sections(package_id) == []
    assert read_outdated_packages(bob.catalog, bob.store).read == 1
    assert bob.catalog.list_sections(package_id) == ann.catalog.list_sections(package_id)
    assert bob.catalog.get_package(package_id).reading_version == READING_VERSION
    assert packages_to_read(bob.catalog) == []

    # A second refresh finds nothing new.
    again = refresh_catalog(bob.catalog, bob.store)
    assert (again.added, again.removed, again.unchanged, again.updated) == (0, 0, 1, 0)
    # Ann's own package is unchanged for Ann too (her ingestion recorded its ETag).
    assert refresh_catalog(ann.catalog, ann.store).unchanged == 1
    ann.close()
    bob.close()


def test_removal_reaches_the_other_desktop_and_twice_is_no_error(
    team: tuple[Settings, Settings], grbl_zip: Path
) -> None:
    ann, bob = (open_services(s) for s in team)
    package_id = ingest(ann, grbl_zip)
    refresh_catalog(bob.catalog, bob.store)

    remove_package(ann.catalog, ann.store, ann.lease, package_id)
    assert ann.store.list_keys(f"packages/{package_id}/") == []
    # Bob has not refreshed yet: removing it there too is no error.
    remove_package(bob.catalog, bob.store, bob.lease, package_id)
    assert bob.catalog.find_package(package_id) is None

    # A third desktop that listed it before the removal drops it at its refresh.
    carol = open_services(team[1].model_copy(update={"data_dir": team[1].data_dir.parent / "c"}))
    package_2 = ingest(ann, grbl_zip)
    refresh_catalog(carol.catalog, carol.store)
    assert carol.catalog.find_package(package_2) is not None
    remove_package(ann.catalog, ann.store, ann.lease, package_2)
    report = refresh_catalog(carol.catalog, carol.store)
    assert (report.removed, report.removed_ids) == (1, [package_2])
    assert carol.catalog.find_package(package_2) is None
    for s in (ann, bob, carol):
        s.close()


def test_a_bad_manifest_is_reported_by_key_and_the_rest_still_syncs(
    team: tuple[Settings, Settings], grbl_zip: Path
) -> None:
    ann, bob = (open_services(s) for s in team)
    good = ingest(ann, grbl_zip)
    not_json, not_a_manifest, newer, elsewhere = (str(uuid.uuid4()) for _ in range(4))
    ann.store.put_bytes(manifest_key(not_json), b"{this is not json")
    ann.store.put_bytes(manifest_key(not_a_manifest), b'{"schema_version": "1.0"}')
    real = json.loads(ann.store.get_bytes(manifest_key(good)) or b"")
    ann.store.put_bytes(
        manifest_key(newer),
        json.dumps({**real, "package_id": newer, "schema_version": "2.0"}).encode(),
    )
    # A manifest copied into another package's folder names the wrong package.
    ann.store.put_bytes(manifest_key(elsewhere), json.dumps(real).encode())
    # A newer minor version with keys this version does not know is read.
    extra = str(uuid.uuid4())
    ann.store.put_bytes(
        manifest_key(extra),
        json.dumps({**real, "package_id": extra, "schema_version": "1.7", "tags": ["x"]}).encode(),
    )

    report = refresh_catalog(bob.catalog, bob.store)
    assert report.added == 2
    assert bob.catalog.find_package(good) is not None
    assert bob.catalog.find_package(extra) is not None
    by_key = {e.key: e.code for e in report.errors}
    assert by_key == {
        manifest_key(not_json): ErrorCode.MANIFEST_INVALID,
        manifest_key(not_a_manifest): ErrorCode.MANIFEST_INVALID,
        manifest_key(newer): ErrorCode.MANIFEST_UNSUPPORTED,
        manifest_key(elsewhere): ErrorCode.MANIFEST_INVALID,
    }
    assert not report.ok
    ann.close()
    bob.close()


def test_gc_removes_only_old_prefixes_without_a_manifest(
    team: tuple[Settings, Settings], grbl_zip: Path
) -> None:
    ann = open_services(team[0])
    finished = ingest(ann, grbl_zip)
    crashed = f"packages/{uuid.uuid4()}/"
    ann.store.put_bytes(f"{crashed}A.SRC", b":SECTION=A\n")
    ann.store.put_bytes(f"{crashed}A.LIB", b"x" * 10)

    listed = collect_garbage(ann.store, older_than_hours=24)
    assert [(p.prefix, p.objects, p.bytes, p.removed) for p in listed] == [(crashed, 2, 21, False)]
    later = datetime.now(UTC) + timedelta(hours=25)
    assert [p.removed for p in collect_garbage(ann.store, dry_run=True, now=later)] == [False]
    assert ann.store.list_keys(crashed) != []
    assert [p.removed for p in collect_garbage(ann.store, now=later)] == [True]
    assert ann.store.list_keys(crashed) == []
    # The finished package was never touched, whatever its age.
    kept = ann.store.list_keys(f"packages/{finished}/")
    assert len(kept) == len(ann.catalog.list_files(finished)) + 1
    assert collect_garbage(ann.store, now=later + timedelta(days=400)) == []
    ann.close()


def test_packages_stored_before_manifests_are_published_once(
    team: tuple[Settings, Settings], grbl_zip: Path
) -> None:
    ann, bob = (open_services(s) for s in team)
    package_id = ingest(ann, grbl_zip)
    # As an install before this change left it: no manifest, none recorded.
    ann.store.delete_keys([manifest_key(package_id)])
    with sqlite3.connect(ann.catalog.path) as conn:
        conn.execute("UPDATE packages SET manifest_etag = NULL")
    assert refresh_catalog(bob.catalog, bob.store).added == 0

    report = refresh_catalog(ann.catalog, ann.store)
    assert (report.published, report.removed, report.not_published) == (1, 0, [])
    assert ann.catalog.get_package(package_id).manifest_etag is not None
    assert refresh_catalog(bob.catalog, bob.store).added == 1
    assert refresh_catalog(ann.catalog, ann.store).published == 0
    ann.close()
    bob.close()


def test_a_package_whose_files_are_not_in_this_store_is_not_published(
    tmp_path: Path, grbl_zip: Path
) -> None:
    settings = Settings(data_dir=tmp_path / "d", store_dir=tmp_path / "s")
    services = open_services(settings)
    package_id = ingest(services, grbl_zip)
    services.store.delete_prefix(f"packages/{package_id}/")
    with sqlite3.connect(services.catalog.path) as conn:
        conn.execute("UPDATE packages SET manifest_etag = NULL")
    report = refresh_catalog(services.catalog, services.store)
    assert [e.code for e in report.not_published] == [ErrorCode.FILES_NOT_IN_STORE]
    assert report.ok  # no manifest was unreadable
    assert services.store.get_bytes(manifest_key(package_id)) is None
    services.close()


def test_each_store_has_its_own_catalog_and_a_named_one_is_never_misread(
    tmp_path: Path, grbl_zip: Path, s3_settings: Settings
) -> None:
    data_dir = tmp_path / "data"
    local = Settings(data_dir=data_dir)
    minio = s3_settings.model_copy(update={"data_dir": data_dir})

    first = open_services(local)
    local_id = ingest(first, grbl_zip)
    first.close()

    # Same data folder, another store: its own, empty catalog; nothing of the
    # local store's packages is read through MinIO.
    second = open_services(minio)
    assert second.catalog.path != first.catalog.path
    assert second.catalog.list_packages() == []
    s3_id = ingest(second, grbl_zip)
    second.close()

    back = open_services(local)
    assert [p.id for p in back.catalog.list_packages()] == [local_id]
    back.close()

    # A catalog named explicitly that records another store is refused.
    named = minio.model_copy(update={"catalog_path": first.catalog.path})
    with pytest.raises(VeriPostError) as caught:
        open_services(named)
    assert caught.value.code == ErrorCode.STORE_MISMATCH
    assert "Local folder" in caught.value.message and "MinIO" in caught.value.message
    again = open_services(minio)
    assert [p.id for p in again.catalog.list_packages()] == [s3_id]
    again.close()


def test_a_damaged_catalog_is_moved_aside_and_filled_again_from_storage(
    team: tuple[Settings, Settings], corpus_dir: Path, tmp_path: Path
) -> None:
    settings = team[0]
    services = open_services(settings)
    ids = {
        ingest(services, make_package_zip(corpus_dir, tmp_path / f"{n}.zip", package=n))
        for n in ("GRBL-Post", "SCL-SW-GRBL-1_1")
    }
    path = services.catalog.path
    services.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # cut in half

    reopened = open_services(settings)
    assert reopened.recovered_catalog is not None
    assert reopened.recovered_catalog.read_bytes() == data[: len(data) // 2]  # kept, never deleted
    assert reopened.catalog.list_packages() == []
    report = refresh_catalog(reopened.catalog, reopened.store)
    assert report.added == 2
    assert {p.id for p in reopened.catalog.list_packages()} == ids
    reopened.close()


def test_a_refresh_with_nothing_announced_makes_one_request_and_a_full_one_still_lists(
    team: tuple[Settings, Settings], grbl_zip: Path
) -> None:
    from veripost_desktop.core.team.change_marker import MARKER_KEY
    from veripost_desktop.core.team.refresh import FULL_REFRESH_AT_KEY

    ann, bob = (open_services(s) for s in team)
    first = ingest(ann, grbl_zip)
    ann.pipeline.announcer.flush()  # announcements are coalesced for a moment
    assert ann.store.get_bytes(MARKER_KEY) is not None  # the ingestion announced it
    assert refresh_catalog(bob.catalog, bob.store).added == 1
    quick = refresh_catalog(bob.catalog, bob.store)
    assert (quick.listed, quick.unchanged, quick.added) == (False, 1, 0)

    # A desktop killed between its manifest and its announcement: the quick
    # refresh cannot know; a full one (at start, F5 after an hour, --full) does.
    real = json.loads(ann.store.get_bytes(manifest_key(first)) or b"")
    silent = str(uuid.uuid4())
    ann.store.put_bytes(manifest_key(silent), json.dumps({**real, "package_id": silent}).encode())
    assert refresh_catalog(bob.catalog, bob.store).added == 0
    hour_ago = (datetime.now(UTC) - timedelta(hours=1, minutes=1)).isoformat()
    bob.catalog.set_info(FULL_REFRESH_AT_KEY, hour_ago)
    late = refresh_catalog(bob.catalog, bob.store)
    assert (late.listed, late.added_ids) == (True, [silent])

    # Removing announces too: the quick refresh drops it.
    remove_package(ann.catalog, ann.store, ann.lease, first)
    gone = refresh_catalog(bob.catalog, bob.store)
    assert (gone.listed, gone.removed_ids) == (True, [first])
    assert refresh_catalog(bob.catalog, bob.store, full=True).removed == 0
    ann.close()
    bob.close()


def test_announcements_are_coalesced_and_written_by_close(tmp_path: Path) -> None:
    from veripost_desktop.core.storage.local_store import LocalFolderStore
    from veripost_desktop.core.team.change_marker import MARKER_KEY, ChangeAnnouncer

    store = LocalFolderStore(tmp_path / "store", "veripost")
    announcer = ChangeAnnouncer(store, "ann", "pc-1", delay_s=60)
    for package_id in ("p1", "p2", "p3"):
        announcer.announce("published", package_id)
    assert store.get_bytes(MARKER_KEY) is None  # nothing written per package
    announcer.close()
    marker = json.loads(store.get_bytes(MARKER_KEY) or b"")
    assert (marker["what"], marker["package_id"], marker["by"]) == ("published", "p3", "ann")

    quick = ChangeAnnouncer(store, "bob", "pc-2", delay_s=0.05)
    quick.announce("removed", "p1")
    deadline = datetime.now(UTC) + timedelta(seconds=10)
    while json.loads(store.get_bytes(MARKER_KEY) or b"")["by"] != "bob":
        assert datetime.now(UTC) < deadline, "the timer never wrote the marker"
    quick.close()


def test_desktops_removing_refreshing_and_verifying_one_package_at_once_end_consistent(
    team: tuple[Settings, Settings], corpus_dir: Path, tmp_path: Path
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    ann, bob = (open_services(s) for s in team)
    carol = open_services(team[1].model_copy(update={"data_dir": team[1].data_dir.parent / "c"}))
    ids = [
        ingest(ann, make_package_zip(corpus_dir, tmp_path / f"{n}.zip", package=n))
        for n in ("GRBL-Post", "SCL-SW-GRBL-1_1")
    ]
    ann.pipeline.announcer.flush()
    for desk in (bob, carol):
        assert refresh_catalog(desk.catalog, desk.store).added == 2
    doomed, kept = ids

    def remove(desk: Services) -> None:
        remove_package(desk.catalog, desk.store, desk.lease, doomed)

    def refresh_and_verify() -> None:
        for _ in range(3):
            refresh_catalog(carol.catalog, carol.store, full=True)
            verify_package(carol.catalog, carol.store, kept)

    with ThreadPoolExecutor(3) as pool:
        futures = [pool.submit(remove, ann), pool.submit(remove, bob)]
        futures.append(pool.submit(refresh_and_verify))
        for future in futures:
            future.result()  # no desktop fails

    for desk in (ann, bob, carol):
        refresh_catalog(desk.catalog, desk.store, full=True)
        assert [p.id for p in desk.catalog.list_packages()] == [kept]
        assert verify_package(desk.catalog, desk.store, kept).ok
    assert ann.store.list_keys(f"packages/{doomed}/") == []
    assert collect_garbage(ann.store, older_than_hours=0) == []  # nothing left half-removed
    for desk in (ann, bob, carol):
        desk.close()
