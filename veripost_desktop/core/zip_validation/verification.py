"""The complete check: every accepted member is decompressed once, in bounded
memory, and must match its CRC and its header's size within the limits."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from contextlib import closing
from pathlib import Path

from veripost_desktop.core.config import UPG_EXTENSIONS, ZipLimits
from veripost_desktop.core.errors import VeriPostError, internal_error
from veripost_desktop.core.zip_validation import limit_checks, refusals
from veripost_desktop.core.zip_validation.inspection import Refused, inspect_zip, open_directory
from veripost_desktop.core.zip_validation.member_stream import CHUNK, open_member_stream
from veripost_desktop.core.zip_validation.model import ValidationResult


def verify_zip_data(
    path: Path,
    result: ValidationResult,
    *,
    limits: ZipLimits | None = None,
    progress: Callable[[int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> None:
    """Stream every accepted member of an inspected ZIP.

    ``progress`` receives the number of uncompressed bytes just read (they add
    up to ``result.total_size``); ``cancel`` is polled between chunks. Raises
    ``VeriPostError`` on any failure, ``cancelled`` included.
    """
    limits = limits or ZipLimits()
    path = Path(path)
    if result.error is not None:
        raise refusals.fail(result.error)
    error = limit_checks.total_size(result.total_size, limits)
    if error is not None:
        raise refusals.fail(error)
    try:
        fp = path.open("rb")
    except OSError as exc:
        raise refusals.fail(refusals.file_not_found(path, str(exc))) from exc
    with fp:
        try:
            zf = open_directory(path, fp, limits)
        except Refused as refusal:
            # Only possible if the file changed since it was inspected.
            raise refusals.fail(refusal.error) from refusal
        with zf:
            done = 0
            for member in result.members:
                _check_cancel(cancel)
                with closing(open_member_stream(zf, member, limits=limits)) as stream:
                    while chunk := stream.read(CHUNK):
                        done += len(chunk)
                        # Sizes were checked on the directory; this holds even
                        # if the file was swapped since.
                        error = limit_checks.total_size(done, limits, while_reading=True)
                        if error is not None:
                            raise refusals.fail(error)
                        if progress is not None:
                            progress(len(chunk))
                        _check_cancel(cancel)


def _check_cancel(cancel: Callable[[], bool] | None) -> None:
    if cancel is not None and cancel():
        raise refusals.fail(refusals.cancelled())


def validate_zip(
    path: Path,
    *,
    accepted_extensions: Sequence[str] = UPG_EXTENSIONS,
    limits: ZipLimits | None = None,
) -> ValidationResult:
    """The complete verdict (``veripost-cli validate``): the drop-time check,
    then every member's data. Never raises; a failure is in ``error``."""
    result = inspect_zip(path, accepted_extensions=accepted_extensions, limits=limits)
    if not result.ok:
        return result
    try:
        verify_zip_data(result.path, result, limits=limits)
    except VeriPostError as exc:
        return dataclasses.replace(result, members=(), error=exc.error)
    except Exception as exc:  # never raise to the CLI; a bug still shows as internal_error
        return dataclasses.replace(result, members=(), error=internal_error(exc))
    return result
