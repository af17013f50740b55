"""How sizes read, in the window and on the command line alike."""

from __future__ import annotations

_UNITS = ("KB", "MB", "GB", "TB")


def human_size(size: int) -> str:
    """Sizes as Windows Explorer shows them (1 KB = 1024 bytes)."""
    if size < 1024:
        return "1 byte" if size == 1 else f"{size} bytes"
    value = float(size)
    for unit in _UNITS:
        value /= 1024
        if value < 1024 or unit == _UNITS[-1]:
            return f"{value:.1f} {unit}" if value < 100 else f"{value:.0f} {unit}"
    raise AssertionError("unreachable")
