"""Figure 3: the drop-time check (``IngestionPipeline.check``, i.e.
``inspect_zip`` with the settings' extensions and limits) on a ZIP of many
members and on the huge-member ZIP; and, for information, the validating
step's full data pass (every member's CRC) on the huge-member ZIP."""

from __future__ import annotations

import gc
import time
from pathlib import Path

from results import Figure

from veripost_desktop.core.config import Settings
from veripost_desktop.core.zip_validation import ValidationResult, inspect_zip, verify_zip_data

CHECK_TARGET_S = 0.5


def _check(path: Path, settings: Settings) -> ValidationResult:
    # What IngestionPipeline.check does, without opening a catalog and a store.
    return inspect_zip(
        path, accepted_extensions=settings.accepted_extensions, limits=settings.limits
    )


def best_check_time(path: Path, settings: Settings, repeat: int) -> tuple[float, ValidationResult]:
    best = float("inf")
    result = _check(path, settings)  # warm the page cache
    if result.error is not None:
        raise RuntimeError(f"{path.name} refused: [{result.error.code}] {result.error.detail}")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = _check(path, settings)
        best = min(best, time.perf_counter() - start)
    return best, result


def validation_figures(many: Path, big: Path, settings: Settings, repeat: int = 5) -> list[Figure]:
    many_s, many_result = best_check_time(many, settings, repeat)
    big_s, big_result = best_check_time(big, settings, repeat)
    size_mb = big_result.total_size / 1_000_000
    start = time.perf_counter()
    verify_zip_data(big, big_result, limits=settings.limits)
    verify_s = time.perf_counter() - start
    return [
        Figure(
            "validation.check_many",
            f"drop-time check, ZIP of {len(many_result.members):,} members",
            many_s,
            "s",
            "<",
            CHECK_TARGET_S,
        ),
        Figure(
            "validation.check_big",
            f"drop-time check, ZIP with a {size_mb:.0f} MB member",
            big_s,
            "s",
            "<",
            CHECK_TARGET_S,
        ),
        Figure(
            "validation.crc_pass",
            f"validating step's data pass (CRC), {size_mb:.0f} MB ZIP",
            size_mb / verify_s,
            "MB/s",
            note=f"{verify_s:.2f} s for {size_mb:.0f} MB",
        ),
    ]
