"""The ``veripost-cli`` contract: exit codes and --json shapes, run as a real
process so the console script, argument parsing and environment are real."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import make_package_zip


def run_cli(
    env_dir: Path, *args: str, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("VERIPOST_") or k == "VERIPOST_CONFIG_FILE"  # the test's own
    }
    env["VERIPOST_DATA_DIR"] = str(env_dir)
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "-m", "veripost_desktop.cli.main", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture
def zips(corpus_dir: Path, tmp_path: Path) -> dict[str, Path]:
    good = make_package_zip(corpus_dir, tmp_path / "GRBL-Post.zip")
    other = make_package_zip(corpus_dir, tmp_path / "SCL.zip", package="SCL-SW-GRBL-1_1")
    not_zip = tmp_path / "readme.zip"
    not_zip.write_text("hello")
    txt = tmp_path / "with_txt.zip"
    with zipfile.ZipFile(txt, "w") as zf:
        zf.write(corpus_dir / "GRBL-Post" / "GRBL-Post.SRC", "GRBL-Post.SRC")
        zf.writestr("notes/README.TXT", "x")
    return {"good": good, "other": other, "not_zip": not_zip, "txt": txt}


def test_validate_json_contract(tmp_path: Path, zips: dict[str, Path]) -> None:
    r = run_cli(
        tmp_path / "d",
        "validate",
        str(zips["good"]),
        str(zips["not_zip"]),
        str(zips["txt"]),
        "--json",
    )
    assert r.returncode == 1, r.stderr
    out = json.loads(r.stdout)
    assert [o["path"] for o in out] == [str(zips["good"]), str(zips["not_zip"]), str(zips["txt"])]
    good, not_zip, txt = out
    assert good["ok"] is True and good["code"] is None and good["message"] is None
    assert good["detail"] is None
    assert sorted(f["name"] for f in good["files"]) == sorted(
        ["GRBL-Post.SRC", "GRBL-Post.LIB", "GRBL-Post.ctl", "GRBL-Post.lng"]
    )
    assert all(set(f) == {"name", "path_in_zip", "size"} for f in good["files"])
    assert {f["path_in_zip"] for f in good["files"]} == {
        f"GRBL-Post/{n}"
        for n in ("GRBL-Post.SRC", "GRBL-Post.LIB", "GRBL-Post.ctl", "GRBL-Post.lng")
    }
    assert not_zip["ok"] is False and not_zip["code"] == "not_a_zip"
    assert not_zip["message"] == "Please upload a .zip file containing your post processor package."
    assert txt["code"] == "unrecognized_extension" and "notes/README.TXT" in txt["detail"]
    assert set(good) == {"path", "ok", "code", "message", "detail", "files"}


def test_validate_exit_zero_when_all_valid(tmp_path: Path, zips: dict[str, Path]) -> None:
    r = run_cli(tmp_path / "d", "validate", str(zips["good"]), str(zips["other"]))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "OK" in r.stdout


def test_ingest_list_files_download(
    tmp_path: Path, zips: dict[str, Path], corpus_dir: Path
) -> None:
    data = tmp_path / "d"
    r = run_cli(
        data, "ingest", str(zips["good"]), str(zips["not_zip"]), str(zips["other"]), "--json"
    )
    assert r.returncode == 1, r.stderr  # one refused
    out = json.loads(r.stdout)
    assert [o["path"] for o in out] == [str(zips["good"]), str(zips["not_zip"]), str(zips["other"])]
    assert out[0]["status"] == "ready" and out[0]["code"] is None
    assert out[1]["status"] == "refused" and out[1]["package_id"] is None
    assert out[1]["code"] == "not_a_zip" and out[1]["message"]
    assert out[2]["status"] == "ready"
    for o in out:
        # A contract: keys are added (post_id, version), never renamed or removed.
        assert set(o) == {
            "path",
            "package_id",
            "job_id",
            "status",
            "code",
            "message",
            "detail",
            "post_id",
            "version",
        }
    assert (out[0]["post_id"], out[0]["version"]) == (out[0]["package_id"], 1)
    assert (out[1]["post_id"], out[1]["version"]) == (None, None)
    pkg_id = out[0]["package_id"]

    r = run_cli(data, "list", "--json")
    assert r.returncode == 0
    listed = json.loads(r.stdout)
    assert {p["package_id"] for p in listed} == {out[0]["package_id"], out[2]["package_id"]}
    assert {p["status"] for p in listed} == {"ready"}

    r = run_cli(data, "files", pkg_id, "--json")
    assert r.returncode == 0
    files = {f["name"]: f for f in json.loads(r.stdout)}
    assert set(files) == {"GRBL-Post.SRC", "GRBL-Post.LIB", "GRBL-Post.ctl", "GRBL-Post.lng"}
    assert files["GRBL-Post.SRC"]["object_key"] == f"packages/{pkg_id}/GRBL-Post.SRC"

    target = tmp_path / "dl.ctl"
    r = run_cli(data, "download", pkg_id, "GRBL-Post.ctl", "-o", str(target))
    assert r.returncode == 0, r.stderr
    assert target.read_bytes() == (corpus_dir / "GRBL-Post" / "GRBL-Post.ctl").read_bytes()


def test_ingest_exit_zero_when_all_ready_against_s3(
    tmp_path: Path, zips: dict[str, Path], s3_server: str
) -> None:
    env = {
        "VERIPOST_S3_ENDPOINT": s3_server,
        "VERIPOST_S3_ACCESS_KEY": "testing",
        "VERIPOST_S3_SECRET_KEY": "testing",
        "VERIPOST_S3_BUCKET": "cli-contract",
    }
    r = run_cli(tmp_path / "d", "ingest", str(zips["good"]), extra_env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "READY" in r.stdout and "package_id" in r.stdout


def test_unknown_package_is_a_friendly_error_not_a_traceback(tmp_path: Path) -> None:
    r = run_cli(tmp_path / "d", "files", "no-such-id")
    assert r.returncode == 1
    assert "package_not_found" in r.stderr and "Traceback" not in r.stderr


def test_bad_configuration_is_a_friendly_error(tmp_path: Path) -> None:
    r = run_cli(tmp_path / "d", "list", extra_env={"VERIPOST_INGEST_WORKERS": "many"})
    assert r.returncode == 1
    assert "invalid_settings" in r.stderr and "Traceback" not in r.stderr


def test_version(tmp_path: Path) -> None:
    r = run_cli(tmp_path / "d", "--version")
    assert r.returncode == 0 and r.stdout.startswith("veripost-cli ")


def test_show_json_reads_the_post(tmp_path: Path, zips: dict[str, Path]) -> None:
    data = tmp_path / "d"
    out = json.loads(run_cli(data, "ingest", str(zips["good"]), "--json").stdout)
    pkg_id = out[0]["package_id"]
    r = run_cli(data, "show", pkg_id, "--json")
    assert r.returncode == 0, r.stderr
    shown = json.loads(r.stdout)
    assert shown["section_count"] == 82
    assert (shown["machine"], shown["controller"], shown["system"]) == ("RSCNC32", "GRBL", "MILL")
    files = {f["name"]: f for f in shown["files"]}
    assert files["GRBL-Post.SRC"]["sections"] == {
        "active": 81,
        "calc": 7,
        "template": 74,
        "commented_out": 44,
    }
    assert files["GRBL-Post.ctl"]["sections"] is None
    refs = {r["file_name"].upper(): r for r in shown["library_refs"]}
    assert refs["GRBL-POST.LIB"]["found"] is True
    assert refs["MILL.LIB"]["is_master"] is True
    assert shown["warnings"] == []


def test_duplicates_verify_remove_and_retry(tmp_path: Path, zips: dict[str, Path]) -> None:
    data = tmp_path / "d"
    first = json.loads(run_cli(data, "ingest", str(zips["good"]), "--json").stdout)[0]
    again = run_cli(data, "ingest", str(zips["good"]), "--json")
    assert again.returncode == 0
    dup = json.loads(again.stdout)[0]
    assert dup["status"] == "duplicate" and dup["package_id"] == first["package_id"]
    added = json.loads(
        run_cli(data, "ingest", str(zips["good"]), "--on-duplicate", "add", "--json").stdout
    )[0]
    assert added["status"] == "ready" and added["package_id"] != first["package_id"]

    r = run_cli(data, "verify", first["package_id"], "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["ok"] is True
    stored = data / "objects" / "veripost" / "packages" / first["package_id"] / "GRBL-Post.SRC"
    stored.write_bytes(b"tampered")
    r = run_cli(data, "verify", first["package_id"], "--json")
    assert r.returncode == 1
    states = {f["name"]: f["state"] for f in json.loads(r.stdout)["files"]}
    assert states["GRBL-Post.SRC"] == "altered"

    r = run_cli(data, "remove", added["package_id"])
    assert r.returncode == 0
    listed = json.loads(run_cli(data, "list", "--json").stdout)
    assert [p["package_id"] for p in listed] == [first["package_id"]]

    r = run_cli(data, "retry", "--all-failed", "--json")
    assert r.returncode == 0 and json.loads(r.stdout) == []
