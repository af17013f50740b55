"""Search inside every stored post (issue 14): each distinct line once, an
FTS5 trigram index over those, and where each one is.

- ``search_texts``: every distinct line of every indexed file, once for the
  whole catalog (posts repeat lines, and posts are copied from each other).
- ``search_fts``: FTS5 with the ``trigram`` tokenizer over ``search_texts``
  (external content, ``detail=none``, ``columnsize=0``; SQLite 3.34 or
  later).
- ``search_files``: the indexed files of each package (every text file but
  the ``.CTL``): the text id of each line as a packed array, the section
  starts as JSON.
- ``search_postings``: how many lines of a file hold a text.
- ``search_text_uses``: how many lines of files of one type hold a text, so
  a search is counted without reading where its hits are.

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
        "search_texts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("text", sa.Text(), nullable=False),
    )
    op.create_index("ix_search_texts_text", "search_texts", ["text"], unique=True)
    op.create_table(
        "search_text_uses",
        sa.Column("text_id", sa.Integer(), primary_key=True),
        sa.Column("extension", sa.String(16), primary_key=True),
        sa.Column("uses", sa.Integer(), nullable=False),
        sqlite_with_rowid=False,
    )
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
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("sections", sa.Text(), nullable=False),
        sa.Column("lines", sa.LargeBinary(), nullable=False),
    )
    op.create_index("ix_search_files_package_id", "search_files", ["package_id"])
    op.create_table(
        "search_postings",
        sa.Column("text_id", sa.Integer(), primary_key=True),
        sa.Column("file_id", sa.Integer(), primary_key=True),
        sa.Column("hits", sa.Integer(), nullable=False),
        sqlite_with_rowid=False,
    )
    op.execute(
        "CREATE VIRTUAL TABLE search_fts USING fts5(text, content='search_texts', "
        "content_rowid='id', tokenize='trigram', detail='none', columnsize=0)"
    )


def downgrade() -> None:
    op.execute("DROP TABLE search_fts")
    op.drop_table("search_postings")
    op.drop_index("ix_search_files_package_id", "search_files")
    op.drop_table("search_files")
    op.drop_table("search_text_uses")
    op.drop_index("ix_search_texts_text", "search_texts")
    op.drop_table("search_texts")
