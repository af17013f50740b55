"""Which dropped ZIPs hold the same bytes as a package already listed.

A ZIP can only be such a duplicate if it has the same number of files and the
same total size (its "shape": both known from the central directory at drop
time, and stored on every package). Only ZIPs of a listed shape, by far the
rare case, are hashed (``pipeline.find_duplicates``), on a worker, before
they get a row; the others are registered at once. When a drop's hashes are
all in, its duplicates are reported together, so the window asks one
question per drop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from veripost_desktop.core.catalog import PackageRecord, PackageStatus
from veripost_desktop.core.errors import UserError
from veripost_desktop.core.ingestion import IngestionPipeline
from veripost_desktop.core.zip_validation import ValidationResult
from veripost_desktop.gui.widgets.error_dialog import Refusal
from veripost_desktop.gui.workers.core_call_runner import CoreCallRunner

log = logging.getLogger(__name__)

#: (number of files, total size in bytes) of a ZIP or a package.
Shape = tuple[int, int]


def zip_shape(validation: ValidationResult) -> Shape:
    return (len(validation.members), validation.total_size)


def listed_shapes(records: Iterable[PackageRecord]) -> set[Shape]:
    """The shapes a dropped ZIP must have to be a duplicate of one of
    ``records`` (a package that failed holds nothing to be a duplicate of)."""
    return {(r.file_count, r.total_bytes) for r in records if r.status is not PackageStatus.ERROR}


@dataclass(frozen=True)
class DuplicateMatch:
    """A dropped ZIP whose content is already in the catalog."""

    path: Path
    validation: ValidationResult
    existing: tuple[PackageRecord, ...]  # oldest first


@dataclass
class _DropCheck:
    """The hashes of one drop that are still out, and what the others gave."""

    waiting: int
    matches: list[DuplicateMatch] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)


def _find_duplicates(
    pipeline: IngestionPipeline, path: Path, _progress: Callable[[int, int], None]
) -> list[PackageRecord]:
    # Hashes the whole ZIP: a worker's job.
    return pipeline.find_duplicates(path)


#: Registers and starts a ZIP found to be new; a refusal goes in the list.
Register = Callable[[ValidationResult, list[Refusal]], None]
#: Once per drop, when its last hash is in: (refusals, duplicates).
Report = Callable[[list[Refusal], list[DuplicateMatch]], None]


class DuplicateCheck:
    """Hashes the candidates of each drop on workers (GUI thread side).

    A candidate that is new goes on to ``register`` as soon as its hash is
    in; the duplicates and the files that could not be read go to ``report``
    together, once per drop.
    """

    def __init__(self, calls: CoreCallRunner, register: Register, report: Report) -> None:
        self._calls = calls
        self._register = register
        self._report = report
        self._checking = 0

    @property
    def count(self) -> int:
        """Dropped ZIPs still being hashed."""
        return self._checking

    def start(self, pipeline: IngestionPipeline, candidates: list[ValidationResult]) -> None:
        """Hash one drop's candidates; ``report`` follows when all are in."""
        if not candidates:
            return
        batch = _DropCheck(waiting=len(candidates))
        self._checking += len(candidates)
        for validation in candidates:
            self._calls.start(
                f"duplicate check of {validation.path}",
                partial(_find_duplicates, pipeline, validation.path),
                partial(self._on_checked, batch, validation),
                partial(self._on_failed, batch, validation),
            )

    def _on_checked(
        self, batch: _DropCheck, validation: ValidationResult, existing: list[PackageRecord]
    ) -> None:
        if existing:
            log.info("%s is already in the catalog as %s", validation.path, existing[0].id)
            batch.matches.append(DuplicateMatch(validation.path, validation, tuple(existing)))
        else:
            self._register(validation, batch.refusals)
        self._answered(batch)

    def _on_failed(self, batch: _DropCheck, validation: ValidationResult, error: UserError) -> None:
        batch.refusals.append(Refusal(validation.path, error))
        self._answered(batch)

    def _answered(self, batch: _DropCheck) -> None:
        self._checking -= 1
        batch.waiting -= 1
        if not batch.waiting:
            self._report(list(batch.refusals), list(batch.matches))
