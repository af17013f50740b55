"""The log files: one per process, in the per-user log folder, secrets never written.

Both fronts call ``configure_logging``. The window and any number of
``veripost-cli`` processes run at once, so no two processes write (or rotate)
the same file: each writes ``veripost-<yyyymmdd-HHMMSS>-<pid>.log`` and rotates
only its own, at 2 MB, keeping one older part. At start a process prunes the
logs of others: it keeps the newest ``KEEP_PROCESSES`` and removes any older
than ``MAX_AGE_DAYS``, but never the log of a process still running (each
holds a lock on ``running/<its log name>.lock`` for as long as it lives; the OS
drops it however the process ends). A file Windows will not delete (open in a
process that ran an older version) is left for a later start.

A filter masks anything that looks like a secret (the configured S3 secret
key, and ``secret=`` / ``password=`` / ``X-Amz-Signature=`` values) before a
record is written anywhere.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path

from filelock import FileLock, Timeout

LOG_FILE_PREFIX = "veripost-"
MAX_BYTES = 2 * 1024 * 1024
BACKUP_COUNT = 1  # one older part per process: at most 4 MB a process
KEEP_PROCESSES = 30
MAX_AGE_DAYS = 30
LOCK_FOLDER = "running"
# A process's log and its rotated part; ``veripost.log`` (and its parts) is
# the single shared file versions before this one wrote.
_LOG_NAME = re.compile(r"^(veripost-\d{8}-\d{6}-\d+\.log|veripost\.log)(?:\.\d+)?$")
_SECRET_PATTERNS = re.compile(
    r"(?i)((?:secret|password|passwd|token|signature|credential)[\w-]*\s*[=:]\s*)([^\s&,'\"]+)"
)


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self._secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _SECRET_PATTERNS.sub(r"\1***", message)
        for secret in self._secrets:
            redacted = redacted.replace(secret, "***")
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def process_log_name(when: datetime | None = None, pid: int | None = None) -> str:
    """This process's log file name: start time (local) and process id."""
    when = when or datetime.now()
    return f"{LOG_FILE_PREFIX}{when:%Y%m%d-%H%M%S}-{os.getpid() if pid is None else pid}.log"


class _ProcessLogHandler(RotatingFileHandler):
    """Rotates a file no other process writes, and holds the lock that tells
    other processes' pruning this log is in use."""

    def __init__(self, path: Path) -> None:
        lock_dir = path.parent / LOCK_FOLDER
        lock_dir.mkdir(exist_ok=True)
        self._lock_path = lock_dir / f"{path.name}.lock"
        self._in_use = FileLock(self._lock_path, thread_local=False)
        # Not having it never stops logging; only other processes' pruning would not know.
        with contextlib.suppress(Timeout, OSError):
            self._in_use.acquire(timeout=0)
        super().__init__(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8")

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self._in_use.is_locked:
                self._in_use.release()
                with contextlib.suppress(OSError):
                    self._lock_path.unlink()


def configure_logging(
    log_dir: Path, *, secrets: tuple[str, ...] = (), level: int = logging.INFO
) -> Path:
    """Send the root logger to this process's own file in ``log_dir`` (made if
    missing), prune old logs of other processes, return the file's path."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / process_log_name()
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_veripost", False):
            root.removeHandler(handler)
            handler.close()
    handler = _ProcessLogHandler(path)
    handler._veripost = True  # type: ignore[attr-defined]
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s [%(threadName)s] %(name)s: %(message)s")
    )
    handler.addFilter(RedactSecrets(secrets))
    root.addHandler(handler)
    if root.level > level or root.level == logging.NOTSET:
        root.setLevel(level)
    # Every request line of the HTTP stack would drown the useful lines.
    logging.getLogger("urllib3").setLevel(logging.WARNING)
    log = logging.getLogger(__name__)
    log.info("log of %s, process %d", Path(sys.argv[0]).name or "python", os.getpid())
    removed = prune_logs(log_dir, keep_name=path.name)
    if removed:
        log.info("removed %d old log file(s) from %s", removed, log_dir)
    return path


@dataclass
class _ProcessLogs:
    name: str
    files: list[Path] = field(default_factory=list)
    newest: float = 0.0


def prune_logs(
    log_dir: Path,
    *,
    keep_name: str | None = None,
    keep: int = KEEP_PROCESSES,
    max_age_days: float = MAX_AGE_DAYS,
    now: float | None = None,
) -> int:
    """Remove the logs of processes beyond the newest ``keep`` or older than
    ``max_age_days`` (by last write), except ``keep_name`` and the logs of
    processes still running. Returns the number of files removed."""
    groups: dict[str, _ProcessLogs] = {}
    for path in log_dir.iterdir():
        match = _LOG_NAME.match(path.name)
        if match is None or not path.is_file():
            continue
        try:
            mtime = path.stat().st_mtime
        except OSError:
            continue  # removed meanwhile by another process's pruning
        group = groups.setdefault(match.group(1), _ProcessLogs(match.group(1)))
        group.files.append(path)
        group.newest = max(group.newest, mtime)
    oldest_kept = (time.time() if now is None else now) - max_age_days * 86400
    ordered = sorted(groups.values(), key=lambda g: g.newest, reverse=True)
    removed = 0
    for rank, group in enumerate(ordered):
        if group.name == keep_name or (rank < keep and group.newest >= oldest_kept):
            continue
        removed += _remove_unless_running(log_dir, group)
    return removed


def _remove_unless_running(log_dir: Path, group: _ProcessLogs) -> int:
    lock_path = log_dir / LOCK_FOLDER / f"{group.name}.lock"
    probe = FileLock(lock_path, thread_local=False) if lock_path.exists() else None
    if probe is not None:
        try:
            probe.acquire(timeout=0)
        except (Timeout, OSError):
            return 0  # its process is still running
    removed = 0
    try:
        for path in group.files:
            # Gone already (another pruner), or Windows keeps it: still open
            # in a process that holds no lock (an older version's).
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
    finally:
        if probe is not None:
            probe.release()
            with contextlib.suppress(OSError):
                lock_path.unlink()
    return removed
