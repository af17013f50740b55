"""Configuration: keyword arguments, then the environment (``VERIPOST_*``),
then the settings file (``core/settings_file.py``), then built-in defaults.

pydantic-settings reads the environment and the file; platformdirs gives the
per-user folders, so the app works on a fresh machine with no configuration
at all. The window and every ``veripost-cli`` command read the same file, so
they run on the same settings.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Annotated

from platformdirs import user_data_path, user_log_path
from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from veripost_desktop.core.errors import ErrorCode, VeriPostError

APP_NAME = "VeriPost"
APP_AUTHOR = "VeriPost"

# The seven UPG-2 package file types. Compared case-insensitively.
UPG_EXTENSIONS: tuple[str, ...] = (".SRC", ".LIB", ".CTL", ".KIN", ".ATR", ".PINF", ".LNG")

GIB = 1024**3
MIB = 1024**2


class ZipLimits(BaseModel):
    """Bounds that stop ZIP bombs. Checked on the central directory at drop
    time and enforced again while streaming, so a lying header gets no further.

    The defaults are far above any real post package (a large one is a few MB)
    while still refusing archives that would fill a disk or the catalog.
    """

    max_total_uncompressed: int = Field(default=16 * GIB, gt=0)
    max_members: int = Field(default=10_000, gt=0)
    # A member whose uncompressed size is over ``ratio_min_size`` may not
    # expand more than ``max_ratio`` times its compressed size. Real UPG files
    # compress 2-10x; zeros compress ~1000x.
    max_ratio: float = Field(default=200.0, gt=1)
    ratio_min_size: int = Field(default=1 * MIB, ge=0)


def default_data_dir() -> Path:
    return user_data_path(APP_NAME, APP_AUTHOR)


def default_parse_workers() -> int:
    """Parse processes when not configured: the cores but one (for the
    window, the uploads and the catalog), at least one, at most four."""
    return max(1, min(4, (os.cpu_count() or 2) - 1))


def default_log_dir() -> Path:
    return user_log_path(APP_NAME, APP_AUTHOR)


def default_user_name() -> str:
    """Who uploads, when not configured: the OS login name."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no USER/LOGNAME and no passwd entry
        return "unknown"


