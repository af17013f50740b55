"""The Settings dialog and what it saves: the settings file (each test's own,
through VERIPOST_CONFIG_FILE), environment variables winning, the secret in
the keyring (never the file), and Test connection against a real S3 server
over HTTP."""

from __future__ import annotations

import socket
import time
import tomllib
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QLabel
from pytestqt.qtbot import QtBot

from tests.gui.conftest import ShownBox, closed_port
from veripost_desktop.core.config import GIB, MIB, Settings, default_user_name, load_settings
from veripost_desktop.core.errors import ErrorCode, UserError, VeriPostError
from veripost_desktop.core.secrets_store import KEYRING_SERVICE
from veripost_desktop.core.settings_file import write_settings_file
from veripost_desktop.gui.settings import settings_dialog
from veripost_desktop.gui.settings.secret_key_saving import NO_KEYRING_NOTE, SecretKeys
from veripost_desktop.gui.settings.settings_dialog import SettingsDialog
from veripost_desktop.gui.settings.settings_form_rules import env_override

CHECK_TIMEOUT_MS = 15_000

OpenDialog = Callable[..., SettingsDialog]


@pytest.fixture
def config_file(_own_settings_file: Path) -> Path:
    """This test's own settings file (tests/conftest.py points
    VERIPOST_CONFIG_FILE at it): nothing read from or written to the
    developer's real settings."""
    return _own_settings_file


