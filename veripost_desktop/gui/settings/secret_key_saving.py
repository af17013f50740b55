"""Where a secret key typed in Settings goes: the OS keyring
(``core/secrets_store.py``), from which ``load_settings`` reads it back for
every front; on a computer with no keyring, a ``SecretKeys`` kept by
whoever opens Settings (the window), for as long as it lives, never on disk.
``VERIPOST_S3_SECRET_KEY`` is the lasting fallback there.
"""

from __future__ import annotations

from pydantic import SecretStr

from veripost_desktop.core.config import Settings
from veripost_desktop.core.errors import ErrorCode, VeriPostError
from veripost_desktop.core.secrets_store import keyring_available, save_secret
from veripost_desktop.core.settings_file import SECRET_KEY_ENV

NO_KEYRING_NOTE = (
    "This computer has no keyring to keep the secret key in: a key typed here is "
    f"used until VeriPost closes. To keep it, set the {SECRET_KEY_ENV} environment variable."
)


class SecretKeys:
    """Saves typed secret keys, by access key: in the keyring when there is
    one, else in this object, so reopening Settings and saving again (or
    reopening the services) does not lose them."""

    def __init__(self) -> None:
        self._kept: dict[str, str] = {}

    @staticmethod
    def has_keyring() -> bool:
        return keyring_available()

    def save(self, access_key: str, secret: str) -> None:
        """Keep ``secret`` for ``access_key``. Raises ``VeriPostError`` when
        the keyring refuses it or there is no access key to file it under."""
        if not self.has_keyring():
            self._kept[access_key] = secret
            return
        if not access_key:
            raise VeriPostError(
                ErrorCode.INVALID_SETTINGS,
                "Enter the access key the secret key belongs to.",
            )
        save_secret(access_key, secret)

    def kept(self, access_key: str | None) -> str | None:
        """The secret typed for ``access_key`` this session (no keyring), or None."""
        return self._kept.get(access_key or "")

    def fill_in(self, settings: Settings) -> Settings:
        """``settings`` with the session's secret when neither the environment
        nor the keyring gave one."""
        kept = self.kept(settings.s3_access_key)
        if settings.s3_secret_key is not None or kept is None:
            return settings
        return settings.model_copy(update={"s3_secret_key": SecretStr(kept)})
