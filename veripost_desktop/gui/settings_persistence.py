"""Settings a person saved in the Settings dialog, merged under the environment.

Precedence, highest first: ``VERIPOST_*`` environment variables, then what was
saved here (QSettings: organisation "VeriPost", application "VeriPost
Desktop"; the registry on Windows, an .ini file elsewhere), then the built-in
defaults. pydantic-settings ranks keyword arguments *above* the environment,
so a saved value is passed on only when its environment variable is unset.

The S3 secret key is never written here: it goes to the OS keyring
(``core/secrets_store.py``) and ``load_settings`` reads it back from there.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, fields
from enum import StrEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

from veripost_desktop.core.config import Settings, load_settings
from veripost_desktop.core.errors import ErrorCode, VeriPostError

log = logging.getLogger(__name__)

ORGANIZATION = "VeriPost"
APPLICATION = "VeriPost Desktop"

ENV_PREFIX = "VERIPOST_"
SECRET_KEY_ENV = "VERIPOST_S3_SECRET_KEY"


class StorageKind(StrEnum):
    LOCAL = "local"
    MINIO = "minio"


@dataclass(frozen=True)
class SavedSettings:
    """What the dialog saves. ``None`` means "not saved": the default (or the
    environment) applies, and ``save_settings`` leaves that key alone."""

    storage: StorageKind | None = None
    # The catalog and the local store's folder (``Settings.data_dir``).
    data_dir: Path | None = None
    # Kept while "Local folder" is chosen, so switching back restores it.
    s3_endpoint: str | None = None
    s3_bucket: str | None = None
    s3_access_key: str | None = None
    s3_region: str | None = None
    ingest_workers: int | None = None
    extra_extensions: tuple[str, ...] | None = None
    max_total_uncompressed: int | None = None
    max_members: int | None = None
    max_ratio: float | None = None
    ratio_min_size: int | None = None


# SavedSettings field -> QSettings key.
_KEYS: dict[str, str] = {
    "storage": "storage/backend",
    "data_dir": "storage/data_dir",
    "s3_endpoint": "storage/s3_endpoint",
    "s3_bucket": "storage/s3_bucket",
    "s3_access_key": "storage/s3_access_key",
    "s3_region": "storage/s3_region",
    "ingest_workers": "ingest/workers",
    "extra_extensions": "ingest/extra_extensions",
    "max_total_uncompressed": "limits/max_total_uncompressed",
    "max_members": "limits/max_members",
    "max_ratio": "limits/max_ratio",
    "ratio_min_size": "limits/ratio_min_size",
}

LIMIT_FIELDS = ("max_total_uncompressed", "max_members", "max_ratio", "ratio_min_size")

# SavedSettings field -> the environment variables that override it. A whole
# ``VERIPOST_LIMITS`` (JSON) overrides every limit.
ENV_VARS: dict[str, tuple[str, ...]] = {
    "storage": ("VERIPOST_S3_ENDPOINT",),
    "data_dir": ("VERIPOST_DATA_DIR",),
    "s3_endpoint": ("VERIPOST_S3_ENDPOINT",),
    "s3_bucket": ("VERIPOST_S3_BUCKET",),
    "s3_access_key": ("VERIPOST_S3_ACCESS_KEY",),
    "s3_region": ("VERIPOST_S3_REGION",),
    "ingest_workers": ("VERIPOST_INGEST_WORKERS",),
    "extra_extensions": ("VERIPOST_EXTRA_EXTENSIONS",),
    **{name: (f"VERIPOST_LIMITS__{name.upper()}", "VERIPOST_LIMITS") for name in LIMIT_FIELDS},
}


def app_qsettings() -> QSettings:
    """The app's own settings store. Uses ``QSettings.defaultFormat()`` (native
    unless changed), so a test that calls ``QSettings.setDefaultFormat(IniFormat)``
    and ``QSettings.setPath(...)`` redirects it to a temporary folder."""
    return QSettings(
        QSettings.defaultFormat(), QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
    )


def env_override(field: str) -> str | None:
    """The environment variable that sets ``field`` (a SavedSettings field name,
    or ``"s3_secret_key"``), or None. Names match case-insensitively, as
    pydantic-settings reads them."""
    names = (SECRET_KEY_ENV,) if field == "s3_secret_key" else ENV_VARS[field]
    present = {key.upper() for key in os.environ}
    for name in names:
        if name in present:
            return name
    return None


def load_saved(qsettings: QSettings) -> SavedSettings:
    """What was saved; unreadable values are logged and treated as unsaved."""
    values: dict[str, Any] = {}
    for field in fields(SavedSettings):
        raw = qsettings.value(_KEYS[field.name])
        if raw is None:
            continue
        try:
            values[field.name] = _parse(field.name, raw)
        except (TypeError, ValueError) as exc:
            log.warning(
                "ignoring saved setting %s=%r in %s: %s",
                _KEYS[field.name],
                raw,
                qsettings.fileName(),
                exc,
            )
    return SavedSettings(**values)


def save_settings(qsettings: QSettings, values: SavedSettings) -> None:
    """Write every value that is not None, then flush to disk (or the registry)."""
    for field in fields(SavedSettings):
        value = getattr(values, field.name)
        if value is None:
            continue
        if field.name == "extra_extensions":
            value = ",".join(value)
        elif isinstance(value, StorageKind):
            value = value.value
        elif isinstance(value, Path):
            value = str(value)
        qsettings.setValue(_KEYS[field.name], value)
    qsettings.sync()
    if qsettings.status() is not QSettings.Status.NoError:
        raise VeriPostError(
            ErrorCode.INVALID_SETTINGS,
            "Your settings could not be saved.",
            f"{qsettings.fileName()}: QSettings status {qsettings.status().name}",
        )


def settings_overrides(saved: SavedSettings) -> dict[str, Any]:
    """``saved`` as keyword arguments for ``Settings``, without any value whose
    environment variable is set (keyword arguments would beat the environment)."""
    overrides: dict[str, Any] = {}
    if env_override("storage") is None:
        if saved.storage is StorageKind.LOCAL:
            overrides["s3_endpoint"] = None
        elif saved.s3_endpoint is not None:
            overrides["s3_endpoint"] = saved.s3_endpoint
    for name in ("data_dir", "s3_bucket", "s3_access_key", "s3_region", "ingest_workers"):
        value = getattr(saved, name)
        if value is not None and env_override(name) is None:
            overrides[name] = value
    if saved.extra_extensions is not None and env_override("extra_extensions") is None:
        overrides["extra_extensions"] = saved.extra_extensions
    limits = {
        name: getattr(saved, name)
        for name in LIMIT_FIELDS
        if getattr(saved, name) is not None and env_override(name) is None
    }
    if limits:
        # A dict, not a ZipLimits: pydantic-settings deep-merges it with any
        # VERIPOST_LIMITS__* variable, so one limit from the environment and
        # another from here both apply.
        overrides["limits"] = limits
    return overrides


def load_effective_settings(qsettings: QSettings) -> Settings:
    """The settings the app runs with: environment, then saved values, then
    defaults (the S3 secret from the environment or the keyring).

    Raises ``VeriPostError(invalid_settings)`` naming the settings file when a
    saved value is the problem, and the core's usual error when the
    environment is."""
    overrides = settings_overrides(load_saved(qsettings))
    try:
        return load_settings(**overrides)
    except VeriPostError as exc:
        if not overrides:
            raise
        load_settings()  # raises the environment's own error if it is to blame
        raise VeriPostError(
            ErrorCode.INVALID_SETTINGS,
            "VeriPost's saved settings are not valid. Open Settings to correct them.",
            f"{qsettings.fileName()}\n{exc.detail}",
        ) from exc


def _parse(name: str, raw: object) -> object:
    if name == "storage":
        return StorageKind(str(raw))
    if name == "data_dir":
        if not str(raw).strip():
            raise ValueError("an empty folder name")
        return Path(str(raw))
    if name == "extra_extensions":
        items = raw if isinstance(raw, list) else str(raw).split(",")
        return tuple(str(item).strip() for item in items if str(item).strip())
    if name in ("ingest_workers", "max_total_uncompressed", "max_members", "ratio_min_size"):
        return int(str(raw))
    if name == "max_ratio":
        return float(str(raw))
    return str(raw)
