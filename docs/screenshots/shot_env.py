"""What every screenshot script does first: find the repository and keep the
developer's own settings, secrets and VERIPOST_* variables out of the shot."""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def isolate() -> Path:
    """Import the checkout's VeriPost, with no keyring and no VERIPOST_* variables."""
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    for name in list(os.environ):
        if name.startswith("VERIPOST_"):
            del os.environ[name]
    return REPO
