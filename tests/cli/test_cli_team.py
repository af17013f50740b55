"""The window and every command on one settings file and one store: what a
desktop ingested through the core, ``veripost-cli`` run against the same
settings file lists, verifies and removes in the same store; ``sync`` and
``gc`` as real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import make_package_zip
from veripost_desktop.core.config import load_settings
from veripost_desktop.core.services import open_services
from veripost_desktop.core.team.manifest import manifest_key


def run_cli(config_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("VERIPOST_")}
    env["VERIPOST_CONFIG_FILE"] = str(config_file)
    env["VERIPOST_S3_SECRET_KEY"] = "testing"  # the secret is never in the file
    return subprocess.run(
        [sys.executable, "-m", "veripost_desktop.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_commands_use_the_store_the_settings_file_names(
    tmp_path: Path, s3_server: str, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_file = tmp_path / "cfg" / "settings.toml"
    config_file.parent.mkdir()
    config_file.write_text(
        f'data_dir = "{(tmp_path / "desk").as_posix()}"\n'
        f's3_endpoint = "{s3_server}"\n'
        's3_bucket = "team-cli"\ns3_access_key = "testing"\nuser_name = "ann"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("VERIPOST_CONFIG_FILE", str(config_file))  # as the window reads it
    monkeypatch.setenv("VERIPOST_S3_SECRET_KEY", "testing")
    services = open_services(load_settings())
    outcome = services.pipeline.ingest(make_package_zip(corpus_dir, tmp_path / "g.zip"))
    assert outcome.package is not None and outcome.ok
    package_id = outcome.package.id
    services.close()

    listed = run_cli(config_file, "list", "--json")
    assert listed.returncode == 0, listed.stderr
    (row,) = json.loads(listed.stdout)
    assert (row["package_id"], row["uploaded_by"]) == (package_id, "ann")
    verified = run_cli(config_file, "verify", package_id, "--json")
    assert verified.returncode == 0 and json.loads(verified.stdout)["ok"], verified.stdout

    # A second desktop (another data folder, same store) syncs it in.
    other = config_file.with_name("bob.toml")
    other.write_text(
        config_file.read_text(encoding="utf-8").replace('"desk"', '"bob"').replace("desk", "bob"),
        encoding="utf-8",
    )
    synced = run_cli(other, "sync", "--json")
    assert synced.returncode == 0, synced.stderr
    report = json.loads(synced.stdout)
    assert (report["added"], report["removed"], report["errors"], report["read"]) == (1, 0, [], 1)
    shown = json.loads(run_cli(other, "show", package_id, "--json").stdout)
    assert shown["section_count"] == outcome.package.section_count

    # Removal from the first desktop: nothing left in the store.
    removed = run_cli(config_file, "remove", package_id)
    assert removed.returncode == 0, removed.stderr
    check = open_services(load_settings())
    assert check.store.list_keys(f"packages/{package_id}/") == []
    assert check.store.get_bytes(manifest_key(package_id)) is None
    check.close()
    again = json.loads(run_cli(other, "sync", "--json").stdout)
    assert again["removed"] == 1


def test_sync_exit_code_and_gc_json(
    tmp_path: Path, s3_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_file = tmp_path / "settings.toml"
    config_file.write_text(
        f'data_dir = "{(tmp_path / "d").as_posix()}"\n'
        f's3_endpoint = "{s3_server}"\ns3_bucket = "team-gc"\ns3_access_key = "testing"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("VERIPOST_CONFIG_FILE", str(config_file))
    monkeypatch.setenv("VERIPOST_S3_SECRET_KEY", "testing")
    services = open_services(load_settings())
    services.store.ensure_ready()
    services.store.put_bytes("packages/broken/package.json", b"not json")
    services.store.put_bytes("packages/half-done/A.SRC", b":SECTION=A\n")
    services.close()

    synced = run_cli(config_file, "sync", "--json")
    assert synced.returncode == 1  # a manifest could not be read
    errors = json.loads(synced.stdout)["errors"]
    assert [(e["key"], e["code"]) for e in errors] == [
        ("packages/broken/package.json", "manifest_invalid")
    ]

    dry = run_cli(config_file, "gc", "--older-than", "0", "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["prefixes"][0]["removed"] is False
    done = json.loads(run_cli(config_file, "gc", "--older-than", "0", "--json").stdout)
    assert [(p["prefix"], p["objects"], p["removed"]) for p in done["prefixes"]] == [
        ("packages/half-done/", 1, True)
    ]
    # The bad manifest's folder has a manifest: gc never touches it.
    assert all(p["prefix"] != "packages/broken/" for p in done["prefixes"])
