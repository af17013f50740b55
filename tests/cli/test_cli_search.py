"""``veripost-cli search``: its --json shape, options and errors, run as a
real process on packages of the real corpus, hits checked against a plain
line scan of the same files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli_contract import run_cli
from tests.search_helpers import TORMACH, plain_scan, write_zip

EXTRA = {"VERIPOST_EXTRA_EXTENSIONS": ".CNF"}
NAMES = {"GRBL-Post": "GRBL-Post", TORMACH: "Tormach PCNC1100 Series 3"}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    root = tmp_path_factory.mktemp("cli-search")
    zips = [str(write_zip(corpus_dir, folder, root / f"{folder}.zip")) for folder in NAMES]
    r = run_cli(root / "d", "ingest", *zips, "--json", extra_env=EXTRA)
    assert r.returncode == 0, r.stderr
    return root / "d"


def search_json(data_dir: Path, *args: str) -> dict[str, object]:
    r = run_cli(data_dir, "search", *args, "--json", extra_env=EXTRA)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)  # type: ignore[no-any-return]


def scan_json(corpus: Path, query: str, **options: object) -> list[dict[str, object]]:
    hits = plain_scan(corpus, NAMES, query, **options)  # type: ignore[arg-type]
    return [
        {
            "package_name": h.package,
            "file": h.file,
            "line": h.line,
            "section": h.section,
            "commented_out": h.commented_out,
            "text": h.text,
        }
        for h in hits
    ]


def without_id(hits: object) -> list[dict[str, object]]:
    assert isinstance(hits, list)
    return [{k: v for k, v in h.items() if k != "package_id"} for h in hits]


def test_search_json_shape_and_hits(data_dir: Path, corpus_dir: Path) -> None:
    out = search_json(data_dir, "<G:ABSINC>")
    assert set(out) == {"query", "total_hits", "truncated", "hits"}
    assert out["query"] == "<G:ABSINC>" and out["truncated"] is False
    expected = scan_json(corpus_dir, "<G:ABSINC>")
    assert expected and without_id(out["hits"]) == expected
    assert out["total_hits"] == len(expected)
    hits = out["hits"]
    assert isinstance(hits, list)
    assert all(
        set(h) == {"package_id", "package_name", "file", "line", "section", "commented_out", "text"}
        for h in hits
    )
    listed = json.loads(run_cli(data_dir, "list", "--json").stdout)
    ids = {p["name"]: p["package_id"] for p in listed}
    assert all(h["package_id"] == ids[h["package_name"]] for h in hits)


def test_search_options(data_dir: Path, corpus_dir: Path) -> None:
    limited = search_json(data_dir, "rapid z", "--limit", "3")
    full = scan_json(corpus_dir, "rapid z")
    assert without_id(limited["hits"]) == full[:3]
    assert limited["truncated"] is True and limited["total_hits"] == len(full)

    regex = search_json(data_dir, r"<G:8[15]>", "--regex")
    assert without_id(regex["hits"]) == scan_json(corpus_dir, r"<G:8[15]>", regex=True)

    extra = search_json(data_dir, '"A" indexer')  # the .CNF: an extra type of the settings
    assert [h["file"] for h in extra["hits"]] == ["Tormach PCNC1100 Series 3.CNF"]  # type: ignore[index, union-attr]

    lib = search_json(data_dir, "calc_", "--type", "LIB")
    assert without_id(lib["hits"]) == scan_json(corpus_dir, "calc_", extensions={".LIB"})

    listed = json.loads(run_cli(data_dir, "list", "--json").stdout)
    grbl = next(p["package_id"] for p in listed if p["name"] == "GRBL-Post")
    one = search_json(data_dir, "rapid z", "--package", grbl, "--system", "MILL")
    assert {h["package_name"] for h in one["hits"]} == {"GRBL-Post"}  # type: ignore[union-attr]
    assert search_json(data_dir, "rapid z", "--machine", "no such machine")["total_hits"] == 0
    assert search_json(data_dir, "rapid z", "--controller", "grbl")["total_hits"] == len(full)


def test_search_text_output(data_dir: Path) -> None:
    r = run_cli(data_dir, "search", "five_axis_rapid_z_move", extra_env=EXTRA)
    assert r.returncode == 0, r.stderr
    assert "GRBL-Post.SRC" in r.stdout
    assert "[FIVE_AXIS_RAPID_Z_MOVE_DOWN commented out]: *:SECTION=FIVE_AXIS_RAPID_Z_MOVE_DOWN" in (
        r.stdout
    )
    assert r.stdout.rstrip().endswith("hit(s) in 2 package(s)")


def test_an_invalid_regex_is_a_friendly_error(data_dir: Path) -> None:
    r = run_cli(data_dir, "search", "<G:8[15>", "--regex")
    assert r.returncode == 1
    assert r.stderr.startswith("error [invalid_query]: The regular expression is not valid.")
    assert "Traceback" not in r.stderr
    r = run_cli(data_dir, "search", "x", "--limit", "0")
    assert r.returncode == 1 and "error [invalid_query]" in r.stderr
