"""The settings file: one TOML file that the window and every ``veripost-cli``
command read, so they run on the same settings.

Where it is: ``VERIPOST_CONFIG_FILE`` when set, else ``settings.toml`` in the
per-user config folder (platformdirs: ``%LOCALAPPDATA%\\VeriPost\\VeriPost``
on Windows, ``~/.config/VeriPost`` on Linux, ``~/Library/Application
Support/VeriPost`` on macOS).

Its keys are the environment variables' names without ``VERIPOST_``, in
lower case (``s3_endpoint``, ``data_dir``, ``ingest_workers``, ...); the ZIP
limits sit in a ``[limits]`` table. Precedence, highest first: keyword
arguments, the environment, this file, the defaults (see
``Settings.settings_customise_sources``). The S3 secret key is never written
here (it lives in the OS keyring or ``VERIPOST_S3_SECRET_KEY``); one found in
the file is ignored.

Writes go to a temporary file beside it, which is closed and then moved into
place with ``os.replace``: a crash or a full disk leaves the old file whole.
Keys this version does not know are kept when the file is rewritten, so a
newer version's settings survive an older dialog.
"""

from __future__ import annotations

import logging
import os
import tempfile
import tomllib
from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any

import tomli_w
from platformdirs import user_config_path
from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from veripost_desktop.core.config import APP_AUTHOR, APP_NAME, Settings
from veripost_desktop.core.errors import ErrorCode, VeriPostError

log = logging.getLogger(__name__)

CONFIG_FILE_ENV = "VERIPOST_CONFIG_FILE"
FILE_NAME = "settings.toml"
ENV_PREFIX = "VERIPOST_"
SECRET_KEY = "s3_secret_key"
SECRET_KEY_ENV = "VERIPOST_S3_SECRET_KEY"
LIMITS = "limits"

# A secret key found in a file is reported once per file, not at every Settings().
_warned_secret: set[Path] = set()


def environ_name(name: str) -> str | None:
    """The name under which ``name`` is set in the environment, or None.
    Case-insensitive, as pydantic-settings reads it (and as Windows has it)."""
    wanted = name.upper()
    for key in os.environ:
        if key.upper() == wanted:
            return key
    return None


def config_file_path() -> Path:
    """Where the settings file is (it need not exist)."""
    name = environ_name(CONFIG_FILE_ENV)
    value = os.environ.get(name, "").strip() if name else ""
    if value:
        return Path(value).expanduser()
    return user_config_path(APP_NAME, APP_AUTHOR) / FILE_NAME


def env_variable_for(key: str) -> str | None:
    """The environment variable that sets ``key`` (a file key such as
    ``"s3_bucket"``, or ``"limits.max_members"``), upper-cased, or None.
    A whole ``VERIPOST_LIMITS`` (JSON) sets every limit."""
    if key.startswith(LIMITS + "."):
        names = [f"{ENV_PREFIX}LIMITS__{key.split('.', 1)[1].upper()}", f"{ENV_PREFIX}LIMITS"]
    else:
        names = [ENV_PREFIX + key.upper()]
    for name in names:
        if environ_name(name) is not None:
            return name
    return None


def read_settings_file(path: Path | None = None) -> dict[str, Any]:
    """The file's contents as a dict; empty when there is no file.

    Raises ``VeriPostError(invalid_settings)`` naming the file when it is not
    valid TOML or cannot be read."""
    path = path or config_file_path()
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise VeriPostError(
            ErrorCode.INVALID_SETTINGS,
            f"The settings file {path} is not valid TOML. Correct it, or delete it to "
            "start again from the defaults.",
            f"{path}: {exc}",
        ) from exc
    except OSError as exc:
        raise VeriPostError(
            ErrorCode.INVALID_SETTINGS,
            f"The settings file {path} could not be read.",
            f"{path}: {type(exc).__name__}: {exc}",
        ) from exc


def write_settings_file(values: Mapping[str, Any], path: Path | None = None) -> Path:
    """Write ``values`` as the whole file (``None`` values and the secret key
    left out): a temporary file beside it, closed, then moved into place."""
    path = path or config_file_path()
    document = _to_toml(values)
    text = tomli_w.dumps(document)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _not_saved(path, exc) from exc
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise _not_saved(path, exc) from exc
    log.info("settings saved to %s", path)
    return path


