"""What a parse process does with one package: read it, and write its lines
into the search index file itself (issue 14: ingestion with the index no
more than 10% slower).

The ingesting process runs the uploads, the catalog's writes and (in the
GUI) the window on one GIL; turning a package's ~4,000 distinct lines into
index rows there, and unpickling them first, took that GIL from all of
them. A parse process already holds the lines, and the index is a file of
its own (``core/search/index_database.py``) that any process may write, so
the lines go in from here and only the reading travels back, without them.

The index is written *before* the catalog records the reading, tagged with
the package's job: ``Catalog.record_analysis`` removes it again when that
job turns out not to be the package's any more (retried, removed), and a
package removed later is cleared by ``Catalog.delete_packages``. A package
read any other way (the parse process died, ``parse_workers = 0``, the
background reading pass) has its lines written by the catalog, as before.

Each parse process keeps one write engine per index file, and the text ids
it has met (``text_id_cache.py``), for its lifetime.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import Engine

from veripost_desktop.core.catalog.database import make_index_write_engine
from veripost_desktop.core.search.index_writer import write_package_index
from veripost_desktop.core.search.text_id_cache import TextIdCache
from veripost_desktop.core.upg import PackageAnalysis
from veripost_desktop.core.upg.indexed_text import IndexedText
from veripost_desktop.core.upg.zip_package import analyse_zip


@dataclass(frozen=True)
class IndexTarget:
    """Where, and as whose reading, a package's lines go."""

    index_path: str
    package_id: str
    job_id: str


_lock = threading.Lock()
_writers: dict[str, tuple[Engine, TextIdCache]] = {}


def _writer(index_path: str) -> tuple[Engine, TextIdCache]:
    with _lock:
        if index_path not in _writers:
            _writers[index_path] = (make_index_write_engine(Path(index_path)), TextIdCache())
        return _writers[index_path]


def index_package(target: IndexTarget, texts: Sequence[IndexedText]) -> None:
    """Replace the package's lines in the index with ``texts``."""
    engine, cache = _writer(target.index_path)
    write_package_index(engine, target.package_id, target.job_id, texts, cache)


def analyse_and_index(
    zip_path: str, members: Sequence[tuple[str, str, bool]], target: IndexTarget
) -> PackageAnalysis:
    """The reading of one package (``analyse_zip``), its lines already in
    the index: the reading comes back without them."""
    analysis = analyse_zip(zip_path, members)
    index_package(target, analysis.indexed_texts)
    return replace(analysis, indexed_texts=())
