"""Configuration: environment first (``VERIPOST_*``), then built-in defaults.

pydantic-settings reads the environment; platformdirs gives the per-user data
directory so the app works on a fresh machine with no configuration at all.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

from platformdirs import user_data_path, user_log_path
from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

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


class Settings(BaseSettings):
    """Everything the core needs to run. Fronts build one and pass it down."""

    model_config = SettingsConfigDict(
        env_prefix="VERIPOST_", env_nested_delimiter="__", extra="ignore"
    )

    data_dir: Path = Field(default_factory=default_data_dir)
    # Where the SQLite catalog lives; defaults to ``data_dir / "catalog.sqlite3"``.
    catalog_path: Path | None = None

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

    @field_validator("s3_endpoint")
    @classmethod
    def _blank_endpoint_is_none(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return value.strip()

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
        return self.data_dir / "objects"

    @property
    def accepted_extensions(self) -> tuple[str, ...]:
        return UPG_EXTENSIONS + tuple(e for e in self.extra_extensions if e not in UPG_EXTENSIONS)

    @property
    def uses_s3(self) -> bool:
        return self.s3_endpoint is not None


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment (and ``overrides``), with a bad value
    reported in the one error shape instead of a pydantic traceback."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise VeriPostError(
            ErrorCode.INVALID_SETTINGS,
            "VeriPost's configuration is not valid. Check the VERIPOST_ environment variables.",
            str(exc),
        ) from exc
    if settings.s3_endpoint and settings.s3_secret_key is None:
        from veripost_desktop.core.secrets_store import load_secret

        secret = load_secret(settings.s3_access_key)
        if secret is not None:
            settings = settings.model_copy(update={"s3_secret_key": SecretStr(secret)})
    return settings
