"""The window's side of settings: QSettings for the window's layout only, and
the one-time carry-over of what older versions' Settings dialog saved there.

The settings themselves live in the settings file (``core/settings_file.py``),
which the core reads for every front. Older versions saved the dialog's
values in QSettings (organisation "VeriPost", application "VeriPost
Desktop": the registry on Windows, an .ini file elsewhere) under
``storage/*``, ``ingest/*`` and ``limits/*``. At the window's start, while no
settings file exists yet, those values are written to a new settings file and
then removed from QSettings, so it happens once.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

from veripost_desktop.core.settings_file import (
    LIMITS,
    config_file_path,
    write_settings_file,
)

log = logging.getLogger(__name__)

ORGANIZATION = "VeriPost"
APPLICATION = "VeriPost Desktop"

# What older versions saved: settings-file key -> QSettings key. ``storage``
# (local / minio) is no key of the file: "local" means no ``s3_endpoint``.
LEGACY_KEYS: dict[str, str] = {
    "storage": "storage/backend",
    "data_dir": "storage/data_dir",
    "s3_endpoint": "storage/s3_endpoint",
    "s3_bucket": "storage/s3_bucket",
    "s3_access_key": "storage/s3_access_key",
    "s3_region": "storage/s3_region",
    "ingest_workers": "ingest/workers",
    "extra_extensions": "ingest/extra_extensions",
    "limits.max_total_uncompressed": "limits/max_total_uncompressed",
    "limits.max_members": "limits/max_members",
    "limits.max_ratio": "limits/max_ratio",
    "limits.ratio_min_size": "limits/ratio_min_size",
}
_INTEGERS = {
    "ingest_workers",
    "limits.max_total_uncompressed",
    "limits.max_members",
    "limits.ratio_min_size",
}


def app_qsettings() -> QSettings:
    """The app's own QSettings (the window's layout). Uses
    ``QSettings.defaultFormat()`` (native unless changed), so a test that calls
    ``QSettings.setDefaultFormat(IniFormat)`` and ``QSettings.setPath(...)``
    redirects it to a temporary folder."""
    return QSettings(
        QSettings.defaultFormat(), QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
    )


def legacy_values(qsettings: QSettings) -> dict[str, Any]:
    """What an older dialog saved in ``qsettings``, as settings-file values.
    Unreadable values are logged and left out."""
    found: dict[str, Any] = {}
    for key, qkey in LEGACY_KEYS.items():
        raw = qsettings.value(qkey)
        if raw is None:
            continue
        try:
            found[key] = _parse(key, raw)
        except (TypeError, ValueError) as exc:
            log.warning("not carrying over %s=%r from %s: %s", qkey, raw, qsettings.fileName(), exc)
    values: dict[str, Any] = {}
    storage = found.pop("storage", None)
    endpoint = found.pop("s3_endpoint", None)
    if storage != "local" and endpoint:
        values["s3_endpoint"] = endpoint
    limits: dict[str, Any] = {}
    for key, value in found.items():
        if key.startswith(LIMITS + "."):
            limits[key.split(".", 1)[1]] = value
        else:
            values[key] = value
    if limits:
        values[LIMITS] = limits
    return values


def carry_over_qsettings(qsettings: QSettings, path: Path | None = None) -> Path | None:
    """Once: when there is no settings file yet, write what an older dialog
    saved in ``qsettings`` to it, then remove those keys from ``qsettings``.
    Returns the file written, or None when there was nothing to do."""
    path = path or config_file_path()
    if path.exists():
        return None
    present = [qkey for qkey in LEGACY_KEYS.values() if qsettings.contains(qkey)]
    if not present:
        return None
    values = legacy_values(qsettings)
    write_settings_file(values, path)
    for qkey in present:
        qsettings.remove(qkey)
    qsettings.sync()
    log.info(
        "settings saved by an older version carried over from %s to %s", qsettings.fileName(), path
    )
    return path


def _parse(key: str, raw: object) -> object:
    if key == "storage":
        value = str(raw)
        if value not in ("local", "minio"):
            raise ValueError(f"not a storage kind: {value!r}")
        return value
    if key == "data_dir":
        if not str(raw).strip():
            raise ValueError("an empty folder name")
        return str(Path(str(raw)))
    if key == "extra_extensions":
        items = raw if isinstance(raw, list) else str(raw).split(",")
        return [str(item).strip() for item in items if str(item).strip()]
    if key in _INTEGERS:
        return int(str(raw))
    if key == "limits.max_ratio":
        return float(str(raw))
    return str(raw)
