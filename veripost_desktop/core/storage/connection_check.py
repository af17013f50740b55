"""Whether VeriPost can use a store, answered within a few seconds.

The settings dialog's *Test connection* runs this on a worker thread. It opens
the store the settings describe exactly as the app would (``open_store``),
checks it is ready (``ensure_ready``: reachable, credentials accepted, bucket
or folder present; a missing bucket is created, as starting the app would)
and lists the package prefix to prove reads work.

The S3 client retries and waits on its own timeouts (seconds per attempt,
more for a host that drops packets), which is right for an upload but not for
a person waiting on a button. So the check runs on a daemon thread and is
given ``timeout_s``; past that it reports the store as unavailable and leaves
the thread to end on the client's own timeout.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace

from veripost_desktop.core.config import Settings
from veripost_desktop.core.errors import ErrorCode, UserError, as_user_error
from veripost_desktop.core.storage.object_store import ObjectStore
from veripost_desktop.core.storage.store_factory import open_store

DEFAULT_TIMEOUT_S = 5.0

# The stores' messages speak of a package being saved; here nothing is, so
# the message says what to check instead. Code and detail are kept as they are.
_MESSAGES = {
    ErrorCode.STORAGE_UNAVAILABLE: "VeriPost could not reach the storage. Check the address "
    "and that the server is running.",
    ErrorCode.STORAGE_ERROR: "The storage server refused the request. Check the access key, "
    "secret key and bucket name.",
}


def check_connection(settings: Settings, timeout_s: float = DEFAULT_TIMEOUT_S) -> UserError | None:
    """None if the store in ``settings`` works; otherwise what is wrong, in the
    one error shape. Never raises; returns within about ``timeout_s``."""
    outcome: list[UserError | None] = []
    described: list[str] = []

    def attempt() -> None:
        try:
            store: ObjectStore = open_store(settings)
            described.append(store.description)
            store.ensure_ready()
            store.list_keys("packages/")
        except BaseException as exc:  # noqa: BLE001 - reported, never raised
            error = as_user_error(exc)
            if error.code in _MESSAGES and "not a valid URL" not in error.message:
                error = replace(error, message=_MESSAGES[ErrorCode(error.code)])
            outcome.append(error)
        else:
            outcome.append(None)

    started = time.monotonic()
    thread = threading.Thread(target=attempt, name="veripost-connection-check", daemon=True)
    thread.start()
    thread.join(timeout_s)
    if outcome:
        return outcome[0]
    where = described[0] if described else (settings.s3_endpoint or str(settings.local_store_dir))
    return UserError(
        code=ErrorCode.STORAGE_UNAVAILABLE,
        message="File storage did not answer in time. Check the address and that the "
        "server is running.",
        detail=f"{where}: no answer within {time.monotonic() - started:.1f} s",
    )


def describe_store(settings: Settings) -> str:
    """What ``settings`` points at, for a person (no connection is made)."""
    try:
        return open_store(settings).description
    except Exception as exc:  # noqa: BLE001 - a bad URL still needs describing
        return f"{settings.s3_endpoint!r} ({as_user_error(exc).message})"
