"""A desktop killed (SIGKILL on POSIX, TerminateProcess on Windows) in the
middle of a removal or a refresh leaves the team's store and every catalog
consistent: the next refresh (and gc) finish the job."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.core.test_team_repository import ingest, team  # noqa: F401 - the fixture
from veripost_desktop.core.catalog import PackageStatus
from veripost_desktop.core.config import Settings
from veripost_desktop.core.services import open_services
from veripost_desktop.core.team.garbage import collect_garbage
from veripost_desktop.core.team.manifest import manifest_key
from veripost_desktop.core.team.refresh import refresh_catalog

pytestmark = pytest.mark.slow

# The child opens the desktop's services from JSON settings, slows one step
# down so the parent can kill it there, and says when it got there.
CHILD = r"""
import json, sys, time
from pathlib import Path
from veripost_desktop.core.config import Settings
from veripost_desktop.core.services import open_services

settings = Settings(**json.loads(sys.argv[1]))
marker = Path(sys.argv[2])
services = open_services(settings)

def arrived():
    marker.write_text("here")
    time.sleep(120)  # killed here

if sys.argv[3] == "remove":
    from veripost_desktop.core.package_maintenance import remove_package
    services.store.delete_prefix = lambda prefix: arrived()  # after the manifest went
    remove_package(services.catalog, services.store, services.lease, sys.argv[4])
else:
    from veripost_desktop.core.team import refresh
    from veripost_desktop.core.catalog import synced_packages
    refresh.WRITE_BATCH = 2
    written = synced_packages.write_manifests
    def write_then_stop(catalog, batch):
        written(catalog, batch)
        arrived()
    refresh.write_manifests = write_then_stop
    refresh.refresh_catalog(services.catalog, services.store)
"""


def settings_json(settings: Settings) -> str:
    data = settings.model_dump(mode="json", exclude={"s3_secret_key"})
    if settings.s3_secret_key is not None:
        data["s3_secret_key"] = settings.s3_secret_key.get_secret_value()
    return json.dumps(data)


def run_until_killed(settings: Settings, marker: Path, *args: str) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, settings_json(settings), str(marker), *args]
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert proc.poll() is None, f"the child ended early ({proc.returncode})"
            assert time.monotonic() < deadline, "the child never reached the kill point"
            time.sleep(0.05)
        proc.kill()
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()


def test_killed_between_the_manifest_and_the_files_of_a_removal(
    team: tuple[Settings, Settings],  # noqa: F811
    grbl_zip: Path,
    tmp_path: Path,
) -> None:
    ann_settings, bob_settings = team
    ann = open_services(ann_settings)
    package_id = ingest(ann, grbl_zip)
    file_count = len(ann.catalog.list_files(package_id))
    ann.close()
    bob = open_services(bob_settings)
    assert refresh_catalog(bob.catalog, bob.store).added == 1

    run_until_killed(ann_settings, tmp_path / "marker", "remove", package_id)

    # The manifest went first: no manifest points at missing files.
    ann = open_services(ann_settings)
    assert ann.store.get_bytes(manifest_key(package_id)) is None
    left = ann.store.list_keys(f"packages/{package_id}/")
    assert len(left) == file_count
    # Every desktop stops listing it at its next refresh, the killed one too.
    assert ann.catalog.get_package(package_id).status is PackageStatus.READY
    assert refresh_catalog(ann.catalog, ann.store).removed_ids == [package_id]
    assert refresh_catalog(bob.catalog, bob.store).removed_ids == [package_id]
    assert bob.catalog.find_package(package_id) is None
    # What it left is an unfinished prefix: gc removes it once old enough.
    (found,) = collect_garbage(ann.store, older_than_hours=0)
    assert found.prefix == f"packages/{package_id}/"
    assert (found.objects, found.removed) == (file_count, True)
    assert ann.store.list_keys(f"packages/{package_id}/") == []
    ann.close()
    bob.close()


def test_killed_in_the_middle_of_a_refresh(
    team: tuple[Settings, Settings],  # noqa: F811
    grbl_zip: Path,
    tmp_path: Path,
) -> None:
    ann_settings, bob_settings = team
    ann = open_services(ann_settings)
    real_id = ingest(ann, grbl_zip)
    real = json.loads(ann.store.get_bytes(manifest_key(real_id)) or b"")
    ids = {real_id}
    for _ in range(5):  # five more packages, as other desktops would publish them
        other = str(uuid.uuid4())
        ann.store.put_bytes(manifest_key(other), json.dumps({**real, "package_id": other}).encode())
        ids.add(other)
    ann.close()

    run_until_killed(bob_settings, tmp_path / "marker", "refresh")

    bob = open_services(bob_settings)
    assert len(bob.catalog.list_packages()) == 2  # the first batch, whole
    report = refresh_catalog(bob.catalog, bob.store)
    assert (report.added, report.unchanged, report.errors) == (4, 2, [])
    assert {p.id for p in bob.catalog.list_packages()} == ids
    assert {p.status for p in bob.catalog.list_packages()} == {PackageStatus.READY}
    bob.close()
