"""The log file never holds a secret; the secret key comes from the keyring."""

from __future__ import annotations

import logging
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from veripost_desktop.core.config import load_settings
from veripost_desktop.core.errors import VeriPostError
from veripost_desktop.core.logging_setup import configure_logging
from veripost_desktop.core.secrets_store import KEYRING_SERVICE, save_secret


def test_secrets_are_masked_in_the_log_file(tmp_path: Path) -> None:
    path = configure_logging(tmp_path / "logs", secrets=("hunter2-very-secret",))
    log = logging.getLogger("veripost.test")
    log.warning("connecting with key hunter2-very-secret to %s", "http://h:9000")
    log.warning("url ?X-Amz-Signature=abcdef0123&x=1 password=letmein")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    for handler in list(logging.getLogger().handlers):
        if getattr(handler, "_veripost", False):
            logging.getLogger().removeHandler(handler)
            handler.close()
    assert "connecting with key *** to http://h:9000" in text
    assert "hunter2-very-secret" not in text
    assert "abcdef0123" not in text and "letmein" not in text


class MemoryKeyring(KeyringBackend):
    """A real keyring back end kept in memory, so tests never touch the OS's."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


def test_secret_key_is_read_from_the_keyring_when_not_in_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        save_secret("AKIA-TEST", "from-the-keyring")
        assert backend.store[(KEYRING_SERVICE, "AKIA-TEST")] == "from-the-keyring"
        monkeypatch.setenv("VERIPOST_S3_ENDPOINT", "http://127.0.0.1:9")
        monkeypatch.setenv("VERIPOST_S3_ACCESS_KEY", "AKIA-TEST")
        settings = load_settings()
        assert settings.s3_secret_key is not None
        assert settings.s3_secret_key.get_secret_value() == "from-the-keyring"
        assert "from-the-keyring" not in repr(settings)  # SecretStr hides it

        monkeypatch.setenv("VERIPOST_S3_SECRET_KEY", "from-env")  # the environment wins
        assert load_settings().s3_secret_key.get_secret_value() == "from-env"  # type: ignore[union-attr]
    finally:
        keyring.set_keyring(previous)


def test_without_a_keyring_saving_says_what_to_do_instead() -> None:
    # tests/conftest.py selects keyring's null back end: no keyring at all.
    with pytest.raises(VeriPostError) as info:
        save_secret("AKIA", "s")
    assert "VERIPOST_S3_SECRET_KEY" in info.value.message
