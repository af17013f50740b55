"""The log files: one per process, old ones pruned but never a running
process's, never a secret in them; the secret key comes from the keyring."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from veripost_desktop.core.config import load_settings
from veripost_desktop.core.errors import VeriPostError
from veripost_desktop.core.logging_setup import (
    configure_logging,
    process_log_name,
    prune_logs,
)
from veripost_desktop.core.secrets_store import KEYRING_SERVICE, save_secret

REPO = Path(__file__).resolve().parents[2]
PROCESS_LOG = re.compile(r"^veripost-\d{8}-\d{6}-(\d+)\.log$")

# A process that logs a line, says where, then waits for its stdin to close.
_CHILD = """
import logging, sys
from pathlib import Path
from veripost_desktop.core.logging_setup import configure_logging
path = configure_logging(Path(sys.argv[1]))
logging.getLogger("child").warning("written by %s", sys.argv[2])
print(path.name, flush=True)
sys.stdin.read()
"""


def _start_child(log_dir: Path, marker: str) -> tuple[subprocess.Popen[str], str]:
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(log_dir), marker],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert child.stdout is not None
    name = child.stdout.readline().strip()
    assert name, "the child process did not start logging"
    return child, name


def _end(child: subprocess.Popen[str]) -> None:
    assert child.stdin is not None
    child.stdin.close()
    assert child.wait(timeout=60) == 0


def _age(path: Path, days: float) -> None:
    then = time.time() - days * 86400
    os.utime(path, (then, then))


def _drop_our_handlers() -> None:
    for handler in list(logging.getLogger().handlers):
        if getattr(handler, "_veripost", False):
            logging.getLogger().removeHandler(handler)
            handler.close()


def test_secrets_are_masked_in_the_log_file(tmp_path: Path) -> None:
    path = configure_logging(tmp_path / "logs", secrets=("hunter2-very-secret",))
    log = logging.getLogger("veripost.test")
    log.warning("connecting with key hunter2-very-secret to %s", "http://h:9000")
    log.warning("url ?X-Amz-Signature=abcdef0123&x=1 password=letmein")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    _drop_our_handlers()
    assert "connecting with key *** to http://h:9000" in text
    assert "hunter2-very-secret" not in text
    assert "abcdef0123" not in text and "letmein" not in text
    match = PROCESS_LOG.match(path.name)
    assert match is not None and int(match.group(1)) == os.getpid()


def test_two_processes_at_once_write_two_files(tmp_path: Path) -> None:
    # The window and a veripost-cli run side by side: neither writes, nor
    # rotates, the other's file.
    log_dir = tmp_path / "logs"
    first, first_name = _start_child(log_dir, "first-process")
    second, second_name = _start_child(log_dir, "second-process")
    try:
        assert first_name != second_name
        assert {PROCESS_LOG.match(n) is not None for n in (first_name, second_name)} == {True}
        # While both run, neither prunes the other (each holds its lock).
        assert prune_logs(log_dir, keep=0, max_age_days=0) == 0
    finally:
        _end(first)
        _end(second)
    first_text = (log_dir / first_name).read_text(encoding="utf-8")
    second_text = (log_dir / second_name).read_text(encoding="utf-8")
    assert "written by first-process" in first_text and "second-process" not in first_text
    assert "written by second-process" in second_text and "first-process" not in second_text


def test_old_logs_are_pruned_by_count_and_age_but_never_a_running_process_s(
    tmp_path: Path,
) -> None:
    log_dir = tmp_path / "logs"
    log_dir.mkdir()
    running, running_name = _start_child(log_dir, "still-running")
    try:
        _age(log_dir / running_name, 90)  # old, but its process is alive
        ended: list[str] = []
        for n in range(5):
            name = process_log_name(pid=1000 + n)
            (log_dir / name).write_text("an ended process\n", encoding="utf-8")
            _age(log_dir / name, 5 - n)  # pid 1004 is the newest
            ended.append(name)
        (log_dir / f"{ended[0]}.1").write_text("its older part\n", encoding="utf-8")
        _age(log_dir / f"{ended[0]}.1", 6)
        (log_dir / "veripost.log").write_text("the old shared file\n", encoding="utf-8")
        _age(log_dir / "veripost.log", 40)
        (log_dir / "notes.txt").write_text("not a log\n", encoding="utf-8")
        _age(log_dir / "notes.txt", 400)

        # Keep the newest two: the others go, with the rotated part, except
        # the running process's.
        assert prune_logs(log_dir, keep=2) == 5
        assert sorted(p.name for p in log_dir.iterdir() if p.is_file()) == sorted(
            ["notes.txt", running_name, ended[3], ended[4]]
        )
        # Then by age: what was last written over 1.5 days ago goes, whatever the count.
        assert prune_logs(log_dir, max_age_days=1.5) == 1
        assert not (log_dir / ended[3]).exists() and (log_dir / ended[4]).exists()
    finally:
        _end(running)
    # Once it has ended, its log is an old one like any other (90 days > 30).
    assert prune_logs(log_dir, keep=2) == 1
    assert not (log_dir / running_name).exists() and (log_dir / ended[4]).exists()
    assert not any((log_dir / "running").iterdir())  # no lock left behind


def test_a_new_process_prunes_at_start(tmp_path: Path) -> None:
    log_dir = tmp_path / "logs"
    log_dir.mkdir()
    stale = log_dir / process_log_name(pid=4242)
    stale.write_text("from last year\n", encoding="utf-8")
    _age(stale, 365)
    path = configure_logging(log_dir)
    _drop_our_handlers()
    assert path.exists() and not stale.exists()


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
