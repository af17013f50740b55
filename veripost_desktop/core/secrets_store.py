"""The S3 secret key lives in the OS keyring (Windows Credential Manager,
macOS Keychain, Secret Service on Linux), never in plain-text settings.

Precedence: ``VERIPOST_S3_SECRET_KEY`` in the environment wins (CI, scripts);
otherwise the keyring entry for the access key. Where no keyring back end
exists (a headless Linux box), the documented fallback is the environment
variable; ``keyring_status`` says which applies so the app can tell the user.
"""

from __future__ import annotations

import logging

import keyring
from keyring.errors import KeyringError, NoKeyringError

from veripost_desktop.core.errors import ErrorCode, VeriPostError

log = logging.getLogger(__name__)

KEYRING_SERVICE = "VeriPost Desktop S3"


def keyring_available() -> bool:
    try:
        backend = keyring.get_keyring()
    except Exception:  # noqa: BLE001
        return False
    # The "fail" and "null" back ends mean: nothing real to store secrets in.
    return float(getattr(backend, "priority", 0)) > 0 and "fail" not in type(backend).__module__


def load_secret(access_key: str | None) -> str | None:
    if not access_key:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, access_key)
    except NoKeyringError:
        return None
    except KeyringError as exc:
        log.warning("could not read the S3 secret from the keyring: %s", type(exc).__name__)
        return None


def save_secret(access_key: str, secret: str) -> None:
    if not keyring_available():
        raise VeriPostError(
            ErrorCode.INVALID_SETTINGS,
            "This computer has no keyring to keep the secret key in. Set the "
            "VERIPOST_S3_SECRET_KEY environment variable instead.",
            f"keyring back end: {type(keyring.get_keyring()).__name__}",
        )
    try:
        keyring.set_password(KEYRING_SERVICE, access_key, secret)
    except KeyringError as exc:
        raise VeriPostError(
            ErrorCode.INVALID_SETTINGS,
            "The secret key could not be saved in the system keyring.",
            f"{type(exc).__name__}: {exc}",
        ) from exc


def keyring_status() -> str:
    if keyring_available():
        return f"OS keyring ({type(keyring.get_keyring()).__name__})"
    return "no keyring available: set VERIPOST_S3_SECRET_KEY"
