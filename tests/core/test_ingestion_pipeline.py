"""The ingestion flow end to end on the core, against both stores."""

from __future__ import annotations

import hashlib
import socket
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import make_package_zip
from veripost_desktop.core.catalog import PackageStatus
from veripost_desktop.core.config import Settings
from veripost_desktop.core.downloads import download_file
from veripost_desktop.core.errors import ErrorCode, VeriPostError
from veripost_desktop.core.ingestion import IngestEvent, IngestOutcome, parsing_step
from veripost_desktop.core.services import Services, open_services
from veripost_desktop.core.upg import PackageAnalysis


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_ingest_stores_every_file_and_walks_every_status(
    any_settings: Settings, grbl_zip: Path, corpus_dir: Path
) -> None:
    services = open_services(any_settings)
    events: list[IngestEvent] = []
    outcome = services.pipeline.ingest(grbl_zip, on_event=events.append)

    assert outcome.ok, outcome.error
    pkg = outcome.package
    assert pkg is not None and pkg.name == "GRBL-Post"
    statuses = [e.status for e in events]
    # Every status, in order (storing may tick several times with progress).
    assert [s for i, s in enumerate(statuses) if i == 0 or s != statuses[i - 1]] == [
        PackageStatus.PENDING,
        PackageStatus.VALIDATING,
        PackageStatus.STORING,
        PackageStatus.PARSING,
        PackageStatus.READY,
    ]
    assert pkg.zip_sha256 == sha256(grbl_zip.read_bytes())
    files = {f.filename: f for f in services.catalog.list_files(pkg.id)}
    originals = {p.name: p.read_bytes() for p in (corpus_dir / "GRBL-Post").iterdir()}
    assert set(files) == set(originals)
    for name, data in originals.items():
        record = files[name]
        assert record.object_key == f"packages/{pkg.id}/{name}"
        assert (record.size_bytes, record.sha256) == (len(data), sha256(data))
        assert b"".join(services.store.iter_chunks(record.object_key)) == data
    assert pkg.file_count == 4 and pkg.total_bytes == sum(map(len, originals.values()))
    services.close()


def test_download_is_byte_for_byte_and_checks_the_hash(
    any_settings: Settings, grbl_zip: Path, corpus_dir: Path, tmp_path: Path
) -> None:
    services = open_services(any_settings)
    pkg = services.pipeline.ingest(grbl_zip).package
    assert pkg is not None
    target = tmp_path / "out" / "copy.SRC"
    download_file(services.catalog, services.store, pkg.id, "GRBL-Post.SRC", target)
    assert target.read_bytes() == (corpus_dir / "GRBL-Post" / "GRBL-Post.SRC").read_bytes()
    assert [p.name for p in target.parent.iterdir()] == ["copy.SRC"]  # no temp file left

    # An object altered in storage is not saved under the user's name.
    import io

    key = f"packages/{pkg.id}/GRBL-Post.LIB"
    services.store.put_stream(key, io.BytesIO(b"tampered"), 8)
    bad = tmp_path / "out" / "lib.LIB"
    with pytest.raises(VeriPostError) as info:
        download_file(services.catalog, services.store, pkg.id, "GRBL-Post.LIB", bad)
    assert info.value.code == ErrorCode.CHECKSUM_MISMATCH
    assert not bad.exists()
    assert sorted(p.name for p in target.parent.iterdir()) == ["copy.SRC"]
    services.close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_storage_unreachable_ends_in_error_with_nothing_left(
    tmp_path: Path, grbl_zip: Path
) -> None:
    settings = Settings(
        data_dir=tmp_path / "data",
        s3_endpoint=f"http://127.0.0.1:{_closed_port()}",
        s3_access_key="k",
        s3_secret_key="s",  # type: ignore[arg-type]
    )
    services = open_services(settings)
    outcome = services.pipeline.ingest(grbl_zip)
    assert outcome.package is not None
    pkg = services.catalog.get_package(outcome.package.id)
    assert pkg.status is PackageStatus.ERROR
    assert pkg.error_code == ErrorCode.STORAGE_UNAVAILABLE
    assert pkg.error_message == (
        "File storage is temporarily unavailable. Your package could not be saved."
    )
    assert "127.0.0.1" in (pkg.error_detail or "")
    assert services.catalog.list_files(pkg.id) == []
    services.close()


