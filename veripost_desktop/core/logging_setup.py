"""The log file: rotating, in the per-user log folder, secrets never written.

Both fronts call ``configure_logging``. The handler keeps 5 files of 2 MB.
A filter masks anything that looks like a secret (the configured S3 secret
key, and ``secret=`` / ``password=`` / ``X-Amz-Signature=`` values) before a
record is written anywhere.
"""

from __future__ import annotations

import logging
import re
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_FILE_NAME = "veripost.log"
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


def configure_logging(
    log_dir: Path, *, secrets: tuple[str, ...] = (), level: int = logging.INFO
) -> Path:
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_FILE_NAME
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_veripost", False):
            root.removeHandler(handler)
            handler.close()
    handler = RotatingFileHandler(path, maxBytes=2 * 1024 * 1024, backupCount=5, encoding="utf-8")
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
    return path
