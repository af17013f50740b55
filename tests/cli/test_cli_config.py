"""``veripost-cli config``: every effective setting, its value and where it came
from, run as a real process with its own settings file and environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from veripost_desktop.core.config import Settings

# Every setting the command must report: the top-level ones (the secret
# included, but only as set / not set) and each limit on its own.
EXPECTED_KEYS = {name for name in Settings.model_fields if name != "limits"} | {
    "limits.max_total_uncompressed",
    "limits.max_members",
    "limits.max_ratio",
    "limits.ratio_min_size",
}


def run_config(
    config_file: Path, *args: str, env_vars: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("VERIPOST_")}
    env["VERIPOST_CONFIG_FILE"] = str(config_file)
    env.update(env_vars or {})
    return subprocess.run(
        [sys.executable, "-m", "veripost_desktop.cli.main", "config", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_config_json_reports_each_source(tmp_path: Path) -> None:
    data_dir = tmp_path / "from-file"
    config_file = tmp_path / "cfg" / "settings.toml"
    config_file.parent.mkdir()
    config_file.write_text(
        f'data_dir = "{data_dir.as_posix()}"\n'
        's3_bucket = "file-bucket"\n'
        "ingest_workers = 3\n"
        's3_secret_key = "never-shown"\n'
        'from_a_newer_version = "kept"\n'
        "[limits]\nmax_ratio = 42.5\n",
        encoding="utf-8",
    )
    r = run_config(
        config_file,
        "--json",
        env_vars={
            "VERIPOST_INGEST_WORKERS": "2",
            "VERIPOST_LIMITS__MAX_MEMBERS": "7",
            "VERIPOST_LOG_DIR": str(tmp_path / "logs"),
        },
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["config_file"] == str(config_file)
    assert out["config_file_exists"] is True
    settings = out["settings"]
    assert set(settings) == EXPECTED_KEYS
    assert settings["ingest_workers"] == {"value": 2, "source": "env"}  # env beats the file
    assert settings["s3_bucket"] == {"value": "file-bucket", "source": "file"}
    assert settings["data_dir"] == {"value": str(data_dir), "source": "file"}
    assert settings["s3_region"] == {"value": "us-east-1", "source": "default"}
    assert settings["limits.max_members"] == {"value": 7, "source": "env"}
    assert settings["limits.max_ratio"] == {"value": 42.5, "source": "file"}
    assert settings["limits.max_total_uncompressed"]["source"] == "default"
    # Paths as strings; the folders under the data folder as they are used.
    assert settings["catalog_path"] == {
        "value": str(data_dir / "catalog.sqlite3"),
        "source": "default",
    }
    assert settings["store_dir"] == {"value": str(data_dir / "objects"), "source": "default"}
    # The secret: never its value, and the file's copy is ignored and said to be.
    assert settings["s3_secret_key"] == {"value": "not set", "source": "default"}
    assert "never-shown" not in r.stdout + r.stderr
    assert any("s3_secret_key" in note for note in out["notes"])
    # Nothing was opened: no catalog made in the data folder.
    assert not data_dir.exists()


def test_config_with_no_file_and_a_secret_from_the_environment(tmp_path: Path) -> None:
    config_file = tmp_path / "none" / "settings.toml"
    r = run_config(
        config_file,
        "--json",
        env_vars={
            "VERIPOST_DATA_DIR": str(tmp_path / "d"),
            "VERIPOST_S3_SECRET_KEY": "env-secret-value",
            "VERIPOST_LOG_DIR": str(tmp_path / "logs"),
        },
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["config_file_exists"] is False
    assert out["settings"]["s3_secret_key"] == {"value": "set", "source": "env"}
    assert out["settings"]["data_dir"]["source"] == "env"
    assert "env-secret-value" not in r.stdout
    assert out["notes"] == []
    assert all(
        entry["source"] == "default"
        for key, entry in out["settings"].items()
        if key not in ("s3_secret_key", "data_dir", "log_dir")
    )
    assert not config_file.exists()


def test_config_runs_when_storage_is_unreachable_and_the_catalog_is_damaged(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "d"
    data_dir.mkdir()
    (data_dir / "catalog.sqlite3").write_bytes(b"SQLite format 3\x00" + b"\x00" * 50)
    config_file = tmp_path / "settings.toml"
    config_file.write_text('s3_endpoint = "http://127.0.0.1:9"\n', encoding="utf-8")
    r = run_config(
        config_file,
        env_vars={"VERIPOST_DATA_DIR": str(data_dir), "VERIPOST_LOG_DIR": str(tmp_path / "l")},
    )
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == f"Settings file: {config_file}"
    table = {line.split()[0]: line.split() for line in lines[2:] if line.strip()}
    assert table["s3_endpoint"][1:] == ["http://127.0.0.1:9", "file"]
    assert table["data_dir"][1:] == [str(data_dir), "env"]
    assert table["s3_secret_key"][1:] == ["not", "set", "default"]
    assert table["limits.max_members"][1:] == ["10000", "default"]


def test_a_broken_settings_file_is_named(tmp_path: Path) -> None:
    config_file = tmp_path / "settings.toml"
    config_file.write_text("ingest_workers = [\n", encoding="utf-8")
    r = run_config(config_file, "--json", env_vars={"VERIPOST_LOG_DIR": str(tmp_path / "l")})
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr.startswith("error [invalid_settings]: The settings file ")
    assert str(config_file) in r.stderr
    assert "Traceback" not in r.stderr
