"""Nothing lost, nothing stuck: interrupted jobs, retries, outages, duplicates,
verify and remove, with real processes and a real S3 server process."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import make_package_zip
from tests.s3_process import S3ServerProcess
from veripost_desktop.core.catalog import Catalog, PackageStatus
from veripost_desktop.core.config import Settings
from veripost_desktop.core.errors import ErrorCode, VeriPostError
from veripost_desktop.core.ingestion.reingest import prepare_retry
from veripost_desktop.core.package_maintenance import remove_package, verify_package
from veripost_desktop.core.services import open_services
from veripost_desktop.core.storage import open_store


@pytest.fixture
def s3_process() -> Iterator[S3ServerProcess]:
    server = S3ServerProcess()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def s3_settings_for(server: S3ServerProcess, data_dir: Path) -> Settings:
    return Settings(
        data_dir=data_dir,
        s3_endpoint=server.endpoint,
        s3_access_key="testing",
        s3_secret_key="testing",  # type: ignore[arg-type]
        s3_bucket="recovery",
    )


def test_a_job_of_a_live_process_is_left_alone_and_a_dead_ones_is_settled(
    local_settings: Settings, grbl_zip: Path
) -> None:
    first = open_services(local_settings)
    validation = first.pipeline.check(grbl_zip)
    pkg = first.pipeline.register(validation)  # pending, owned by `first`

    second = open_services(local_settings)  # e.g. the CLI while the window runs
    assert second.settled_at_start == []
    assert second.catalog.get_package(pkg.id).status is PackageStatus.PENDING
    second.close()

    first.close()  # the owner goes away without finishing
    third = open_services(local_settings)
    assert [p.id for p in third.settled_at_start] == [pkg.id]
    settled = third.catalog.get_package(pkg.id)
    assert settled.status is PackageStatus.ERROR
    assert settled.error_code == ErrorCode.INTERRUPTED
    assert "interrupted" in (settled.error_message or "").lower()

    again, validation = prepare_retry(third.pipeline, pkg.id)
    assert third.pipeline.run(again, validation).status is PackageStatus.READY
    third.close()


KILL_SCRIPT = r"""
import sys
from pathlib import Path
from veripost_desktop.core.config import Settings
from veripost_desktop.core.services import open_services
settings = Settings(data_dir=Path(sys.argv[1]), s3_endpoint=sys.argv[3], s3_access_key="testing",
                    s3_secret_key="testing", s3_bucket="recovery")
