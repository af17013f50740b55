"""The search index moves to a file of its own (``catalog-search.sqlite3``,
``core/search/index_database.py``): its writes no longer wait for, nor hold,
the catalog's write lock (issue 14: ingestion with the index no more than
10% slower).

The catalog's search tables are dropped. Just before, ``database.open_engines``
copies them into the new file (``index_database.carry_over``), so nothing
has to be read again; should that fail, the index being derived data, the
background pass reads every ready package from storage instead (none is in
the new file's ``search_packages``; ``core/team/source_reading.py``).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_TABLES = (
    "search_fts",  # its shadow tables go with it
    "search_pending",
    "search_postings",
    "search_files",
    "search_text_uses",
    "search_texts",
)


def upgrade() -> None:
    for table in _TABLES:
        op.execute(f"DROP TABLE IF EXISTS {table}")
    op.execute("DELETE FROM catalog_info WHERE key = 'search_text_removals'")


def downgrade() -> None:
    # 0009's tables, empty: every package's reading is set back so that the
    # background pass of that version fills them again from storage.
    from importlib import import_module

    versions = "veripost_desktop.core.catalog.migrations.versions"
    import_module(f"{versions}.0006_search_index").upgrade()
    import_module(f"{versions}.0009_search_pending").upgrade()
    op.execute("UPDATE packages SET reading_version = NULL")
