"""``team/last-change.json``: one small object every publish and removal
rewrites, so a desktop can tell "nothing changed since my last full refresh"
from one request instead of listing every object of the store.

A refresh reads the marker's ETag *before* its listing and records it with
the refresh; the next refresh, finding the same ETag, skips the listing. A
writer rewrites the marker *after* its manifest is written or deleted, so a
change is never hidden behind an old ETag. A writer killed between the two
leaves its change unannounced: every desktop also lists the store in full at
its first refresh and at least every ``FULL_REFRESH_EVERY`` (one hour).

The marker also says, for a person looking at the bucket, who changed what last.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from datetime import UTC, datetime, timedelta

from veripost_desktop.core.errors import VeriPostError
from veripost_desktop.core.storage.object_store import ObjectStore

log = logging.getLogger(__name__)

MARKER_KEY = "team/last-change.json"
FULL_REFRESH_EVERY = timedelta(hours=1)


def announce_change(store: ObjectStore, what: str, package_id: str, user: str, host: str) -> None:
    """Rewrite the marker. Never fails the change it announces: a marker that
    could not be written only delays other desktops to their next full refresh."""
    body = {
        "what": what,  # "published" | "removed"
        "package_id": package_id,
        "by": user,
        "host": host,
        "at": datetime.now(UTC).isoformat(),
        "token": uuid.uuid4().hex,  # a new ETag even for the same change twice
    }
    try:
        store.put_bytes(MARKER_KEY, json.dumps(body).encode("utf-8"))
    except Exception as exc:  # noqa: BLE001 - see above
        log.warning("could not announce %s of %s: %s", what, package_id, exc)


def marker_etag(store: ObjectStore) -> str | None:
    """The marker's ETag, or None when there is none (or no bucket yet)."""
    try:
        info = store.stat(MARKER_KEY)
    except VeriPostError as exc:
        cause = exc.__cause__
        if getattr(cause, "code", None) == "NoSuchBucket":
            return None
        raise
    return info.etag if info is not None else None


class ChangeAnnouncer:
    """Announces a desktop's publishes, coalesced: a batch of 200 packages
    rewrites the marker a few times, not 200 (each rewrite is a PUT the
    ingestion would otherwise wait on). The first change starts a short
    timer; every change until it fires rides along. ``close`` (and ``flush``)
    write what is pending at once: the window and every command close their
    services before they exit."""

    def __init__(self, store: ObjectStore, user: str, host: str, delay_s: float = 1.0) -> None:
        self._store, self._user, self._host, self._delay = store, user, host, delay_s
        self._lock = threading.Lock()
        self._pending: tuple[str, str] | None = None
        self._timer: threading.Timer | None = None

    def announce(self, what: str, package_id: str) -> None:
        with self._lock:
            self._pending = (what, package_id)
            if self._timer is None:
                self._timer = threading.Timer(self._delay, self.flush)
                self._timer.daemon = True
                self._timer.start()

    def flush(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, None
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        if pending is not None:
            announce_change(self._store, pending[0], pending[1], self._user, self._host)

    def close(self) -> None:
        self.flush()
