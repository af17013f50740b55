"""Which catalog file belongs to which store, and what to do with a damaged one.

One catalog per store, inside the data folder. ``catalog.sqlite3`` belongs
to the first store it was opened with (for an existing install: the store it
has always been used with); every other store gets its own file in
``catalogs/``. Switching stores in Settings therefore switches catalogs, and
a catalog is never read through a store it does not describe. A catalog
*named explicitly* (``catalog_path``) that records another store is refused
with ``store_mismatch``, both stores named.

A catalog SQLite cannot read (cut short, overwritten) is moved aside with a
timestamp, never deleted, and a new one is made; the store is the record, so
a refresh fills it again (``Services.recovered_catalog`` tells the front).
Its search index file, derived data, is removed with it and rebuilt.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.exc import DatabaseError

from veripost_desktop.core.catalog.catalog import Catalog
from veripost_desktop.core.catalog.database import is_damage
from veripost_desktop.core.errors import ErrorCode, VeriPostError
from veripost_desktop.core.search.index_database import index_path, remove_index_files

log = logging.getLogger(__name__)

STORE_KEY = "store"
STORE_DESCRIPTION_KEY = "store_description"
DEFAULT_NAME = "catalog.sqlite3"
PER_STORE_FOLDER = "catalogs"


@dataclass(frozen=True)
class StoreRef:
    identity: str  # Store.identity: stable, compared
    description: str  # Store.description: for a person


@dataclass(frozen=True)
class OpenedCatalog:
    catalog: Catalog
    # Where a damaged catalog was moved to before a new one was made.
    moved_aside: Path | None = None


def per_store_path(data_dir: Path, store: StoreRef) -> Path:
    kind, _, where = store.identity.partition(":")
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", where.rsplit("://", 1)[-1])[-48:].strip("_.")
    digest = hashlib.sha256(store.identity.encode("utf-8")).hexdigest()[:10]
    return data_dir / PER_STORE_FOLDER / f"{kind}-{readable}-{digest}.sqlite3"


def open_catalog_for_store(
    data_dir: Path,
    store: StoreRef,
    *,
    explicit_path: Path | None = None,
    owner_token: str | None = None,
    uploaded_by: str | None = None,
    uploaded_host: str | None = None,
) -> OpenedCatalog:
    def open_at(path: Path) -> OpenedCatalog:
        return _open_or_recover(
            path,
            owner_token=owner_token,
            uploaded_by=uploaded_by,
            uploaded_host=uploaded_host,
        )

    if explicit_path is not None:
        opened = open_at(explicit_path)
        _claim_or_refuse(opened.catalog, store)
        return opened

    default = data_dir / DEFAULT_NAME
    per_store = per_store_path(data_dir, store)
    if per_store.exists() or default.exists():
        # A store that has its own file uses it; the default file is taken
        # only if it is this store's or nobody's yet.
        if not per_store.exists():
            opened = open_at(default)
            recorded = opened.catalog.info(STORE_KEY)
            if recorded in (None, store.identity):
                _claim_or_refuse(opened.catalog, store)
                return opened
            opened.catalog.close()
        opened = open_at(per_store)
    else:
        opened = open_at(default)  # a fresh install: its first store
    _claim_or_refuse(opened.catalog, store)
    return opened


def _claim_or_refuse(catalog: Catalog, store: StoreRef) -> None:
    recorded = catalog.info(STORE_KEY)
    if recorded is None:
        catalog.set_info(STORE_KEY, store.identity)
        catalog.set_info(STORE_DESCRIPTION_KEY, store.description)
        return
    if recorded != store.identity:
        theirs = catalog.info(STORE_DESCRIPTION_KEY) or recorded
        path = catalog.path
        catalog.close()
        raise VeriPostError(
            ErrorCode.STORE_MISMATCH,
            f"This catalog describes the packages in {theirs}, but VeriPost is set to use "
            f"{store.description}. Nothing was read or changed. Choose the catalog's store in "
            "Settings, or let VeriPost use its own catalog for this store (leave the catalog "
            "path unset).",
            f"catalog {path}: store {recorded!r}; settings: store {store.identity!r}",
        )


def _open_or_recover(path: Path, **kwargs: str | None) -> OpenedCatalog:
    try:
        catalog = Catalog(path, **kwargs)
        try:
            catalog.probe()
        except BaseException:
            catalog.close()
            raise
        return OpenedCatalog(catalog)
    except DatabaseError as exc:
        if not is_damage(exc):
            raise
        moved = move_aside(path)
        log.error("catalog %s is damaged (%s); moved to %s", path, exc.orig, moved)
        # Its search index describes packages the new catalog does not have yet.
        remove_index_files(index_path(path))
        return OpenedCatalog(Catalog(path, **kwargs), moved_aside=moved)


def move_aside(path: Path) -> Path:
    """Rename a damaged catalog (and its WAL and shared-memory files) out of the way."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    try:
        os.replace(path, target)
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                os.replace(side, target.with_name(target.name + suffix))
    except OSError as exc:
        raise VeriPostError(
            ErrorCode.CATALOG_DAMAGED,
            "The catalog file is damaged and could not be moved aside. Close other VeriPost "
            "windows and commands, then try again.",
            f"{path}: {exc}",
        ) from exc
    return target
