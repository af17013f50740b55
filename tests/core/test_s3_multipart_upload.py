"""S3Store's uploads through the SDK's public ``put_object``: the MD5s it counts
while the SDK reads must give the ETag the server answers with, part by part,
whatever sizes the source stream hands out; a failed upload leaves nothing."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable

import pytest

from veripost_desktop.core.config import Settings
from veripost_desktop.core.errors import VeriPostError
from veripost_desktop.core.storage import object_key, open_store
from veripost_desktop.core.storage.s3_store import MAX_BUFFERED_BYTES, PART_SIZE, S3Store


class _Dribble(io.RawIOBase):
    """A source that hands out at most ``step`` bytes a read, as a ZIP member does."""

    def __init__(self, payload: bytes, step: int) -> None:
        self._data = io.BytesIO(payload)
        self._step = step

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        n = self._step if size is None or size < 0 else min(size, self._step)
        return self._data.read(n)


def _count_requests(store: S3Store) -> list[str]:
    http = store._client._http  # type: ignore[attr-defined]
    methods: list[str] = []
    real_urlopen: Callable[..., object] = http.urlopen

    def counting_urlopen(method: str, url: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        methods.append(method)
        return real_urlopen(method, url, *args, **kwargs)

    http.urlopen = counting_urlopen
    return methods


def _s3_store(settings: Settings) -> S3Store:
    store = open_store(settings)
    assert isinstance(store, S3Store)
    store.ensure_ready()
    return store


def test_three_uneven_parts_are_confirmed_by_the_etag_alone(s3_settings: Settings) -> None:
    store = _s3_store(s3_settings)
    methods = _count_requests(store)
    # Two full parts and a 5-byte one, read 300,007 bytes at a time: the reads
    # straddle the part boundaries, so a digest cut in the wrong place shows.
    payload = hashlib.sha256(b"seed").digest() * ((2 * PART_SIZE + 5) // 32 + 1)
    payload = payload[: 2 * PART_SIZE + 5]
    seen: list[int] = []
    key = object_key("pkg", "BIG.SRC")
    info = store.put_stream(key, _Dribble(payload, 300_007), len(payload), seen.append)  # type: ignore[arg-type]

    assert info is not None and (info.key, info.size) == (key, len(payload))
    assert sum(seen) == len(payload)
    # create, three part PUTs, complete: no HEAD, so the ETag matched.
    assert methods == ["POST", "PUT", "PUT", "PUT", "POST"]
    assert b"".join(store.iter_chunks(key)) == payload


def test_an_object_of_exactly_one_part_goes_in_one_put(s3_settings: Settings) -> None:
    store = _s3_store(s3_settings)
    methods = _count_requests(store)
    payload = b"\x07" * PART_SIZE
    info = store.put_stream(object_key("pkg", "ONE.SRC"), _Dribble(payload, 1 << 20), PART_SIZE)  # type: ignore[arg-type]
    assert info is not None and info.size == PART_SIZE
    assert methods == ["PUT"]


def test_a_source_that_ends_early_aborts_the_multipart_upload(s3_settings: Settings) -> None:
    store = _s3_store(s3_settings)
    methods = _count_requests(store)
    key = object_key("pkg", "SHORT.SRC")
    # Says two parts, holds one part and 10 bytes: the first part is already
    # on its way when the second comes up short.
    with pytest.raises(VeriPostError) as info:
        store.put_stream(key, io.BytesIO(b"\x01" * (PART_SIZE + 10)), 2 * PART_SIZE)
    assert "not enough data" in info.value.detail
    assert methods[0] == "POST" and "DELETE" in methods  # created, then aborted
    assert store.stat(key) is None
    # Every byte the upload held is free again for the next one.
    assert store._budget._free == MAX_BUFFERED_BYTES
