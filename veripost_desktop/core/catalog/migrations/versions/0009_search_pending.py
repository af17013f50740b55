"""New postings wait in ``search_pending`` and are folded into the search
index in batches (issue 14: ingestion with the index no more than 10% slower).

``search_postings`` (text, file) and ``search_text_uses`` (text, type) are
keyed by text first, so each package's thousands of rows landed on leaves
all over both trees: a commit rewrote ~1,200 pages at 200 packages, and more
as the catalog grew. ``search_pending`` is keyed by file first: file ids only
grow, so a new package's rows are appended at its end. Once it holds
``index_writer.FOLD_ROWS`` rows, they are moved into the two trees in text
order in one statement each, where one leaf takes the rows of many packages.

Searches read both (``search_query.py``). Existing catalogs have nothing
pending.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_pending",
        sa.Column("file_id", sa.Integer(), primary_key=True),
        sa.Column("text_id", sa.Integer(), primary_key=True),
        sa.Column("hits", sa.Integer(), nullable=False),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    # What 0008 expects: every posting in the two text-keyed tables.
    op.execute(
        "INSERT INTO search_postings (text_id, file_id, hits) "
        "SELECT text_id, file_id, hits FROM search_pending"
    )
    op.execute(
        "INSERT INTO search_text_uses (text_id, extension, uses) "
        "SELECT p.text_id, f.extension, sum(p.hits) FROM search_pending p "
        "JOIN search_files f ON f.id = p.file_id GROUP BY p.text_id, f.extension "
        "ON CONFLICT (text_id, extension) DO UPDATE SET uses = uses + excluded.uses"
    )
    op.drop_table("search_pending")
