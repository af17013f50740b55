"""The settings file every front reads: where it is, precedence (environment >
file > defaults), the [limits] table merged with VERIPOST_LIMITS__*, bad TOML
and bad values in the one error shape, the secret never written nor read, keys
of newer versions kept, and writes that replace the file whole or not at all."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest
from platformdirs import user_config_path

from veripost_desktop.core import settings_file
from veripost_desktop.core.config import (
    APP_AUTHOR,
    APP_NAME,
    GIB,
    Settings,
    ZipLimits,
    load_settings,
)
from veripost_desktop.core.errors import ErrorCode, VeriPostError
from veripost_desktop.core.settings_file import (
    config_file_path,
    read_settings_file,
    settings_report,
    update_settings_file,
    write_settings_file,
)
from veripost_desktop.core.storage.store_factory import open_store


@pytest.fixture
def config_file(_own_settings_file: Path) -> Path:
    """This test's settings file (tests/conftest.py points VERIPOST_CONFIG_FILE at it)."""
    return _own_settings_file


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_file_is_where_veripost_config_file_says_else_in_the_user_config_folder(
    config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert config_file_path() == config_file
    monkeypatch.delenv("VERIPOST_CONFIG_FILE")
    assert config_file_path() == user_config_path(APP_NAME, APP_AUTHOR) / "settings.toml"
    monkeypatch.setenv("veripost_config_file", str(config_file.with_name("lower.toml")))
    assert config_file_path() == config_file.with_name("lower.toml")


def test_no_file_means_the_defaults(config_file: Path, tmp_path: Path) -> None:
    assert not config_file.exists()
    assert read_settings_file() == {}
    settings = load_settings()
    assert settings.s3_bucket == "veripost" and settings.ingest_workers == 4
    assert settings.refresh_minutes == 5
    assert settings.user_name  # the OS login name
    assert not config_file.exists()  # reading never creates it


def test_environment_beats_the_file_which_beats_the_defaults(
    config_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        config_file,
        f'data_dir = "{(tmp_path / "file-data").as_posix()}"\n'
        's3_bucket = "file-bucket"\n'
        "ingest_workers = 3\n"
        'extra_extensions = [".rtf", "CNF"]\n'
        'user_name = "Ada"\n'
        "refresh_minutes = 0\n",
    )
    monkeypatch.setenv("VERIPOST_INGEST_WORKERS", "2")
    settings = load_settings()
    assert settings.ingest_workers == 2  # environment
    assert settings.s3_bucket == "file-bucket"  # file
    assert settings.data_dir == tmp_path / "file-data"
    assert settings.extra_extensions == (".RTF", ".CNF")
    assert settings.user_name == "Ada"
    assert settings.refresh_minutes == 0
    assert settings.s3_region == "us-east-1"  # default
    # Keyword arguments (the Settings dialog's form, tests) beat both.
    assert Settings(ingest_workers=7, s3_bucket="kw").ingest_workers == 7
    assert Settings(ingest_workers=7, s3_bucket="kw").s3_bucket == "kw"

    report = settings_report(settings)["settings"]
    assert report["ingest_workers"] == {"value": 2, "source": "env"}
    assert report["s3_bucket"] == {"value": "file-bucket", "source": "file"}
    assert report["s3_region"] == {"value": "us-east-1", "source": "default"}
    assert report["data_dir"] == {"value": str(tmp_path / "file-data"), "source": "file"}


def test_the_file_is_read_at_each_settings_not_at_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = write(tmp_path / "one.toml", 's3_bucket = "one"\n')
    two = write(tmp_path / "two.toml", 's3_bucket = "two"\n')
    monkeypatch.setenv("VERIPOST_CONFIG_FILE", str(one))
    assert Settings().s3_bucket == "one"
    monkeypatch.setenv("VERIPOST_CONFIG_FILE", str(two))
    assert Settings().s3_bucket == "two"
    write(two, 's3_bucket = "two-edited"\n')
    assert Settings().s3_bucket == "two-edited"


def test_one_limit_from_the_environment_another_from_the_file_both_apply(
    config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(config_file, "[limits]\nmax_members = 100\nmax_ratio = 50.0\n")
    monkeypatch.setenv("VERIPOST_LIMITS__MAX_MEMBERS", "5")
    settings = load_settings()
    assert settings.limits.max_members == 5
    assert settings.limits.max_ratio == 50.0
    assert settings.limits.max_total_uncompressed == 16 * GIB
    report = settings_report(settings)["settings"]
    assert report["limits.max_members"] == {"value": 5, "source": "env"}
    assert report["limits.max_ratio"] == {"value": 50.0, "source": "file"}
    assert report["limits.ratio_min_size"]["source"] == "default"
    assert "limits" not in report


def test_a_file_that_is_not_toml_is_invalid_settings_naming_the_file(config_file: Path) -> None:
    write(config_file, 's3_bucket = "unterminated\n')
    with pytest.raises(VeriPostError) as caught:
        load_settings()
    assert caught.value.code == ErrorCode.INVALID_SETTINGS
    assert str(config_file) in caught.value.message
    assert "not valid TOML" in caught.value.message
    assert "line 1" in caught.value.detail
    # Settings() itself, not only load_settings, gives the error shape.
    with pytest.raises(VeriPostError):
        Settings()

    config_file.write_bytes(b's3_bucket = "\xff\xfe"\n')  # not UTF-8
    with pytest.raises(VeriPostError) as caught:
        read_settings_file()
    assert caught.value.code == ErrorCode.INVALID_SETTINGS


def test_a_bad_value_in_the_file_is_invalid_settings_naming_the_file_and_key(
    config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(config_file, 'ingest_workers = 0\n[limits]\nmax_ratio = "high"\n')
    with pytest.raises(VeriPostError) as caught:
        load_settings()
    error = caught.value
    assert error.code == ErrorCode.INVALID_SETTINGS
    assert str(config_file) in error.message
    assert "ingest_workers" in error.message and "limits.max_ratio" in error.message
    assert "Traceback" not in error.detail and str(config_file) in error.detail

    # The same bad value from the environment blames the environment.
    write(config_file, "")
    monkeypatch.setenv("VERIPOST_INGEST_WORKERS", "0")
    with pytest.raises(VeriPostError) as caught:
        load_settings()
    assert "environment variables" in caught.value.message
    assert str(config_file) not in caught.value.message


def test_the_secret_is_never_written_and_ignored_when_read(
    config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_settings_file(
        {"s3_endpoint": "http://127.0.0.1:9000", "s3_secret_key": "s3cr3t", "s3_bucket": "b"}
    )
    text = config_file.read_text(encoding="utf-8")
    assert "s3cr3t" not in text and "s3_secret_key" not in text
    assert tomllib.loads(text) == {"s3_endpoint": "http://127.0.0.1:9000", "s3_bucket": "b"}
    update_settings_file({"s3_secret_key": "again"})
    assert "again" not in config_file.read_text(encoding="utf-8")

    # Put there by hand: ignored (the keyring or the environment holds it), and said so.
    write(config_file, 's3_endpoint = "http://127.0.0.1:9000"\ns3_secret_key = "by-hand"\n')
    settings = load_settings()
    assert settings.s3_secret_key is None
    report = settings_report(settings)
    assert report["settings"]["s3_secret_key"] == {"value": "not set", "source": "default"}
    assert any("s3_secret_key" in note and "ignored" in note for note in report["notes"])
    assert "by-hand" not in str(report)

    monkeypatch.setenv("VERIPOST_S3_SECRET_KEY", "from-env")
    report = settings_report(load_settings())
    assert report["settings"]["s3_secret_key"] == {"value": "set", "source": "env"}
    assert "from-env" not in str(report)


def test_rewriting_keeps_keys_this_version_does_not_know(config_file: Path) -> None:
    write(
        config_file,
        's3_bucket = "old"\n'
        'team_colour = "teal"\n'
        "[limits]\nmax_members = 10\nmax_future_thing = 3\n"
        "[future_table]\nanswer = 42\n",
    )
    update_settings_file(
        {"s3_bucket": "new", "ingest_workers": 2, "limits": {"max_members": 20}},
        remove=["missing_key"],
    )
    data = tomllib.loads(config_file.read_text(encoding="utf-8"))
    assert data == {
        "s3_bucket": "new",
        "team_colour": "teal",
        "ingest_workers": 2,
        "limits": {"max_members": 20, "max_future_thing": 3},
        "future_table": {"answer": 42},
    }
    # And the unknown ones do not stop this version from starting.
    assert load_settings().limits.max_members == 20

    # None (or remove=) drops a line: the default applies again.
    update_settings_file({"s3_bucket": None}, remove=["limits.max_members"])
    data = tomllib.loads(config_file.read_text(encoding="utf-8"))
    assert "s3_bucket" not in data and data["limits"] == {"max_future_thing": 3}
    assert load_settings().s3_bucket == "veripost"


def test_values_are_written_as_plain_toml(config_file: Path, tmp_path: Path) -> None:
    write_settings_file(
        {
            "data_dir": tmp_path / "data",
            "extra_extensions": (".RTF", ".CNF"),
            "store_dir": None,
            "limits": {"max_ratio": 12.5},
        }
    )
    data = tomllib.loads(config_file.read_text(encoding="utf-8"))
    assert data == {
        "data_dir": str(tmp_path / "data"),
        "extra_extensions": [".RTF", ".CNF"],
        "limits": {"max_ratio": 12.5},
    }
    settings = load_settings()
    assert settings.data_dir == tmp_path / "data"
    assert settings.extra_extensions == (".RTF", ".CNF")


def test_a_write_replaces_the_file_whole_and_leaves_no_temporary_file(
    config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_settings_file({"s3_bucket": "first"})
    assert sorted(p.name for p in config_file.parent.iterdir()) == ["settings.toml"]
    update_settings_file({"s3_bucket": "second"})
    assert sorted(p.name for p in config_file.parent.iterdir()) == ["settings.toml"]

    # A failure at the last step (a full disk, a locked file) leaves the old
    # file as it was and no temporary file beside it.
    replaced: list[tuple[str, str]] = []

    def failing_replace(src: str, dst: str) -> None:
        replaced.append((str(src), str(dst)))
        assert Path(src).parent == config_file.parent  # beside it: same volume
        assert tomllib.loads(Path(src).read_text(encoding="utf-8"))["s3_bucket"] == "third"
        raise PermissionError(13, "locked")

    monkeypatch.setattr(settings_file.os, "replace", failing_replace)
    with pytest.raises(VeriPostError) as caught:
        update_settings_file({"s3_bucket": "third"})
    assert caught.value.code == ErrorCode.INVALID_SETTINGS
    assert str(config_file) in caught.value.message
    assert len(replaced) == 1 and replaced[0][1] == str(config_file)
    assert sorted(p.name for p in config_file.parent.iterdir()) == ["settings.toml"]
    assert read_settings_file() == {"s3_bucket": "second"}


def test_an_unreadable_file_is_set_aside_only_when_asked(config_file: Path) -> None:
    write(config_file, "this is = = not toml\n")
    with pytest.raises(VeriPostError):
        update_settings_file({"s3_bucket": "b"})
    assert config_file.read_text(encoding="utf-8") == "this is = = not toml\n"
    update_settings_file({"s3_bucket": "b"}, set_aside_unreadable=True)
    assert read_settings_file() == {"s3_bucket": "b"}
    (aside,) = [p for p in config_file.parent.iterdir() if ".unreadable-" in p.name]
    assert aside.read_text(encoding="utf-8") == "this is = = not toml\n"


def test_store_dir_defaults_under_the_data_folder_and_may_live_apart(
    config_file: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    settings = Settings(data_dir=data)
    assert settings.store_dir is None
    assert settings.local_store_dir == data / "objects"

    shared = tmp_path / "shared-drive" / "veripost-store"
    write(config_file, f'store_dir = "{shared.as_posix()}"\n')
    settings = load_settings(data_dir=data)
    assert settings.local_store_dir == shared
    assert settings_report(settings)["settings"]["store_dir"] == {
        "value": str(shared),
        "source": "file",
    }
    store = open_store(settings)
    store.ensure_ready()
    assert (shared / settings.s3_bucket).is_dir()
    assert not (data / "objects").exists()

    write(config_file, 'store_dir = ""\nuser_name = "  "\n')  # blank lines mean the default
    settings = load_settings(data_dir=data)
    assert settings.local_store_dir == data / "objects"
    assert settings.user_name == Settings().user_name and settings.user_name.strip()


def test_user_name_defaults_to_the_login_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "engineer7")
    assert Settings().user_name == "engineer7"

    def no_login() -> str:
        raise OSError("no login name")

    monkeypatch.setattr("getpass.getuser", no_login)
    assert Settings().user_name == "unknown"
    monkeypatch.setenv("VERIPOST_USER_NAME", "Grace")
    assert Settings().user_name == "Grace"


def test_refresh_minutes_is_checked(config_file: Path) -> None:
    write(config_file, "refresh_minutes = -1\n")
    with pytest.raises(VeriPostError) as caught:
        load_settings()
    assert "refresh_minutes" in caught.value.message


def test_report_lists_every_setting_with_paths_as_strings(config_file: Path) -> None:
    report = settings_report(load_settings())
    assert report["config_file"] == str(config_file)
    assert report["config_file_exists"] is False
    keys = set(report["settings"])
    expected = {name for name in Settings.model_fields if name != "limits"} | {
        f"limits.{name}" for name in ZipLimits.model_fields
    }
    assert keys == expected
    for key, entry in report["settings"].items():
        assert set(entry) == {"value", "source"}, key
        assert entry["source"] in ("env", "file", "default", "keyring"), key
        assert not isinstance(entry["value"], Path), key
    assert os.path.isabs(report["settings"]["catalog_path"]["value"])
