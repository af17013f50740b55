"""Both object stores honour the same contract, over real HTTP for S3."""

from __future__ import annotations

import io
import socket

import pytest

from veripost_desktop.core.config import Settings
from veripost_desktop.core.errors import ErrorCode, VeriPostError
from veripost_desktop.core.storage import object_key, open_store


def test_put_stat_read_list_delete_round_trip(any_settings: Settings) -> None:
    store = open_store(any_settings)
    store.ensure_ready()
    store.ensure_ready()  # idempotent: the bucket already exists
    payload = bytes(range(256)) * 40_000  # ~10 MB: multipart on S3
    seen: list[int] = []
    key = object_key("pkg-1", "A.SRC")
    store.put_stream(key, io.BytesIO(payload), len(payload), seen.append)
    store.put_stream(object_key("pkg-1", "B.LIB"), io.BytesIO(b"lib"), 3)
    store.put_stream(object_key("pkg-2", "C.SRC"), io.BytesIO(b"other"), 5)

    assert sum(seen) == len(payload)
    info = store.stat(key)
    assert info is not None and info.size == len(payload)
    assert store.stat(object_key("pkg-1", "missing.SRC")) is None
    assert b"".join(store.iter_chunks(key)) == payload
    assert store.list_keys("packages/pkg-1/") == [
        "packages/pkg-1/A.SRC",
        "packages/pkg-1/B.LIB",
    ]

    assert store.delete_prefix("packages/pkg-1/") == 2
    assert store.list_keys("packages/pkg-1/") == []
    assert store.list_keys("packages/pkg-2/") == ["packages/pkg-2/C.SRC"]


def test_short_stream_is_refused_and_leaves_nothing(local_settings: Settings) -> None:
    store = open_store(local_settings)
    store.ensure_ready()
    key = object_key("pkg", "A.SRC")
    with pytest.raises(VeriPostError):
        store.put_stream(key, io.BytesIO(b"abc"), 10)
    assert store.stat(key) is None
    assert store.list_keys("packages/") == []


@pytest.mark.parametrize("key", ["packages/../../evil.SRC", "packages/p/C:\\x.SRC", "/abs"])
def test_local_store_refuses_keys_that_escape_the_bucket(
    local_settings: Settings, key: str
) -> None:
    store = open_store(local_settings)
    with pytest.raises(VeriPostError) as info:
        store.put_stream(key, io.BytesIO(b"x"), 1)
    assert info.value.code == ErrorCode.STORAGE_ERROR


def test_two_desktops_deleting_one_package_at_once_both_succeed(
    local_settings: Settings,
) -> None:
    """Two desktops on one shared folder remove the same package: the one that
    finds the folder already gone (or going) must not fail, and nothing stays."""
    from concurrent.futures import ThreadPoolExecutor

    store = open_store(local_settings)
    store.ensure_ready()
    for round_ in range(60):
        prefix = f"packages/pkg-{round_}/"
        for n in range(40):
            store.put_bytes(f"{prefix}F{n:02}.SRC", b"x")
            store.put_bytes(f"{prefix}sub{n % 4}/G{n:02}.LIB", b"y")
        with ThreadPoolExecutor(2) as pool:
            results = list(pool.map(store.delete_prefix, [prefix, prefix]))
        assert all(count >= 0 for count in results)
        assert store.list_keys(prefix) == []
        assert store.list_objects(prefix) == []


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_s3_is_storage_unavailable(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(
        data_dir=tmp_path,
        s3_endpoint=f"http://127.0.0.1:{closed_port()}",
        s3_access_key="k",
        s3_secret_key="s",  # type: ignore[arg-type]
    )
    with pytest.raises(VeriPostError) as info:
        open_store(settings).ensure_ready()
    assert info.value.code == ErrorCode.STORAGE_UNAVAILABLE
    assert info.value.message == (
        "File storage is temporarily unavailable. Your package could not be saved."
    )
    assert "127.0.0.1" in info.value.detail


def test_store_description_names_where_objects_go(
    local_settings: Settings, s3_settings: Settings
) -> None:
    assert open_store(local_settings).description.startswith("Local folder ")
    s3 = open_store(s3_settings).description
    assert s3.startswith("MinIO http://127.0.0.1:") and s3_settings.s3_bucket in s3


@pytest.mark.parametrize("size", [0, 5, 9 * 1024 * 1024])  # empty, small, two parts on S3
def test_put_stream_returns_what_the_store_holds(any_settings: Settings, size: int) -> None:
    store = open_store(any_settings)
    store.ensure_ready()
    key = object_key("pkg", "A.CTL")
    payload = bytes(range(251)) * (size // 251) + b"x" * (size % 251)
    info = store.put_stream(key, io.BytesIO(payload), len(payload))
    assert info is not None and (info.key, info.size) == (key, size)
    assert b"".join(store.iter_chunks(key)) == payload


def test_s3_upload_is_confirmed_by_its_etag_without_another_request(
    s3_settings: Settings,
) -> None:
    # The answer to the PUT carries the MD5 of what the server received; a
    # HEAD per object would double the requests of an ingestion.
    store = open_store(s3_settings)
    store.ensure_ready()
    http = store._client._http  # type: ignore[attr-defined]
    methods: list[str] = []
    real_urlopen = http.urlopen

    def counting_urlopen(method: str, url: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        methods.append(method)
        return real_urlopen(method, url, *args, **kwargs)

    http.urlopen = counting_urlopen
    store.ensure_ready()  # known ready: no request
    small = store.put_stream(object_key("pkg", "A.SRC"), io.BytesIO(b"abc"), 3)
    big_payload = b"\x01" * (9 * 1024 * 1024)
    big = store.put_stream(object_key("pkg", "B.CTL"), io.BytesIO(big_payload), len(big_payload))
    assert small is not None and small.size == 3
    assert big is not None and big.size == len(big_payload)
    # small: one PUT; big: create, two part PUTs, complete.
    assert methods == ["PUT", "POST", "PUT", "PUT", "POST"]


def test_s3_store_remakes_a_bucket_removed_behind_its_back(s3_settings: Settings) -> None:
    from minio import Minio

    store = open_store(s3_settings)
    store.ensure_ready()
    other = Minio(
        s3_settings.s3_endpoint.split("://", 1)[1],  # type: ignore[union-attr]
        access_key="testing",
        secret_key="testing",
        secure=False,
    )
    other.remove_bucket(bucket_name=s3_settings.s3_bucket)

    key = object_key("pkg", "A.SRC")
    with pytest.raises(VeriPostError) as info:
        store.put_stream(key, io.BytesIO(b"abc"), 3)
    assert info.value.code == ErrorCode.STORAGE_ERROR
    store.ensure_ready()  # asks again, and makes the bucket
    stored = store.put_stream(key, io.BytesIO(b"abc"), 3)
    assert stored is not None and stored.size == 3
