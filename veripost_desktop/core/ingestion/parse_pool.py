"""The processes the parsing step runs in.

Parsing is pure Python: in the ingesting process it holds the GIL that the
uploads, the catalog writes and (in the GUI) the window's event loop need,
so those wait while a large post is read. In a separate process it runs on
another core and takes nothing from them.

One pool per process, started on first use and shut down at exit. It uses
the "spawn" start method on every OS: Windows has no other, and using it on
Linux too means the tests run the path our users run. ``parse_workers = 0``
(``VERIPOST_PARSE_WORKERS=0``) parses in the ingestion thread instead; a pool
whose process died is dropped, and the package is parsed in-process.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor

from veripost_desktop.core.child_process import start_helper_process

log = logging.getLogger(__name__)

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_size = 0


def parse_pool(workers: int) -> ProcessPoolExecutor | None:
    """The process-wide pool of ``workers`` processes (None for 0)."""
    global _pool, _pool_size
    if workers <= 0:
        return None
    with _lock:
        if _pool is not None and _pool_size != workers:
            # Settings changed: new packages go to a pool of the new size;
            # parses already sent to the old one finish there.
            _pool.shutdown(wait=False)
            _pool = None
        if _pool is None:
            _pool = ProcessPoolExecutor(
                workers,
                mp_context=multiprocessing.get_context("spawn"),
                # Below the app's priority, and never outliving a killed app.
                initializer=start_helper_process,
            )
            _pool_size = workers
            log.info("started a pool of %d parse process(es)", workers)
        return _pool


def discard_pool(pool: ProcessPoolExecutor) -> None:
    """Drop a broken pool; the next ``parse_pool`` call starts a new one."""
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


def shutdown_parse_pool() -> None:
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


atexit.register(shutdown_parse_pool)
