"""One size formatter for the window and the command line."""

from __future__ import annotations

import pytest

from veripost_desktop.core.formatting import human_size


@pytest.mark.parametrize(
    "size, text",
    [
        (0, "0 bytes"),
        (1, "1 byte"),
        (1023, "1023 bytes"),
        (1024, "1.0 KB"),
        (48_213, "47.1 KB"),
        (100 * 1024, "100 KB"),
        (5 * 1024**3, "5.0 GB"),
        (3 * 1024**5, "3072 TB"),
    ],
)
def test_sizes_read_as_explorer_shows_them(size: int, text: str) -> None:
    assert human_size(size) == text