services = open_services(settings)
services.pipeline.ingest(Path(sys.argv[2]))
"""


@pytest.mark.slow
def test_sigkill_mid_storing_is_settled_at_next_start_and_retried(
    tmp_path: Path, corpus_dir: Path, s3_process: S3ServerProcess
) -> None:
    big = tmp_path / "big.zip"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_STORED) as zf:
        zf.write(corpus_dir / "GRBL-Post" / "GRBL-Post.SRC", "BIG/BIG.SRC")
        zf.writestr("BIG/BIG.CTL", os.urandom(96 * 1024 * 1024))
    data_dir = tmp_path / "data"
    store = open_store(s3_settings_for(s3_process, data_dir))
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(data_dir), str(big), s3_process.endpoint]
    )
    try:
        # Kill once the package is storing AND a file of it is in the store
        # (BIG.SRC is small; BIG.CTL's 96 MB are still on their way), so the
        # settling below has something to clean up.
        deadline = time.monotonic() + 60
        status, stored = None, []
        while time.monotonic() < deadline:
            if (data_dir / "catalog.sqlite3").exists():
                catalog = Catalog(data_dir / "catalog.sqlite3")
                rows = catalog.list_packages()
                catalog.close()
                status = rows[0].status if rows else None
                if status is PackageStatus.STORING:
                    stored = store.list_keys(rows[0].storage_prefix)
                    if stored:
                        break
            time.sleep(0.05)
        assert status is PackageStatus.STORING and stored, (
            f"never saw storing with a file stored (last: {status}, {stored})"
        )
        proc.kill()  # SIGKILL on POSIX, TerminateProcess on Windows
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()

    services = open_services(s3_settings_for(s3_process, data_dir))
    assert len(services.settled_at_start) == 1
    pkg = services.settled_at_start[0]
    assert pkg.status is PackageStatus.ERROR and pkg.error_code == ErrorCode.INTERRUPTED
    assert stored and all(key.startswith(pkg.storage_prefix) for key in stored)
    assert services.store.list_keys(pkg.storage_prefix) == []  # what was stored is gone
    assert services.catalog.list_files(pkg.id) == []

    again, validation = prepare_retry(services.pipeline, pkg.id)
    final = services.pipeline.run(again, validation)
    assert final.status is PackageStatus.READY
    assert sorted(services.store.list_keys(pkg.storage_prefix)) == [
        f"packages/{pkg.id}/BIG.CTL",
        f"packages/{pkg.id}/BIG.SRC",
        f"packages/{pkg.id}/package.json",
    ]
    services.close()


def test_storage_outage_then_retry_all_failed(
    tmp_path: Path, corpus_dir: Path, s3_process: S3ServerProcess
) -> None:
    settings = s3_settings_for(s3_process, tmp_path / "data")
    zips = [
        make_package_zip(corpus_dir, tmp_path / "a.zip"),
        make_package_zip(corpus_dir, tmp_path / "b.zip", package="SCL-SW-GRBL-1_1"),
        make_package_zip(corpus_dir, tmp_path / "c.zip", folder="deep/er/"),
    ]
    services = open_services(settings)
    first = services.pipeline.ingest(zips[0])
    assert first.ok

    s3_process.stop()
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(services.pipeline.ingest, zips[1:]))
    assert time.monotonic() - started < 60  # bounded retries, not a hang
    for outcome in outcomes:
        assert outcome.package is not None
        assert outcome.package.status is PackageStatus.ERROR
        assert outcome.package.error_code == ErrorCode.STORAGE_UNAVAILABLE
        assert outcome.package.error_message == (
            "File storage is temporarily unavailable. Your package could not be saved."
        )
    assert services.catalog.get_package(first.package.id).status is PackageStatus.READY  # type: ignore[union-attr]

    s3_process.start()
    failed = services.catalog.list_packages(statuses=[PackageStatus.ERROR])
    assert len(failed) == 2
    for pkg in failed:
        again, validation = prepare_retry(services.pipeline, pkg.id)
        assert services.pipeline.run(again, validation).status is PackageStatus.READY
    assert services.catalog.list_packages(statuses=[PackageStatus.ERROR]) == []
    services.close()


def test_retry_explains_a_missing_or_changed_zip(
    local_settings: Settings, corpus_dir: Path, tmp_path: Path
) -> None:
    services = open_services(local_settings)
    zpath = make_package_zip(corpus_dir, tmp_path / "p.zip")
    pkg = services.pipeline.ingest(zpath).package
    assert pkg is not None
    with pytest.raises(VeriPostError) as info:
        prepare_retry(services.pipeline, pkg.id)
    assert info.value.code == ErrorCode.NOT_RETRYABLE  # it is ready

    services.catalog.mark_error(pkg.id, pkg.job_id, VeriPostError("x", "y").error)
    make_package_zip(corpus_dir, zpath, package="SCL-SW-GRBL-1_1")  # same name, new content
    with pytest.raises(VeriPostError) as info:
        prepare_retry(services.pipeline, pkg.id)
    assert info.value.code == ErrorCode.SOURCE_CHANGED
    zpath.unlink()
    with pytest.raises(VeriPostError) as info:
        prepare_retry(services.pipeline, pkg.id)
    assert info.value.code == ErrorCode.SOURCE_MISSING
    assert "no longer" in info.value.message
    services.close()


def test_a_hundred_zips_at_once_all_end_ready(tmp_path: Path, corpus_dir: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", ingest_workers=8)
    services = open_services(settings)
    template = make_package_zip(corpus_dir, tmp_path / "template.zip")
    zips = []
    for i in range(100):
        z = tmp_path / f"p{i:03}.zip"
        with zipfile.ZipFile(template) as src, zipfile.ZipFile(z, "w") as dst:
            for info in src.infolist():
                dst.writestr(info.filename, src.read(info))
            dst.writestr(f"p{i}/extra{i}.KIN", f"{i} * distinct content\n")
        zips.append(z)
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(services.pipeline.ingest, zips))
    assert [o.error for o in outcomes if not o.ok] == []
    packages = services.catalog.list_packages()
    assert len(packages) == 100
    assert len({p.id for p in packages}) == 100
    assert {p.status for p in packages} == {PackageStatus.READY}
    assert all(p.file_count == 5 for p in packages)
    services.close()


def test_duplicate_content_is_detected(local_settings: Settings, grbl_zip: Path) -> None:
    services = open_services(local_settings)
    first = services.pipeline.ingest(grbl_zip)
    assert first.package is not None
    again = services.pipeline.ingest(grbl_zip, add_duplicates=False)
    assert again.duplicate_of is not None and again.duplicate_of.id == first.package.id
    assert again.package is None and services.catalog.count_packages() == 1
    added = services.pipeline.ingest(grbl_zip, add_duplicates=True)
    assert added.ok and added.package is not None and added.package.id != first.package.id
    assert services.catalog.count_packages() == 2
    services.close()


def test_verify_reports_missing_and_altered_objects_per_file(
    any_settings: Settings, grbl_zip: Path
) -> None:
    services = open_services(any_settings)
    pkg = services.pipeline.ingest(grbl_zip).package
    assert pkg is not None
    report = verify_package(services.catalog, services.store, pkg.id)
    assert report.ok and len(report.files) == 4

    services.store.put_stream(f"{pkg.storage_prefix}GRBL-Post.LIB", io.BytesIO(b"changed"), 7)
    services.store.delete_prefix(f"{pkg.storage_prefix}GRBL-Post.lng")
    report = verify_package(services.catalog, services.store, pkg.id)
    states = {f.filename: f.state for f in report.files}
    assert states == {
        "GRBL-Post.LIB": "altered",
        "GRBL-Post.lng": "missing",
        "GRBL-Post.SRC": "ok",
        "GRBL-Post.ctl": "ok",
    }
    assert "2 of 4" in report.summary()
    services.close()


def test_remove_deletes_objects_and_rows(any_settings: Settings, grbl_zip: Path) -> None:
    services = open_services(any_settings)
    pkg = services.pipeline.ingest(grbl_zip).package
    assert pkg is not None
    remove_package(services.catalog, services.store, services.lease, pkg.id)
    assert services.store.list_keys(pkg.storage_prefix) == []
    assert services.catalog.find_package(pkg.id) is None
    assert services.catalog.list_files(pkg.id) == []
    services.close()