def update_settings_file(
    changes: Mapping[str, Any],
    *,
    remove: Iterable[str] = (),
    path: Path | None = None,
    set_aside_unreadable: bool = False,
) -> Path:
    """Change some keys of the file, keeping every other one (a newer
    version's too). ``changes`` may hold a ``limits`` mapping: it is merged
    into the ``[limits]`` table. ``remove`` names keys to drop (``"limits.x"``
    for a limit); a ``None`` value drops its key too.

    With ``set_aside_unreadable``, a file that is not valid TOML is renamed
    ``settings.toml.unreadable-YYYYmmdd-HHMMSS`` (kept, never deleted) and a
    new one is written; otherwise it raises ``invalid_settings``."""
    path = path or config_file_path()
    try:
        current = read_settings_file(path)
    except VeriPostError:
        if not set_aside_unreadable or not path.is_file():
            raise
        aside = path.with_name(f"{path.name}.unreadable-{datetime.now():%Y%m%d-%H%M%S}")
        try:
            os.replace(path, aside)
        except OSError as exc:
            raise _not_saved(path, exc) from exc
        log.warning("settings file %s was not readable; kept as %s", path, aside)
        current = {}
    merged: dict[str, Any] = dict(current)
    for key, value in changes.items():
        if key == LIMITS and isinstance(value, Mapping):
            table = merged.get(LIMITS)
            table = dict(table) if isinstance(table, Mapping) else {}
            for limit, limit_value in value.items():
                if limit_value is None:
                    table.pop(limit, None)
                else:
                    table[limit] = limit_value
            merged[LIMITS] = table
        elif value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    for key in remove:
        if key.startswith(LIMITS + ".") and isinstance(merged.get(LIMITS), Mapping):
            merged[LIMITS] = {k: v for k, v in merged[LIMITS].items() if k != key.split(".", 1)[1]}
        else:
            merged.pop(key, None)
    if isinstance(merged.get(LIMITS), Mapping) and not merged[LIMITS]:
        del merged[LIMITS]
    return write_settings_file(merged, path)


def _not_saved(path: Path, exc: OSError) -> VeriPostError:
    return VeriPostError(
        ErrorCode.INVALID_SETTINGS,
        f"Your settings could not be saved to {path}.",
        f"{path}: {type(exc).__name__}: {exc}",
    )


def _to_toml(value: Any) -> Any:
    """Plain TOML values: paths as strings, tuples as arrays; ``None`` and
    the secret key left out."""
    if isinstance(value, Mapping):
        return {
            str(k): _to_toml(v)
            for k, v in value.items()
            if v is not None and k != SECRET_KEY and not isinstance(v, SecretStr)
        }
    if isinstance(value, BaseModel):
        return _to_toml(value.model_dump())
    if isinstance(value, list | tuple):
        return [_to_toml(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return value


class SettingsFileSource(PydanticBaseSettingsSource):
    """The settings file as a pydantic-settings source (below the environment).
    A secret key in the file is ignored, with a warning in the log."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path | None = None) -> None:
        super().__init__(settings_cls)
        self.path = path or config_file_path()
        data = read_settings_file(self.path)
        if SECRET_KEY in data and self.path not in _warned_secret:
            _warned_secret.add(self.path)
            log.warning(
                "%s holds s3_secret_key: ignored (the secret belongs in the keyring or %s)",
                self.path,
                SECRET_KEY_ENV,
            )
        fields = settings_cls.model_fields
        self.data = {k: v for k, v in data.items() if k in fields and k != SECRET_KEY}

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return self.data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self.data)

    def __repr__(self) -> str:
        return f"SettingsFileSource(path={self.path})"


# ---- where each effective setting came from ---------------------------------------


def settings_report(settings: Settings) -> dict[str, Any]:
    """Every effective setting, its value (JSON-ready: paths as strings) and
    where it came from: ``"env"``, ``"file"`` or ``"default"``; the limits as
    ``"limits.max_members"`` etc. The secret key is only ``"set"`` or
    ``"not set"``, from ``"env"``, ``"keyring"`` or ``"default"``.

    ``notes`` says what in the file was ignored."""
    path = config_file_path()
    data = read_settings_file(path)
    table = data.get(LIMITS)
    limits_in_file: Mapping[str, Any] = table if isinstance(table, Mapping) else {}
    report: dict[str, dict[str, Any]] = {}
    for name in Settings.model_fields:
        if name == LIMITS:
            for limit in type(settings.limits).model_fields:
                key = f"{LIMITS}.{limit}"
                report[key] = {
                    "value": _json_value(getattr(settings.limits, limit)),
                    "source": _source(key, limit in limits_in_file),
                }
        elif name == SECRET_KEY:
            if env_variable_for(SECRET_KEY) is not None:
                source = "env"
            elif settings.s3_secret_key is not None:
                source = "keyring"
            else:
                source = "default"
            report[name] = {
                "value": "set" if settings.s3_secret_key is not None else "not set",
                "source": source,
            }
        else:
            value = getattr(settings, name)
            # The folders that default to one inside the data folder: the one in use.
            if name == "store_dir":
                value = settings.local_store_dir
            elif name == "catalog_path":
                value = settings.resolved_catalog_path
            report[name] = {
                "value": _json_value(value),
                "source": _source(name, name in data),
            }
    notes = []
    if SECRET_KEY in data:
        notes.append(
            f"s3_secret_key in {path} is ignored: the secret belongs in the keyring "
            f"(Settings) or {SECRET_KEY_ENV}."
        )
    return {
        "config_file": str(path),
        "config_file_exists": path.is_file(),
        "settings": report,
        "notes": notes,
    }


def _source(key: str, in_file: bool) -> str:
    if env_variable_for(key) is not None:
        return "env"
    return "file" if in_file else "default"


def _json_value(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    return value