def file_values(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def secret_keys() -> SecretKeys:
    """One session's typed secret keys, as the window keeps them: shared by
    every dialog the test opens, and nothing left for the next test."""
    return SecretKeys()


@pytest.fixture(autouse=True)
def no_blocking_boxes(shown_boxes: list[ShownBox]) -> list[ShownBox]:
    """A box (a save that failed, say) is recorded, never left waiting for a click."""
    return shown_boxes


@pytest.fixture
def open_dialog(qtbot: QtBot, secret_keys: SecretKeys) -> Iterator[OpenDialog]:
    dialogs: list[SettingsDialog] = []

    def _open(check_timeout_s: float = 5.0) -> SettingsDialog:
        dialog = SettingsDialog(check_timeout_s=check_timeout_s, secret_keys=secret_keys)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialogs.append(dialog)
        return dialog

    yield _open
    for dialog in dialogs:
        # A check still running must not report into the next test.
        qtbot.waitUntil(lambda d=dialog: not d.checking, timeout=CHECK_TIMEOUT_MS)  # type: ignore[misc]
        dialog.close()


class MemoryKeyring(KeyringBackend):
    """A real keyring back end that keeps passwords in this process."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.passwords.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def click_save(qtbot: QtBot, dialog: SettingsDialog) -> None:
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


# ---- the dialog and the settings file --------------------------------------------


def test_first_open_shows_the_defaults(open_dialog: OpenDialog, config_file: Path) -> None:
    dialog = open_dialog()
    assert dialog.objectName() == "settingsDialog"
    assert dialog.local_radio.isChecked() and not dialog.s3_radio.isChecked()
    assert not dialog.endpoint_edit.isEnabled()  # MinIO fields wait for the MinIO choice
    assert dialog.bucket_edit.text() == "veripost"
    assert dialog.region_edit.text() == "us-east-1"
    assert dialog.secret_key_edit.echoMode() is dialog.secret_key_edit.EchoMode.Password
    assert dialog.workers_spin.value() == 4
    assert dialog.max_total_spin.value() == 16 * GIB // MIB
    assert dialog.max_members_spin.value() == 10_000
    assert dialog.max_ratio_spin.value() == 200.0
    assert dialog.ratio_min_spin.value() == 1024  # KiB
    # Extra file types are off until someone turns them on.
    assert [c.text() for c in dialog.extra_checks.values()] == [
        ".RTF setup sheets",
        ".CNF settings overrides",
    ]
    assert not any(c.isChecked() for c in dialog.extra_checks.values())
    assert dialog.locked_fields == frozenset()
    # Who uploads: the login name until another is typed.
    assert dialog.user_name_edit.text() == default_user_name()
    assert "Uploaded by" in dialog.user_name_edit.toolTip()
    # The store folder: empty means objects/ in the data folder.
    assert dialog.store_dir_edit.text() == ""
    assert dialog.store_dir_edit.isEnabled()
    data_dir = Path(dialog.data_dir_edit.text())
    assert dialog.local_label.text() == str(data_dir / "objects" / "veripost")
    # Where it saves, said plainly; opening it creates nothing.
    assert dialog.file_label.text() == f"Saved in {config_file}"
    assert not config_file.exists()


def test_save_writes_the_settings_file_and_emits_the_new_settings(
    qtbot: QtBot, open_dialog: OpenDialog, config_file: Path, tmp_path: Path
) -> None:
    dialog = open_dialog()
    dialog.data_dir_edit.setText(str(tmp_path / "data"))
    dialog.s3_radio.setChecked(True)
    assert dialog.endpoint_edit.isEnabled()
    assert not dialog.store_dir_edit.isEnabled()  # only the folder store uses it
    dialog.endpoint_edit.setText(" http://minio.example:9000 ")
    dialog.bucket_edit.setText("posts")
    dialog.access_key_edit.setText("engineer")
    dialog.region_edit.setText("eu-west-1")
    dialog.user_name_edit.setText("Ada Lovelace")
    dialog.workers_spin.setValue(2)
    dialog.max_members_spin.setValue(500)
    dialog.extra_checks[".RTF"].setChecked(True)

    with qtbot.waitSignal(dialog.settingsSaved, timeout=5000) as saved:
        click_save(qtbot, dialog)
    settings = saved.args[0]
    assert isinstance(settings, Settings)
    assert settings.s3_endpoint == "http://minio.example:9000"
    assert settings.s3_bucket == "posts"
    assert settings.s3_access_key == "engineer"
    assert settings.s3_region == "eu-west-1"
    assert settings.user_name == "Ada Lovelace"
    assert settings.ingest_workers == 2
    assert settings.limits.max_members == 500
    assert settings.extra_extensions == (".RTF",)
    assert ".RTF" in settings.accepted_extensions and ".CNF" not in settings.accepted_extensions
    assert dialog.result() == QDialog.DialogCode.Accepted

    # On disk: the keys are the environment variables' names, lower-case.
    values = file_values(config_file)
    assert values == {
        "s3_endpoint": "http://minio.example:9000",
        "data_dir": str(tmp_path / "data"),
        "user_name": "Ada Lovelace",
        "s3_bucket": "posts",
        "s3_access_key": "engineer",
        "s3_region": "eu-west-1",
        "ingest_workers": 2,
        "extra_extensions": [".RTF"],
        "limits": {
            "max_total_uncompressed": 16 * GIB,
            "max_members": 500,
            "max_ratio": 200.0,
            "ratio_min_size": 1024 * 1024,
        },
    }
    # What every front now reads back.
    assert load_settings() == settings
    assert sorted(p.name for p in config_file.parent.iterdir()) == ["settings.toml"]


def test_saved_values_are_shown_when_the_dialog_reopens_and_other_keys_are_kept(
    qtbot: QtBot, open_dialog: OpenDialog, config_file: Path, tmp_path: Path
) -> None:
    shared = tmp_path / "shared-drive" / "store"
    write_settings_file(
        {
            "data_dir": tmp_path / "data",
            "store_dir": shared,
            "ingest_workers": 7,
            "extra_extensions": [".CNF", ".TXT"],
            "upload_workers": 3,  # not in the dialog
            "a_newer_versions_key": "keep me",
            "limits": {"max_ratio": 55.5, "a_newer_limit": 9},
        }
    )
    dialog = open_dialog()
    assert dialog.local_radio.isChecked()
    assert dialog.store_dir_edit.text() == str(shared)
    assert dialog.local_label.text() == str(shared / "veripost")
    assert dialog.workers_spin.value() == 7
    assert dialog.extra_checks[".CNF"].isChecked()
    assert not dialog.extra_checks[".RTF"].isChecked()
    assert dialog.max_ratio_spin.value() == 55.5
    # A type with no checkbox (saved by hand) is kept, not dropped on save.
    assert dialog.form_values()["extra_extensions"] == [".CNF", ".TXT"]

    dialog.workers_spin.setValue(6)
    with qtbot.waitSignal(dialog.settingsSaved, timeout=5000) as saved:
        click_save(qtbot, dialog)
    assert saved.args[0].local_store_dir == shared
    values = file_values(config_file)
    assert values["ingest_workers"] == 6
    assert values["store_dir"] == str(shared)
    assert values["extra_extensions"] == [".CNF", ".TXT"]
    assert values["upload_workers"] == 3
    assert values["a_newer_versions_key"] == "keep me"
    assert values["limits"]["a_newer_limit"] == 9 and values["limits"]["max_ratio"] == 55.5
    # The login name is the default: no line for it until another name is typed.
    assert "user_name" not in values


def test_choosing_the_folder_store_removes_the_endpoint_and_an_empty_store_folder_its_line(
    qtbot: QtBot,
    open_dialog: OpenDialog,
    config_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_settings_file(
        {
            "data_dir": tmp_path / "data",
            "s3_endpoint": "http://minio.example:9000",
            "store_dir": tmp_path / "old-store",
        }
    )
    dialog = open_dialog()
    assert dialog.s3_radio.isChecked()
    assert dialog.endpoint_edit.text() == "http://minio.example:9000"
    dialog.local_radio.setChecked(True)
    assert dialog.store_dir_edit.isEnabled() and not dialog.endpoint_edit.isEnabled()
    # Browse... picks the store folder.
    picked = tmp_path / "picked"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(picked))
    qtbot.mouseClick(dialog.store_browse_button, Qt.MouseButton.LeftButton)
    assert dialog.store_dir_edit.text() == str(picked)
    dialog.store_dir_edit.clear()
    assert dialog.local_label.text() == str(tmp_path / "data" / "objects" / "veripost")
    with qtbot.waitSignal(dialog.settingsSaved, timeout=5000) as saved:
        click_save(qtbot, dialog)
    settings = saved.args[0]
    assert not settings.uses_s3
    assert settings.local_store_dir == tmp_path / "data" / "objects"
    values = file_values(config_file)
    assert "s3_endpoint" not in values and "store_dir" not in values
    assert values["data_dir"] == str(tmp_path / "data")


def test_minio_without_an_address_is_not_saved(
    qtbot: QtBot,
    open_dialog: OpenDialog,
    config_file: Path,
    shown_boxes: list[ShownBox],
) -> None:
    dialog = open_dialog()
    dialog.s3_radio.setChecked(True)
    dialog.endpoint_edit.setText("   ")
    emitted: list[Settings] = []
    dialog.settingsSaved.connect(emitted.append)
    click_save(qtbot, dialog)
    assert emitted == []
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    (box,) = shown_boxes
    assert box.object_name == "errorDialog"
    assert "Enter the address" in box.text and "invalid_settings" in box.text
    assert not config_file.exists()


# ---- the environment wins ---------------------------------------------------------


def test_environment_variables_win_and_lock_their_fields(
    qtbot: QtBot,
    open_dialog: OpenDialog,
    config_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_settings_file(
        {"s3_endpoint": "http://saved:9000", "s3_bucket": "saved-bucket", "ingest_workers": 7}
    )
    monkeypatch.setenv("VERIPOST_S3_ENDPOINT", "http://from-env:9000")
    monkeypatch.setenv("VERIPOST_INGEST_WORKERS", "3")
    monkeypatch.setenv("VERIPOST_USER_NAME", "Env Person")
    monkeypatch.setenv("VERIPOST_STORE_DIR", "/srv/shared-store")

    settings = load_settings()
    assert settings.s3_endpoint == "http://from-env:9000"
    assert settings.ingest_workers == 3
    assert settings.s3_bucket == "saved-bucket"  # not set in the environment

    dialog = open_dialog()
    assert {"storage", "s3_endpoint", "ingest_workers", "user_name", "store_dir"} <= (
        dialog.locked_fields
    )
    assert dialog.endpoint_edit.text() == "http://from-env:9000"
    assert dialog.endpoint_edit.isReadOnly()
    assert dialog.endpoint_edit.toolTip().startswith("Set by VERIPOST_S3_ENDPOINT")
    note = dialog.findChild(QLabel, "envNote_s3_endpoint")
    assert note is not None and note.text() == "Set by VERIPOST_S3_ENDPOINT"
    assert not dialog.local_radio.isEnabled() and not dialog.s3_radio.isEnabled()
    assert dialog.workers_spin.isReadOnly() and dialog.workers_spin.value() == 3
    workers_note = dialog.findChild(QLabel, "envNote_ingest_workers")
    assert workers_note is not None and workers_note.text() == "Set by VERIPOST_INGEST_WORKERS"
    assert dialog.user_name_edit.isReadOnly() and dialog.user_name_edit.text() == "Env Person"
    name_note = dialog.findChild(QLabel, "envNote_user_name")
    assert name_note is not None and name_note.text() == "Set by VERIPOST_USER_NAME"
    assert dialog.store_dir_edit.isReadOnly() and not dialog.store_browse_button.isEnabled()
    assert not dialog.bucket_edit.isReadOnly()

    dialog.bucket_edit.setText("new-bucket")
    with qtbot.waitSignal(dialog.settingsSaved, timeout=5000) as saved:
        click_save(qtbot, dialog)
    assert saved.args[0].s3_endpoint == "http://from-env:9000"
    assert saved.args[0].s3_bucket == "new-bucket"
    # What the environment set is not written over what the person saved.
    after = file_values(config_file)
    assert after["s3_endpoint"] == "http://saved:9000"
    assert after["ingest_workers"] == 7
    assert after["s3_bucket"] == "new-bucket"
    assert "user_name" not in after and "store_dir" not in after


def test_the_data_folder_is_shown_saved_and_can_be_set_by_the_environment(
    qtbot: QtBot,
    open_dialog: OpenDialog,
    config_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialog = open_dialog()
    other = tmp_path / "elsewhere"
    dialog.data_dir_edit.setText(str(other))
    assert dialog.local_label.text() == str(other / "objects" / "veripost")
    with qtbot.waitSignal(dialog.settingsSaved, timeout=5000) as saved:
        click_save(qtbot, dialog)
    assert saved.args[0].data_dir == other
    assert file_values(config_file)["data_dir"] == str(other)
    assert load_settings().data_dir == other

    # An empty folder is refused, in the error shape; nothing is saved.
    shown: list[str] = []
    monkeypatch.setattr(settings_dialog, "show_error", lambda *a, **k: shown.append(a[1].code))
    dialog = open_dialog()
    assert dialog.data_dir_edit.text() == str(other)
    dialog.data_dir_edit.clear()
    with qtbot.assertNotEmitted(dialog.settingsSaved):
        click_save(qtbot, dialog)
    assert shown == ["invalid_settings"]
    assert file_values(config_file)["data_dir"] == str(other)
    dialog.reject()

    monkeypatch.setenv("VERIPOST_DATA_DIR", str(tmp_path / "from-env"))
    assert load_settings().data_dir == tmp_path / "from-env"
    dialog = open_dialog()
    assert "data_dir" in dialog.locked_fields
    assert dialog.data_dir_edit.isReadOnly() and not dialog.browse_button.isEnabled()
    assert dialog.data_dir_edit.text() == str(tmp_path / "from-env")
    note = dialog.findChild(QLabel, "envNote_data_dir")
    assert note is not None and note.text() == "Set by VERIPOST_DATA_DIR"
    assert "data_dir" not in dialog.form_values()  # never saved over the person's choice


def test_one_limit_from_the_environment_locks_only_that_one(
    qtbot: QtBot,
    open_dialog: OpenDialog,
    config_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_settings_file({"limits": {"max_members": 100, "max_ratio": 50.0}})
    monkeypatch.setenv("VERIPOST_LIMITS__MAX_MEMBERS", "5")
    limits = load_settings().limits
    assert limits.max_members == 5
    assert limits.max_ratio == 50.0
    assert limits.max_total_uncompressed == 16 * GIB

    dialog = open_dialog()
    assert "max_members" in dialog.locked_fields and "max_ratio" not in dialog.locked_fields
    assert dialog.max_members_spin.isReadOnly() and dialog.max_members_spin.value() == 5
    dialog.max_ratio_spin.setValue(60.0)
    with qtbot.waitSignal(dialog.settingsSaved, timeout=5000) as saved:
        click_save(qtbot, dialog)
    assert saved.args[0].limits.max_members == 5
    assert saved.args[0].limits.max_ratio == 60.0
    assert file_values(config_file)["limits"]["max_members"] == 100  # the file's own, kept
    assert file_values(config_file)["limits"]["max_ratio"] == 60.0


def test_environment_names_match_case_insensitively(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("veripost_s3_bucket", "lower")
    assert env_override("s3_bucket") == "VERIPOST_S3_BUCKET"
    assert env_override("s3_region") is None


def test_a_broken_settings_file_is_named_and_can_be_repaired_in_the_dialog(
    qtbot: QtBot, open_dialog: OpenDialog, config_file: Path
) -> None:
    config_file.parent.mkdir(parents=True)
    config_file.write_text("ingest_workers = 0\n", encoding="utf-8")  # below the minimum of 1
    with pytest.raises(VeriPostError) as caught:
        load_settings()
    assert caught.value.code == ErrorCode.INVALID_SETTINGS
    assert str(config_file) in caught.value.message
    assert "ingest_workers" in caught.value.message
    # The dialog still opens (on the defaults), says why, and saving repairs it.
    dialog = open_dialog()
    assert dialog.workers_spin.value() == 4
    assert str(config_file) in dialog.file_problem_note.text()
    with qtbot.waitSignal(dialog.settingsSaved, timeout=5000):
        click_save(qtbot, dialog)
    assert file_values(config_file)["ingest_workers"] == 4
    assert load_settings().ingest_workers == 4

    # Not TOML at all: kept beside the new file, never deleted.
    config_file.write_text("ingest_workers = = 2\n", encoding="utf-8")
    dialog = open_dialog()
    assert "not valid TOML" in dialog.file_problem_note.text()
    with qtbot.waitSignal(dialog.settingsSaved, timeout=5000):
        click_save(qtbot, dialog)
    assert file_values(config_file)["ingest_workers"] == 4
    (aside,) = [p for p in config_file.parent.iterdir() if ".unreadable-" in p.name]
    assert aside.read_text(encoding="utf-8") == "ingest_workers = = 2\n"


# ---- the secret key -----------------------------------------------------------------


def test_without_a_keyring_the_dialog_says_so_and_keeps_the_secret_for_the_session(
    qtbot: QtBot, open_dialog: OpenDialog, config_file: Path
) -> None:
    # tests/conftest.py selects keyring's null back end: no keyring here.
    dialog = open_dialog()
    assert dialog.keyring_note.isVisibleTo(dialog)
    assert dialog.keyring_note.text() == NO_KEYRING_NOTE
    assert "VERIPOST_S3_SECRET_KEY" in dialog.keyring_note.text()

    dialog.s3_radio.setChecked(True)
    dialog.endpoint_edit.setText("http://127.0.0.1:9000")
    dialog.access_key_edit.setText("engineer")
    dialog.secret_key_edit.setText("s3cr3t-value")
    with qtbot.waitSignal(dialog.settingsSaved, timeout=5000) as saved:
        click_save(qtbot, dialog)
    settings = saved.args[0]
    assert settings.s3_secret_key is not None
    assert settings.s3_secret_key.get_secret_value() == "s3cr3t-value"
    assert "s3cr3t-value" not in config_file.read_text(encoding="utf-8")
    assert "s3_secret_key" not in file_values(config_file)

    # Reopened later in the same session and saved without retyping it.
    again = open_dialog()
    assert again.secret_key_edit.text() == ""
    assert "this session" in again.secret_key_edit.placeholderText()
    again.workers_spin.setValue(3)
    with qtbot.waitSignal(again.settingsSaved, timeout=5000) as saved_again:
        click_save(qtbot, again)
    secret = saved_again.args[0].s3_secret_key
    assert secret is not None and secret.get_secret_value() == "s3cr3t-value"


def test_the_secret_goes_to_the_keyring_never_the_settings_file(
    qtbot: QtBot,
    open_dialog: OpenDialog,
    config_file: Path,
    memory_keyring: MemoryKeyring,
) -> None:
    dialog = open_dialog()
    assert not dialog.keyring_note.isVisibleTo(dialog)
    dialog.s3_radio.setChecked(True)
    dialog.endpoint_edit.setText("http://127.0.0.1:9000")
    dialog.access_key_edit.setText("engineer")
    dialog.secret_key_edit.setText("s3cr3t-value")
    with qtbot.waitSignal(dialog.settingsSaved, timeout=5000) as saved:
        click_save(qtbot, dialog)
    assert memory_keyring.passwords == {(KEYRING_SERVICE, "engineer"): "s3cr3t-value"}
    assert "s3cr3t-value" not in config_file.read_text(encoding="utf-8")
    assert "s3_secret_key" not in file_values(config_file)
    # Read back through the keyring, as the app does at start.
    for settings in (saved.args[0], load_settings()):
        assert settings.s3_secret_key is not None
        assert settings.s3_secret_key.get_secret_value() == "s3cr3t-value"

    # Reopened: the secret is not shown, only that one is saved.
    again = open_dialog()
    assert again.secret_key_edit.text() == ""
    assert "saved" in again.secret_key_edit.placeholderText()


def test_secret_from_the_environment_is_read_only(
    open_dialog: OpenDialog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VERIPOST_S3_SECRET_KEY", "env-secret")
    dialog = open_dialog()
    assert "s3_secret_key" in dialog.locked_fields
    assert dialog.secret_key_edit.isReadOnly()
    assert dialog.secret_key_edit.text() == ""  # never displayed
    assert "VERIPOST_S3_SECRET_KEY" in dialog.secret_key_edit.placeholderText()
    assert not dialog.keyring_note.isVisibleTo(dialog)


# ---- Test connection --------------------------------------------------------------


def fill_s3(dialog: SettingsDialog, endpoint: str, bucket: str | None = None) -> None:
    dialog.s3_radio.setChecked(True)
    dialog.endpoint_edit.setText(endpoint)
    dialog.bucket_edit.setText(bucket or f"test-{uuid.uuid4().hex[:12]}")
    dialog.access_key_edit.setText("testing")
    dialog.secret_key_edit.setText("testing")


def test_test_connection_succeeds_against_a_real_s3_server(
    qtbot: QtBot, open_dialog: OpenDialog, s3_server: str
) -> None:
    dialog = open_dialog()
    fill_s3(dialog, s3_server, "settings-check")
    with qtbot.waitSignal(dialog.connectionChecked, timeout=CHECK_TIMEOUT_MS) as checked:
        qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
        assert not dialog.test_button.isEnabled()  # one check at a time
    assert checked.args == [None]
    assert dialog.test_button.isEnabled()
    assert dialog.connection_result.text().startswith("Connected: MinIO ")
    assert "settings-check" in dialog.connection_result.text()
    assert not dialog.details_button.isVisible()


def test_test_connection_reports_an_unreachable_server_in_the_error_shape(
    qtbot: QtBot, open_dialog: OpenDialog, shown_boxes: list[ShownBox]
) -> None:
    dialog = open_dialog()
    fill_s3(dialog, f"http://127.0.0.1:{closed_port()}")
    began = time.monotonic()
    with qtbot.waitSignal(dialog.connectionChecked, timeout=CHECK_TIMEOUT_MS) as checked:
        dialog.test_connection()
    assert time.monotonic() - began < 8
    error = checked.args[0]
    assert isinstance(error, UserError)
    assert error.code == ErrorCode.STORAGE_UNAVAILABLE
    assert dialog.connection_result.text() == f"{error.message} (error code: storage_unavailable)"
    assert dialog.connection_result.toolTip() == error.detail
    assert "127.0.0.1" in error.detail
    assert dialog.details_button.isVisible()

    qtbot.mouseClick(dialog.details_button, Qt.MouseButton.LeftButton)
    (box,) = shown_boxes
    assert box.object_name == "errorDialog"
    assert box.title == "Connection test failed"
    assert error.detail in box.detailed_text


def test_a_silent_server_is_reported_within_the_timeout_and_the_ui_stays_responsive(
    qtbot: QtBot, open_dialog: OpenDialog
) -> None:
    # Accepts connections (the kernel's backlog) and never answers.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        dialog = open_dialog(check_timeout_s=1.0)
        fill_s3(dialog, f"http://127.0.0.1:{port}")

        ticks: list[float] = []
        QTimer.singleShot(100, lambda: ticks.append(time.monotonic()))
        began = time.monotonic()
        with qtbot.waitSignal(dialog.connectionChecked, timeout=CHECK_TIMEOUT_MS) as checked:
            dialog.test_connection()
            assert time.monotonic() - began < 0.5  # the click returns at once
            assert dialog.checking
            assert dialog.connection_result.text() == "Testing the connection..."
        finished = time.monotonic()
    elapsed = finished - began
    # The event loop kept running meanwhile: the timer fired on time.
    assert ticks and ticks[0] - began < 0.6
    error = checked.args[0]
    assert isinstance(error, UserError)
    assert error.code == ErrorCode.STORAGE_UNAVAILABLE
    assert "did not answer in time" in error.message
    assert 0.9 < elapsed < 5


def test_test_connection_checks_the_local_folder_too(
    qtbot: QtBot, open_dialog: OpenDialog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VERIPOST_DATA_DIR", str(tmp_path / "data"))
    dialog = open_dialog()
    with qtbot.waitSignal(dialog.connectionChecked, timeout=CHECK_TIMEOUT_MS) as checked:
        dialog.test_connection()
    assert checked.args == [None]
    assert dialog.connection_result.text().startswith("Connected: Local folder ")
    assert (tmp_path / "data" / "objects" / "veripost").is_dir()
