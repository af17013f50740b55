"""Full-text index of every stored text line (issue 14).

- ``search_files``: the indexed files of each package (every text file but
  the ``.CTL``), with the range of their lines and their section starts.
- ``search_lines``: one row per line, its text without the line end.
- ``search_fts``: FTS5 with the ``trigram`` tokenizer over ``search_lines``
  (external content, ``detail=none``, ``columnsize=0``; SQLite 3.34 or later).

The tables start empty: packages already in the catalog keep a
``reading_version`` below 2 and are read again from storage in the
background, which fills them (``Catalog.record_analysis``).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_files",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "package_id",
            sa.String(36),
            sa.ForeignKey("packages.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("extension", sa.String(16), nullable=False),
        sa.Column("first_line_id", sa.Integer(), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("sections", sa.Text(), nullable=False),
    )
    op.create_index("ix_search_files_package_id", "search_files", ["package_id"])
    op.create_table(
        "search_lines",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
    )
    op.execute(
        "CREATE VIRTUAL TABLE search_fts USING fts5(text, content='search_lines', "
        "content_rowid='id', tokenize='trigram', detail='none', columnsize=0)"
    )


def downgrade() -> None:
    op.execute("DROP TABLE search_fts")
    op.drop_table("search_lines")
    op.drop_index("ix_search_files_package_id", "search_files")
    op.drop_table("search_files")
