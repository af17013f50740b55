"""ZIP-bomb bounds (``ZipLimits``), checked on the central directory before
anything is decompressed and again on the real bytes while streaming."""

from __future__ import annotations

from veripost_desktop.core.config import ZipLimits
from veripost_desktop.core.errors import UserError
from veripost_desktop.core.zip_validation import refusals
from veripost_desktop.core.zip_validation.names import show

MANY_FILES = "This ZIP contains too many files to catalog."
TOO_BIG = "This ZIP is too large to catalog: its files add up to more than the allowed size."
BOMB = (
    "A file in this ZIP expands to far more than its compressed size. VeriPost refuses "
    "such archives because they can fill the disk."
)


def member_count(count: int, limits: ZipLimits) -> UserError | None:
    if count <= limits.max_members:
        return None
    return refusals.too_large(
        MANY_FILES,
        f"entries in the ZIP: limit {limits.max_members:,}, actual {count:,}",
        "max_members",
    )


def total_size(total: int, limits: ZipLimits, *, while_reading: bool = False) -> UserError | None:
    if total <= limits.max_total_uncompressed:
        return None
    what = "bytes read so far" if while_reading else "total uncompressed size"
    return refusals.too_large(
        TOO_BIG,
        f"{what}: limit {limits.max_total_uncompressed:,} bytes, actual {total:,} bytes",
        "max_total_uncompressed",
    )


def ratio_problem(path_in_zip: str, size: int, compressed: int, limits: ZipLimits) -> str | None:
    """One line for the detail when a member expands too much, else ``None``."""
    if size <= limits.ratio_min_size:
        return None
    if compressed > 0 and size <= limits.max_ratio * compressed:
        return None
    ratio = f"{size / compressed:,.1f}x" if compressed else "unbounded"
    return (
        f"{show(path_in_zip)}: {size:,} bytes from {compressed:,} compressed = {ratio} "
        f"(limit {limits.max_ratio:,.1f}x for files over {limits.ratio_min_size:,} bytes)"
    )


def ratio(lines: list[str]) -> UserError:
    return refusals.too_large(
        BOMB, "Expansion ratio too high:\n" + refusals.listing(lines), "max_ratio"
    )
