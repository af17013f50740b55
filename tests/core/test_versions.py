"""Versions of a post: explicit and automatic links, history, and the link
travelling in the manifest to another desktop."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import make_package_zip
from veripost_desktop.core.config import Settings
from veripost_desktop.core.errors import ErrorCode, VeriPostError
from veripost_desktop.core.services import Services, open_services
from veripost_desktop.core.team.refresh import refresh_catalog
from veripost_desktop.core.versions import (
    AUTO,
    best_candidate,
    history,
    link_version,
)


def edited_grbl_zip(corpus: Path, target: Path, edit: bytes = b"G0 Z5.0") -> Path:
    """GRBL-Post with one section's body edited: the customer's next version."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted((corpus / "GRBL-Post").iterdir()):
            data = path.read_bytes()
            if path.suffix.upper() == ".SRC":
                head, sep, tail = data.partition(b":SECTION=END_OF_TAPE")
                assert sep, "the corpus post has an END_OF_TAPE section"
                data = head + sep + b"\r\n:T:" + edit + b"<EOL>" + tail
            zf.writestr(f"GRBL-Post/{path.name}", data)
    return target


def ingest(services: Services, path: Path) -> str:
    outcome = services.pipeline.ingest(path, add_duplicates=True)
    assert outcome.ok and outcome.package is not None, outcome.error
    return outcome.package.id


def test_explicit_link_numbers_the_versions_and_history_compares_them(
    any_settings: Settings, corpus_dir: Path, tmp_path: Path
) -> None:
    services = open_services(any_settings)
    first = ingest(services, make_package_zip(corpus_dir, tmp_path / "g.zip"))
    second = ingest(services, edited_grbl_zip(corpus_dir, tmp_path / "g2.zip"))
    third = ingest(services, edited_grbl_zip(corpus_dir, tmp_path / "g3.zip", b"G0 Z9.0"))

    linked = link_version(services.catalog, services.store, second, first)
    assert (linked.post, linked.version_number) == (first, 2)
    assert link_version(services.catalog, services.store, third, second).version_number == 3
    # Linking again within the same post changes nothing.
    assert link_version(services.catalog, services.store, third, first).version_number == 3

    entries = history(services.catalog, third)
    assert [(e.package_id, e.version) for e in entries] == [(first, 1), (second, 2), (third, 3)]
    assert entries[0].similarity_to_previous is None and entries[0].changed_sections is None
    # One section edited between neighbours: everything else equal.
    assert entries[1].changed_sections == 1 and entries[2].changed_sections == 1
    assert 0.95 < (entries[1].similarity_to_previous or 0) < 1.0
    numbered = {p.id: (p.post, p.version_number) for p in services.catalog.list_packages()}
    assert numbered == {first: (first, 1), second: (first, 2), third: (first, 3)}
    services.close()


def test_auto_links_only_a_similar_post_with_the_same_src_name(
    local_settings: Settings, corpus_dir: Path, tmp_path: Path
) -> None:
    services = open_services(local_settings)
    grbl = ingest(services, make_package_zip(corpus_dir, tmp_path / "g.zip"))
    other = ingest(
        services, make_package_zip(corpus_dir, tmp_path / "s.zip", package="SCL-SW-GRBL-1_1")
    )
    edited = ingest(services, edited_grbl_zip(corpus_dir, tmp_path / "g2.zip"))

    candidate = best_candidate(services.catalog, edited)
    assert candidate is not None and candidate.package.id == grbl  # SCL has another .SRC name
    assert candidate.similarity > 0.9 and candidate.versions == 1
    linked = link_version(services.catalog, services.store, edited, AUTO)
    assert (linked.post, linked.version_number) == (grbl, 2)

    # A post that only shares the .SRC name (16% alike) is never merged by auto.
    renamed = tmp_path / "renamed.zip"
    with zipfile.ZipFile(renamed, "w") as zf:
        for path in sorted((corpus_dir / "SCL-SW-GRBL-1_1").iterdir()):
            zf.writestr(path.name.replace("SCL-SW-GRBL-1_1", "GRBL-Post"), path.read_bytes())
    stranger = ingest(services, renamed)
    kept = link_version(services.catalog, services.store, stranger, AUTO)
    assert (kept.post, kept.version_number) == (stranger, 1)
    assert services.catalog.get_package(other).post == other
    services.close()


