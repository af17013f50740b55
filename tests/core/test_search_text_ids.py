"""The text ids a writing process remembers between packages
(``core/search/text_id_cache.py``): searches must stay right when texts are
removed, by this desktop or by another process sharing the catalog."""

from __future__ import annotations

from pathlib import Path

import pytest

from veripost_desktop.core.catalog import Catalog, PackageStatus
from veripost_desktop.core.config import Settings
from veripost_desktop.core.search.search_query import SearchRequest, search
from veripost_desktop.core.search.text_id_cache import LearnedIds, TextIdCache
from veripost_desktop.core.services import Services, open_services
from veripost_desktop.core.upg import analyse_package


def _post(name: str, *lines: str) -> dict[str, bytes]:
    body = "\r\n".join([":SECTION=START_OF_TAPE", *lines, ":SECTION=END_OF_TAPE", " M30"])
    return {f"{name}.SRC": (body + "\r\n").encode("cp1252")}


def _add(catalog: Catalog, name: str, *lines: str) -> str:
    package = catalog.create_package(name, f"{name}.zip")
    assert catalog.record_analysis(package.id, package.job_id, analyse_package(_post(name, *lines)))
    catalog.set_status(package.id, package.job_id, PackageStatus.READY)
    return package.id


def _hits(services: Services, text: str) -> list[tuple[str, int, str]]:
    result = search(services.catalog.read_engine, SearchRequest(text=text, limit=1000))
    return [(h.package_name, h.line, h.text) for h in result.hits]


@pytest.mark.parametrize("remover", ["this desktop", "another process"])
def test_texts_removed_and_added_again_are_found_where_they_are(
    tmp_path: Path, remover: str
) -> None:
    services = open_services(Settings(data_dir=tmp_path / "data", parse_workers=0))
    try:
        catalog = services.catalog
        first = _add(catalog, "A", " G28 G91 Z0 (shared)", " only in A")
        second = _add(catalog, "B", " G28 G91 Z0 (shared)", " only in B")
        # B found the shared lines in the catalog: this desktop remembers them.
        assert _hits(services, "g28 g91") == [
            ("A", 2, " G28 G91 Z0 (shared)"),
            ("B", 2, " G28 G91 Z0 (shared)"),
        ]

        if remover == "this desktop":
            catalog.delete_packages([first, second])
        else:  # e.g. veripost-cli on the same catalog
            other = Catalog(catalog.path)
            other.delete_packages([first, second])
            other.close()

        # Every text went with A and B; C's new lines take ids again from
        # the start, among them the ones the shared lines had.
        _add(catalog, "C", " new line one", " new line two", " G28 G91 Z0 (shared)")
        assert _hits(services, "g28 g91") == [("C", 4, " G28 G91 Z0 (shared)")]
        assert _hits(services, "new line") == [
            ("C", 2, " new line one"),
            ("C", 3, " new line two"),
        ]
        assert _hits(services, "only in") == []
    finally:
        services.close()


def test_lines_met_again_are_answered_without_the_catalog() -> None:
    cache = TextIdCache()
    assert cache.lookup(0, ["a", "b"]) == {"a": None, "b": None}
    cache.publish(LearnedIds(0, {"a": 7}))
    assert cache.lookup(0, ["a", "b"]) == {"a": 7, "b": None}


def test_what_was_read_before_a_removal_is_not_remembered() -> None:
    cache = TextIdCache()
    cache.lookup(0, ["a"])
    cache.publish(LearnedIds(0, {"a": 7}))
    # Another writer removed texts: the counter moved, and everything goes.
    assert cache.lookup(1, ["a"]) == {"a": None}
    # A write that had read the catalog before that removal teaches nothing.
    cache.publish(LearnedIds(0, {"a": 7}))
    assert cache.lookup(1, ["a"]) == {"a": None}


def test_the_cache_stays_within_its_size() -> None:
    cache = TextIdCache(max_entries=3)
    cache.lookup(0, [])
    cache.publish(LearnedIds(0, {"a": 1, "b": 2}))
    cache.publish(LearnedIds(0, {"c": 3, "d": 4}))
    assert len(cache) == 2
    assert cache.lookup(0, ["a", "c"]) == {"a": None, "c": 3}


def test_a_removal_between_looking_up_and_writing_is_noticed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ids are looked up before the write lock: another process may
    remove the texts in between, and the write must see it."""
    from veripost_desktop.core.catalog import catalog as catalog_module

    services = open_services(Settings(data_dir=tmp_path / "data", parse_workers=0))
    try:
        catalog = services.catalog
        first = _add(catalog, "A", " G28 G91 Z0 (shared)", " only in A")
        second = _add(catalog, "B", " G28 G91 Z0 (shared)", " only in B")
        prepare = catalog_module.prepare_index

        def prepare_then_remove(*args: object, **kwargs: object) -> object:
            prepared = prepare(*args, **kwargs)  # type: ignore[arg-type]
            other = Catalog(catalog.path)
            other.delete_packages([first, second])
            other.close()
            return prepared

        monkeypatch.setattr(catalog_module, "prepare_index", prepare_then_remove)
        _add(catalog, "C", " new line one", " new line two", " G28 G91 Z0 (shared)")
        assert _hits(services, "g28 g91") == [("C", 4, " G28 G91 Z0 (shared)")]
        assert _hits(services, "new line") == [
            ("C", 2, " new line one"),
            ("C", 3, " new line two"),
        ]
    finally:
        services.close()