class Settings(BaseSettings):
    """Everything the core needs to run. Fronts build one and pass it down."""

    model_config = SettingsConfigDict(
        env_prefix="VERIPOST_", env_nested_delimiter="__", extra="ignore"
    )

    data_dir: Path = Field(default_factory=default_data_dir)
    # Where the SQLite catalog lives; defaults to ``data_dir / "catalog.sqlite3"``.
    catalog_path: Path | None = None
    # The local folder store's folder; defaults to ``data_dir / "objects"``.
    # It may live apart from the data folder: a shared network drive serves a
    # small team without MinIO.
    store_dir: Path | None = None

    # Who uploads: shown as "Uploaded by" on every package added here.
    user_name: str = Field(default_factory=default_user_name)
    # How often the window refreshes from storage, in minutes; 0: never on its own.
    refresh_minutes: int = Field(default=5, ge=0, le=24 * 60)

    # MinIO / S3. With no endpoint the embedded local folder store is used.
    s3_endpoint: str | None = None
    s3_access_key: str | None = None
    s3_secret_key: SecretStr | None = None
    s3_bucket: str = "veripost"
    s3_region: str = "us-east-1"

    # Extra file types accepted beside the seven UPG ones (e.g. ".RTF", ".CNF").
    # From the environment: a comma-separated list, e.g. ``VERIPOST_EXTRA_EXTENSIONS=.RTF,.CNF``.
    extra_extensions: Annotated[tuple[str, ...], NoDecode] = ()

    # How many packages ingest at the same time.
    ingest_workers: int = Field(default=4, ge=1, le=64)
    # How many files of one package upload at the same time.
    upload_workers: int = Field(default=4, ge=1, le=32)
    # Processes that parse the posts (see core/ingestion/parse_pool.py); 0
    # parses in the ingesting thread. Default: one core left for the rest.
    parse_workers: int = Field(default_factory=default_parse_workers, ge=0, le=16)

    limits: ZipLimits = Field(default_factory=ZipLimits)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Highest first. The file's path is looked up here, at each Settings(),
        # not at import: tests and scripts set VERIPOST_CONFIG_FILE as they go.
        # Imported here because settings_file imports this module.
        from veripost_desktop.core.settings_file import SettingsFileSource

        return (init_settings, env_settings, SettingsFileSource(settings_cls))

    @field_validator("s3_endpoint")
    @classmethod
    def _blank_endpoint_is_none(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return value.strip()

    @field_validator("store_dir", "catalog_path", mode="before")
    @classmethod
    def _blank_path_is_none(cls, value: object) -> object:
        # Path("") would be the current folder: an empty entry means "the default".
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("user_name", mode="before")
    @classmethod
    def _blank_user_name_is_the_login_name(cls, value: object) -> object:
        if value is None:
            return default_user_name()
        if isinstance(value, str):
            return value.strip() or default_user_name()
        return value

    @field_validator("extra_extensions", mode="before")
    @classmethod
    def _normalise_extensions(cls, value: object) -> object:
        if isinstance(value, str):
            value = [v for v in value.replace(";", ",").split(",")]
        if isinstance(value, list | tuple):
            out = []
            for v in value:
                v = str(v).strip().upper()
                if v:
                    out.append(v if v.startswith(".") else "." + v)
            return tuple(out)
        return value

    # The rotating log file's folder; defaults to the per-user log folder.
    log_dir: Path = Field(default_factory=default_log_dir)

    @property
    def resolved_catalog_path(self) -> Path:
        return self.catalog_path or (self.data_dir / "catalog.sqlite3")

    @property
    def local_store_dir(self) -> Path:
        return self.store_dir or (self.data_dir / "objects")

    @property
    def accepted_extensions(self) -> tuple[str, ...]:
        return UPG_EXTENSIONS + tuple(e for e in self.extra_extensions if e not in UPG_EXTENSIONS)

    @property
    def uses_s3(self) -> bool:
        return self.s3_endpoint is not None


def load_settings(*, use_file: bool = True, **overrides: object) -> Settings:
    """Settings from ``overrides``, the environment and the settings file, with
    a bad value reported in the one error shape (naming the file when the
    value came from there) instead of a pydantic traceback.

    ``use_file=False`` leaves the file out (the Settings dialog, while the
    file cannot be read, checks its form that way)."""
    cls = Settings if use_file else _SettingsWithoutFile
    try:
        settings = cls(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise _invalid_settings(exc, overrides, use_file) from exc
    if settings.s3_endpoint and settings.s3_secret_key is None:
        from veripost_desktop.core.secrets_store import load_secret

        secret = load_secret(settings.s3_access_key)
        if secret is not None:
            settings = settings.model_copy(update={"s3_secret_key": SecretStr(secret)})
    return settings


class _SettingsWithoutFile(Settings):
    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings)


def settings_without_file() -> Settings:
    """The environment and the defaults alone: what the Settings dialog shows
    while the settings file cannot be used, so it can be repaired there.
    Falls back to the bare defaults when the environment is bad too."""
    try:
        return _SettingsWithoutFile()
    except ValidationError:
        return Settings.model_construct()


def _invalid_settings(
    exc: ValidationError, overrides: dict[str, object], use_file: bool = True
) -> VeriPostError:
    """Say where the bad value came from: the settings file, or the environment."""
    from veripost_desktop.core.settings_file import (
        config_file_path,
        env_variable_for,
        read_settings_file,
    )

    path = config_file_path()
    try:
        data = read_settings_file(path) if use_file else {}
    except VeriPostError:
        data = {}
    in_file: list[str] = []
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        if not loc or loc[0] in overrides:
            continue
        if loc[0] == "limits" and len(loc) > 1:
            key = f"limits.{loc[1]}"
            limits = data.get("limits")
            from_file = isinstance(limits, dict) and loc[1] in limits
        else:
            key = loc[0]
            from_file = key in data
        if from_file and env_variable_for(key) is None:
            in_file.append(key)
    if in_file:
        return VeriPostError(
            ErrorCode.INVALID_SETTINGS,
            f"The settings file {path} holds a value VeriPost cannot use "
            f"({', '.join(sorted(set(in_file)))}). Correct it, or delete that line to use "
            "the default.",
            f"{path}\n{exc}",
        )
    return VeriPostError(
        ErrorCode.INVALID_SETTINGS,
        "VeriPost's configuration is not valid. Check the VERIPOST_ environment variables.",
        str(exc),
    )