def test_failure_mid_storing_removes_what_was_stored(
    s3_settings: Settings, corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last member turns bad after validating passed (the file changed on
    disk): earlier members were already uploaded, and all of them go."""
    from veripost_desktop.core.ingestion import pipeline

    monkeypatch.setattr(pipeline, "PROGRESS_INTERVAL_S", 0.0)  # an event per chunk
    zpath = make_package_zip(corpus_dir, tmp_path / "p.zip", folder="")
    # One upload at a time, in member order: the earlier members are stored
    # before the last one is read. With several, the bad member could fail
    # before any other had finished (1 run in ~15), and nothing was left to
    # remove.
    services = open_services(s3_settings.model_copy(update={"upload_workers": 1}))
    validation = services.pipeline.check(zpath)
    assert validation.ok
    pkg = services.pipeline.register(validation)

    with zipfile.ZipFile(zpath) as zf:
        last = zf.infolist()[-1]
        offset = last.header_offset + 30 + len(last.filename.encode()) + len(last.extra) + 5
    stored_before_failure: list[str] = []

    def corrupt_when_storing_starts(event: IngestEvent) -> None:
        if event.status is PackageStatus.STORING and event.bytes_done == 0:
            raw = bytearray(zpath.read_bytes())
            raw[offset] ^= 0xFF
            zpath.write_bytes(bytes(raw))
        elif event.status is PackageStatus.ERROR:
            pass
        elif event.status is PackageStatus.STORING:
            stored_before_failure[:] = services.store.list_keys(pkg.storage_prefix) or (
                stored_before_failure
            )

    final = services.pipeline.run(pkg, validation, on_event=corrupt_when_storing_starts)
    assert final.status is PackageStatus.ERROR
    assert final.error_code == ErrorCode.CORRUPT_ZIP
    assert stored_before_failure, "some members should have been uploaded before the failure"
    assert services.store.list_keys(final.storage_prefix) == []
    assert services.catalog.list_files(pkg.id) == []
    services.close()


def test_refused_zip_creates_no_row(local_settings: Settings, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.zip"
    bogus.write_text("not a zip at all")
    services = open_services(local_settings)
    outcome = services.pipeline.ingest(bogus)
    assert outcome.package is None
    assert outcome.error is not None and outcome.error.code == ErrorCode.NOT_A_ZIP
    assert services.catalog.count_packages() == 0
    services.close()


def test_cancel_ends_in_error_and_removes_objects(local_settings: Settings, grbl_zip: Path) -> None:
    services = open_services(local_settings)
    calls = {"n": 0}

    def cancel_after_some_reads() -> bool:
        calls["n"] += 1
        return calls["n"] > 3

    outcome = services.pipeline.ingest(grbl_zip, cancel=cancel_after_some_reads)
    assert outcome.package is not None
    assert outcome.package.status is PackageStatus.ERROR
    assert outcome.package.error_code == ErrorCode.CANCELLED
    assert services.store.list_keys(outcome.package.storage_prefix) == []
    services.close()


def _assert_cancelled_and_unpublished(services: Services, outcome: IngestOutcome) -> None:
    assert outcome.package is not None
    assert (outcome.package.status, outcome.package.error_code) == (
        PackageStatus.ERROR,
        ErrorCode.CANCELLED,
    )
    # Nothing stored, the manifest (what tells the team) included.
    assert services.store.list_keys(outcome.package.storage_prefix) == []
    assert services.catalog.list_files(outcome.package.id) == []


def test_a_cancel_asked_while_the_post_is_read_ends_cancelled(
    tmp_path: Path, grbl_zip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parse returns its reading after the cancel came: the package must
    not go on to ``ready`` with it."""
    services = open_services(Settings(data_dir=tmp_path / "data", parse_workers=0))
    asked = threading.Event()
    real_analyse = parsing_step.analyse_zip

    def analyse_then_cancel(*args: Any) -> PackageAnalysis:
        analysis = real_analyse(*args)
        asked.set()  # Cancel pressed while the parser worked
        return analysis

    monkeypatch.setattr(parsing_step, "analyse_zip", analyse_then_cancel)
    outcome = services.pipeline.ingest(grbl_zip, cancel=asked.is_set)
    assert asked.is_set()
    _assert_cancelled_and_unpublished(services, outcome)
    services.close()


def test_a_cancel_asked_while_the_reading_is_recorded_ends_cancelled(
    local_settings: Settings, grbl_zip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last moment a cancel is heard is just before the manifest is
    published (with the parse process, as configured by default)."""
    services = open_services(local_settings)
    asked = threading.Event()
    real_record = services.catalog.record_analysis

    def record_then_cancel(*args: Any, **kwargs: Any) -> bool:
        recorded = real_record(*args, **kwargs)
        asked.set()
        return recorded

    monkeypatch.setattr(services.catalog, "record_analysis", record_then_cancel)
    outcome = services.pipeline.ingest(grbl_zip, cancel=asked.is_set)
    assert asked.is_set()
    _assert_cancelled_and_unpublished(services, outcome)
    services.close()


def test_whole_package_exports_as_a_zip(
    any_settings: Settings, grbl_zip: Path, corpus_dir: Path, tmp_path: Path
) -> None:
    from veripost_desktop.core.downloads import export_package_zip

    services = open_services(any_settings)
    pkg = services.pipeline.ingest(grbl_zip).package
    assert pkg is not None
    (tmp_path / "out").mkdir()
    out = export_package_zip(services.catalog, services.store, pkg.id, tmp_path / "out")
    assert out == tmp_path / "out" / "GRBL-Post.zip"  # a folder gets the package's name
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["GRBL-Post.zip"]
    with zipfile.ZipFile(out) as zf:
        assert zf.testzip() is None
        got = {i.filename: zf.read(i) for i in zf.infolist()}
    assert got == {p.name: p.read_bytes() for p in (corpus_dir / "GRBL-Post").iterdir()}
    # What VeriPost exports, VeriPost accepts.
    assert services.pipeline.check(out).ok
    services.close()


def test_a_bucket_wiped_between_packages_is_made_again(
    s3_settings: Settings, corpus_dir: Path, tmp_path: Path
) -> None:
    # The store remembers that its bucket exists (one request less per
    # package); a server wiped behind its back must not fail the next package.
    from minio import Minio

    services = open_services(s3_settings)
    first = services.pipeline.ingest(make_package_zip(corpus_dir, tmp_path / "a.zip"))
    assert first.ok, first.error
    admin = Minio(
        s3_settings.s3_endpoint.split("://", 1)[1],  # type: ignore[union-attr]
        access_key="testing",
        secret_key="testing",
        secure=False,
    )
    for obj in admin.list_objects(bucket_name=s3_settings.s3_bucket, recursive=True):
        admin.remove_object(bucket_name=s3_settings.s3_bucket, object_name=obj.object_name)
    admin.remove_bucket(bucket_name=s3_settings.s3_bucket)

    zpath = make_package_zip(corpus_dir, tmp_path / "b.zip", package="SCL-SW-GRBL-1_1")
    second = services.pipeline.ingest(zpath)
    assert second.ok, second.error
    assert second.package is not None
    stored = services.store.list_keys(second.package.storage_prefix)
    # Every file, and the manifest written last.
    assert len(stored) == second.package.file_count + 1
    assert f"{second.package.storage_prefix}package.json" in stored
    services.close()


def test_posts_read_in_a_parse_process_match_the_in_process_reading(
    local_settings: Settings, grbl_zip: Path
) -> None:
    readings = []
    for workers in (0, 1):
        settings = local_settings.model_copy(
            update={"parse_workers": workers, "data_dir": local_settings.data_dir / str(workers)}
        )
        services = open_services(settings)
        outcome = services.pipeline.ingest(grbl_zip)
        assert outcome.ok and outcome.package is not None, outcome.error
        pkg = outcome.package
        readings.append(
            (
                pkg.section_count,
                pkg.machine,
                pkg.controller,
                [
                    (s.filename, s.name, s.first_line, s.active)
                    for s in services.catalog.list_sections(pkg.id)
                ],
                [w.text for w in services.catalog.list_warnings(pkg.id)],
            )
        )
        services.close()
    assert readings[0] == readings[1]
    assert readings[1][0] == 82  # GRBL-Post.SRC 81 active + its .LIB's 1


@pytest.mark.slow  # kills a process
def test_a_dead_parse_process_does_not_fail_the_package(
    local_settings: Settings, grbl_zip: Path
) -> None:
    import os
    import signal

    from veripost_desktop.core.ingestion.parse_pool import parse_pool

    settings = local_settings.model_copy(update={"parse_workers": 1})
    pool = parse_pool(1)
    assert pool is not None
    child = pool.submit(os.getpid).result(timeout=60)
    os.kill(child, signal.SIGTERM)  # as the OS would on low memory

    services = open_services(settings)
    outcome = services.pipeline.ingest(grbl_zip)
    assert outcome.ok, outcome.error
    assert outcome.package is not None and outcome.package.section_count == 82
    services.close()
    again = parse_pool(1)
    assert again is not None and again is not pool  # the broken pool was replaced
    assert again.submit(os.getpid).result(timeout=60) != child


def test_a_superseded_attempt_that_fails_leaves_the_newer_attempts_objects(
    local_settings: Settings, grbl_zip: Path
) -> None:
    """A retry took the package while the old attempt was storing; the old
    attempt then fails (here: cancelled). What the newer attempt stored under
    the package's prefix, and its row, must stay."""
    services = open_services(local_settings)
    validation = services.pipeline.check(grbl_zip)
    package = services.pipeline.register(validation)
    newer: list[str] = []

    def retried_meanwhile() -> bool:
        if not newer:
            newer.append(services.catalog.start_new_job(package.id).job_id)
            services.store.put_bytes(f"{package.storage_prefix}NEWER.SRC", b"the retry's")
        return True

    ended = services.pipeline.run(package, validation, cancel=retried_meanwhile)
    assert newer and ended.job_id == newer[0]
    assert ended.status is PackageStatus.PENDING and ended.error_code is None
    assert services.store.list_keys(package.storage_prefix) == [
        f"{package.storage_prefix}NEWER.SRC"
    ]
    services.close()
