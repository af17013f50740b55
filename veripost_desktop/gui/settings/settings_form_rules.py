"""The Settings dialog's rules, as plain functions of plain values (no
widgets): which field an environment variable sets, what the form writes to
the settings file, what it refuses, and where the folder store puts files.

``settings_dialog.py`` reads its widgets into a ``FormEntries`` and asks
these; a test can ask them without opening a dialog.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from veripost_desktop.core.config import (
    MIB,
    Settings,
    default_user_name,
    load_settings,
    settings_without_file,
)
from veripost_desktop.core.errors import ErrorCode, UserError, VeriPostError
from veripost_desktop.core.settings_file import LIMITS, env_variable_for

log = logging.getLogger(__name__)

KIB = 1024

# The optional file types real deliveries carry beside the seven UPG ones:
# (extension, checkbox label, objectName).
EXTRA_TYPES: tuple[tuple[str, str, str], ...] = (
    (".RTF", ".RTF setup sheets", "extraRtfCheck"),
    (".CNF", ".CNF settings overrides", "extraCnfCheck"),
)

LIMIT_FIELDS = ("max_total_uncompressed", "max_members", "max_ratio", "ratio_min_size")

# The dialog's fields -> the settings-file key whose environment variable
# sets it. "storage" (folder or MinIO) is whether ``s3_endpoint`` is set.
FIELD_KEYS: dict[str, str] = {
    "storage": "s3_endpoint",
    "data_dir": "data_dir",
    "store_dir": "store_dir",
    "user_name": "user_name",
    "s3_endpoint": "s3_endpoint",
    "s3_bucket": "s3_bucket",
    "s3_access_key": "s3_access_key",
    "s3_secret_key": "s3_secret_key",
    "s3_region": "s3_region",
    "ingest_workers": "ingest_workers",
    "extra_extensions": "extra_extensions",
    **{name: f"{LIMITS}.{name}" for name in LIMIT_FIELDS},
}


@dataclass(frozen=True)
class FormEntries:
    """What the form holds, as typed (text not yet stripped), sizes in the
    units the form shows them in."""

    uses_s3: bool
    endpoint: str
    data_dir: str
    store_dir: str
    user_name: str
    bucket: str
    access_key: str
    region: str
    ingest_workers: int
    extra_extensions: tuple[str, ...]  # the ticked ones and those with no checkbox
    max_total_mib: int
    max_members: int
    max_ratio: float
    ratio_min_kib: int


def env_override(field: str) -> str | None:
    """The environment variable that sets the dialog's ``field``, or None."""
    return env_variable_for(FIELD_KEYS[field])


def locked_fields() -> frozenset[str]:
    """The fields the environment sets: shown read-only, never saved."""
    return frozenset(field for field in FIELD_KEYS if env_override(field) is not None)


def unlisted_extensions(extensions: tuple[str, ...]) -> tuple[str, ...]:
    """Extra types with no checkbox (saved by hand): kept as they are."""
    listed = {extension for extension, _, _ in EXTRA_TYPES}
    return tuple(e for e in extensions if e not in listed)


def file_values(entries: FormEntries, locked: frozenset[str]) -> dict[str, Any]:
    """The form as settings-file values (``limits`` a table); ``None`` means
    "no such line": the default applies (the folder store for
    ``s3_endpoint``, objects/ in the data folder for ``store_dir``). Fields
    in ``locked`` are left out."""
    values: dict[str, Any] = {
        "s3_endpoint": entries.endpoint.strip() if entries.uses_s3 else None,
        "data_dir": entries.data_dir.strip() or None,
        "store_dir": entries.store_dir.strip() or None,
        # The login name is the default: no line for it, so it follows the login.
        "user_name": _unless_default(entries.user_name.strip(), default_user_name()),
        "s3_bucket": entries.bucket.strip(),
        "s3_access_key": entries.access_key.strip() or None,
        "s3_region": entries.region.strip(),
        "ingest_workers": entries.ingest_workers,
        "extra_extensions": list(entries.extra_extensions),
    }
    limits: dict[str, Any] = {
        "max_total_uncompressed": entries.max_total_mib * MIB,
        "max_members": entries.max_members,
        "max_ratio": entries.max_ratio,
        "ratio_min_size": entries.ratio_min_kib * KIB,
    }
    for field in locked:
        values.pop(FIELD_KEYS[field], None)
        limits.pop(field, None)
    if limits:
        values[LIMITS] = limits
    return values


def refuse_unusable(values: dict[str, Any], locked: frozenset[str], uses_s3: bool) -> None:
    """Raise ``VeriPostError`` for a form the app could not start with."""
    if "data_dir" not in locked and values.get("data_dir") is None:
        raise VeriPostError(
            ErrorCode.INVALID_SETTINGS,
            "Choose the data folder: VeriPost keeps its catalog there.",
        )
    if "storage" not in locked and uses_s3 and not values.get("s3_endpoint"):
        raise VeriPostError(
            ErrorCode.INVALID_SETTINGS,
            "Enter the address of the MinIO / S3 server, e.g. http://127.0.0.1:9000.",
        )


def local_store_text(data_dir: str, store_dir: str, bucket: str) -> str:
    """Where the folder store puts files: the store folder (or objects/ in
    the data folder) and the bucket; empty while either is missing."""
    folder, store, bucket = data_dir.strip(), store_dir.strip(), bucket.strip()
    root = Path(store) if store else (Path(folder) / "objects" if folder else None)
    return str(root / bucket) if root is not None and bucket else ""


def effective_or_defaults() -> tuple[Settings, UserError | None]:
    """What to show: the effective settings, or (if the settings file cannot be
    used) the environment and defaults with the problem, so the dialog can be
    used to repair it."""
    try:
        return load_settings(), None
    except VeriPostError as exc:
        log.warning("showing defaults in Settings: %s", exc)
        return settings_without_file(), exc.error


def _unless_default(value: str, default: str) -> str | None:
    return None if not value or value == default else value
