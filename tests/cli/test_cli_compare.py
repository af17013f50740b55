"""``veripost-cli diff`` and ``similar`` run as real processes."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.cli.test_cli_contract import run_cli
from tests.conftest import make_package_zip


@pytest.fixture
def catalog(tmp_path: Path, corpus_dir: Path) -> dict[str, object]:
    data = tmp_path / "d"
    grbl = make_package_zip(corpus_dir, tmp_path / "GRBL-Post.zip")
    scl = make_package_zip(corpus_dir, tmp_path / "SCL.zip", package="SCL-SW-GRBL-1_1")
    r = run_cli(data, "ingest", str(grbl), str(scl), "--json")
    assert r.returncode == 0, r.stderr
    a, b = (o["package_id"] for o in json.loads(r.stdout))
    return {"data": data, "a": a, "b": b, "scl_zip": scl}


def test_diff_json_plain_and_html(catalog: dict[str, object], tmp_path: Path) -> None:
    data, a, b = catalog["data"], str(catalog["a"]), str(catalog["b"])
    r = run_cli(data, "diff", a, b, "--json")  # type: ignore[arg-type]
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["a"] == {"package_id": a, "name": "GRBL-Post", "path": None}
    assert out["b"]["package_id"] == b
    assert out["patterns"][0]["description"] == 'removed "<N>"'
    assert out["patterns"][0]["removed"] == "<N>" and out["patterns"][0]["added"] == ""
    changed = [s for s in out["sections"] if s["change"] == "changed"]
    assert len(changed) == len(out["sections"]) and out["unchanged_sections"] > 0
    assert out["similarity"] == out["unchanged_sections"] / (
        out["unchanged_sections"] + len(out["sections"])
    )
    assert {"attribute": "CONTROLLER TYPE", "a": "GRBL", "b": "GRBL v1.1"} in out["descriptor"]
    assert ".\\GRBL-Post.LIB" in out["library_refs"]["removed"]

    report = tmp_path / "report.html"
    r = run_cli(data, "diff", a, b, "--html", str(report))  # type: ignore[arg-type]
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("GRBL-Post -> SCL-SW-GRBL-1_1: similarity ")
    assert f"{out['unchanged_sections']} unchanged, {len(changed)} changed" in lines[0]
    assert lines[1] == "Patterns:"
    assert lines[2].startswith('  [1] removed "<N>" in ')
    assert "Sections:" in lines
    start_of_tape = next(line for line in lines if " START_OF_TAPE " in line)
    assert "changed" in start_of_tape and "only" not in start_of_tape
    assert any(" INIT_TOOL_CHANGE_MILL " in line and "only [1]" in line for line in lines)
    HTMLParser().feed(report.read_text(encoding="utf-8"))
    assert "SCL-SW-GRBL-1_1" in report.read_text(encoding="utf-8")


def test_diff_with_a_zip_and_the_errors(catalog: dict[str, object], tmp_path: Path) -> None:
    data, a = catalog["data"], str(catalog["a"])
    r = run_cli(data, "diff", a, str(catalog["scl_zip"]), "--json")  # type: ignore[arg-type]
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["b"] == {
        "package_id": None,
        "name": "SCL-SW-GRBL-1_1",
        "path": str(catalog["scl_zip"]),
    }
    r = run_cli(data, "list", "--json")  # type: ignore[arg-type]
    assert len(json.loads(r.stdout)) == 2  # the ZIP was not stored

    not_zip = tmp_path / "notes.zip"
    not_zip.write_text("hello")
    r = run_cli(data, "diff", a, str(not_zip))  # type: ignore[arg-type]
    assert r.returncode == 1 and r.stdout == ""
    assert "error [not_a_zip]" in r.stderr and "Traceback" not in r.stderr
    r = run_cli(data, "diff", "no-such-id", a, "--json")  # type: ignore[arg-type]
    assert r.returncode == 1 and "error [package_not_found]" in r.stderr
    r = run_cli(data, "diff", a, a, "--html", str(tmp_path / "nowhere" / "r.html"))  # type: ignore[arg-type]
    assert r.returncode == 1 and "error [report_not_saved]" in r.stderr
    r = run_cli(data, "similar", "no-such-id")  # type: ignore[arg-type]
    assert r.returncode == 1 and "error [package_not_found]" in r.stderr


def test_identical_posts_and_similar(
    catalog: dict[str, object], corpus_dir: Path, tmp_path: Path
) -> None:
    data, a, b = catalog["data"], str(catalog["a"]), str(catalog["b"])
    again = make_package_zip(corpus_dir, tmp_path / "again.zip", folder="")
    r = run_cli(data, "ingest", str(again), "--on-duplicate", "add", "--json")  # type: ignore[arg-type]
    assert r.returncode == 0, r.stderr
    same = json.loads(r.stdout)[0]["package_id"]

    r = run_cli(data, "diff", a, same, "--json")  # type: ignore[arg-type]
    out = json.loads(r.stdout)
    assert out["similarity"] == 1.0 and out["sections"] == [] and out["patterns"] == []
    assert all(f["change"] == "unchanged" for f in out["files"])

    r = run_cli(data, "similar", a, "--json")  # type: ignore[arg-type]
    assert r.returncode == 0, r.stderr
    ranked = json.loads(r.stdout)
    assert [p["package_id"] for p in ranked] == [same, b]
    assert ranked[0]["similarity"] == 1.0 and ranked[0]["changed_sections"] == 0
    assert all(
        set(p) == {"package_id", "name", "similarity", "unchanged_sections", "changed_sections"}
        for p in ranked
    )
    diff = json.loads(run_cli(data, "diff", a, b, "--json").stdout)  # type: ignore[arg-type]
    assert ranked[1]["similarity"] == pytest.approx(diff["similarity"])

    r = run_cli(data, "similar", a, "--limit", "1")  # type: ignore[arg-type]
    assert r.returncode == 0 and len(r.stdout.splitlines()) == 1
    assert "100.0%" in r.stdout and same in r.stdout
