"""check_connection: the store as the settings describe it, answered quickly,
never raising. S3 cases run against the real moto server over HTTP."""

from __future__ import annotations

import socket
import time
from pathlib import Path

from veripost_desktop.core.config import Settings
from veripost_desktop.core.errors import ErrorCode
from veripost_desktop.core.storage import open_store
from veripost_desktop.core.storage.connection_check import check_connection, describe_store


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_local_folder_is_ready(local_settings: Settings) -> None:
    assert check_connection(local_settings) is None
    assert (local_settings.local_store_dir / local_settings.s3_bucket).is_dir()


def test_local_folder_that_cannot_be_made(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    error = check_connection(Settings(data_dir=blocker / "data"))
    assert error is not None
    assert error.code == ErrorCode.STORAGE_UNAVAILABLE


def test_s3_server_is_ready_and_the_bucket_exists_afterwards(s3_settings: Settings) -> None:
    assert check_connection(s3_settings) is None
    # The same state starting the app gives: the bucket is there, reads work.
    assert open_store(s3_settings).list_keys("packages/") == []
    assert describe_store(s3_settings).startswith("MinIO http://127.0.0.1:")


def test_nothing_listening(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, s3_endpoint=f"http://127.0.0.1:{free_port()}")
    began = time.monotonic()
    error = check_connection(settings, timeout_s=10)
    assert time.monotonic() - began < 8  # refused connections retry for about 2 s
    assert error is not None
    assert error.code == ErrorCode.STORAGE_UNAVAILABLE
    # Said for a connection test, not for a package upload.
    assert error.message.startswith("VeriPost could not reach the storage.")
    assert "127.0.0.1" in error.detail


def test_not_a_url(tmp_path: Path) -> None:
    error = check_connection(Settings(data_dir=tmp_path, s3_endpoint="ftp://files.example"))
    assert error is not None
    assert error.code == ErrorCode.STORAGE_UNAVAILABLE
    assert "not a valid URL" in error.message
    assert "ftp://files.example" in describe_store(
        Settings(data_dir=tmp_path, s3_endpoint="ftp://files.example")
    )


def test_a_server_that_never_answers_is_reported_at_the_timeout(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # connections complete in the backlog; nothing replies
        port = silent.getsockname()[1]
        settings = Settings(data_dir=tmp_path, s3_endpoint=f"http://127.0.0.1:{port}")
        began = time.monotonic()
        error = check_connection(settings, timeout_s=0.5)
        elapsed = time.monotonic() - began
    assert 0.4 < elapsed < 2
    assert error is not None
    assert error.code == ErrorCode.STORAGE_UNAVAILABLE
    assert "did not answer in time" in error.message
    assert f"http://127.0.0.1:{port}" in error.detail