def test_a_post_with_versions_cannot_join_another(
    local_settings: Settings, corpus_dir: Path, tmp_path: Path
) -> None:
    services = open_services(local_settings)
    a = ingest(services, make_package_zip(corpus_dir, tmp_path / "a.zip"))
    b = ingest(services, edited_grbl_zip(corpus_dir, tmp_path / "b.zip"))
    scl = make_package_zip(corpus_dir, tmp_path / "c.zip", package="SCL-SW-GRBL-1_1")
    c = ingest(services, scl)
    link_version(services.catalog, services.store, b, a)
    with pytest.raises(VeriPostError) as caught:
        link_version(services.catalog, services.store, a, c)
    assert caught.value.code == ErrorCode.ALREADY_VERSIONED
    services.close()


def test_the_link_travels_to_other_desktops_in_the_manifest(
    s3_settings: Settings, corpus_dir: Path, tmp_path: Path
) -> None:
    ann = open_services(s3_settings.model_copy(update={"data_dir": tmp_path / "ann"}))
    bob = open_services(s3_settings.model_copy(update={"data_dir": tmp_path / "bob"}))
    first = ingest(ann, make_package_zip(corpus_dir, tmp_path / "g.zip"))
    second = ingest(ann, edited_grbl_zip(corpus_dir, tmp_path / "g2.zip"))
    assert refresh_catalog(bob.catalog, bob.store).added == 2
    from veripost_desktop.core.team.source_reading import read_outdated_packages

    assert read_outdated_packages(bob.catalog, bob.store).read == 2
    sections_before = bob.catalog.list_sections(second)

    link_version(ann.catalog, ann.store, second, first)
    report = refresh_catalog(bob.catalog, bob.store)
    assert (report.updated, report.added) == (1, 0)
    seen = bob.catalog.get_package(second)
    assert (seen.post, seen.version_number) == (first, 2)
    assert bob.catalog.list_sections(second) == sections_before  # a link is not a new reading
    assert [e.version for e in history(bob.catalog, first)] == [1, 2]
    ann.close()
    bob.close()


def run_cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "veripost_desktop.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "VERIPOST_DATA_DIR": str(settings.data_dir)},
        timeout=120,
    )


def test_cli_ingest_version_of_and_history(
    local_settings: Settings, corpus_dir: Path, tmp_path: Path
) -> None:
    base = make_package_zip(corpus_dir, tmp_path / "g.zip")
    first = json.loads(run_cli(local_settings, "ingest", str(base), "--json").stdout)[0]
    assert (first["version"], first["post_id"]) == (1, first["package_id"])

    unknown = run_cli(local_settings, "ingest", str(base), "--version-of", "nope", "--json")
    assert unknown.returncode == 1 and "package_not_found" in unknown.stderr
    listed = json.loads(run_cli(local_settings, "list", "--json").stdout)
    assert len(listed) == 1  # nothing was stored for the refused link

    edited = edited_grbl_zip(corpus_dir, tmp_path / "g2.zip")
    result = run_cli(local_settings, "ingest", str(edited), "--version-of", "auto", "--json")
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert (row["status"], row["post_id"], row["version"]) == ("ready", first["package_id"], 2)

    shown = run_cli(local_settings, "history", row["package_id"], "--json")
    assert shown.returncode == 0, shown.stderr
    entries = json.loads(shown.stdout)
    assert [set(e) for e in entries] == [
        {
            "package_id",
            "name",
            "version",
            "uploaded_by",
            "created_at",
            "similarity_to_previous",
            "changed_sections",
        }
    ] * 2
    assert [(e["package_id"], e["version"]) for e in entries] == [
        (first["package_id"], 1),
        (row["package_id"], 2),
    ]
    assert entries[1]["changed_sections"] == 1
