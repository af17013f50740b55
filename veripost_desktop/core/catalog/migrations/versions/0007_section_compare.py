"""Section body hashes for ranking similar posts (issue 13).

Two new tables, nothing existing changes: ``section_hash_packages`` gives
each package with recorded hashes a small integer id, and
``section_hashes`` holds one row per section key of the post's .SRC and own
.LIB with 64-bit hashes of the key and of its body. They are written by
``Catalog.record_analysis`` (READING_VERSION 2); packages stored before are
read again from storage in the background and catch up.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "section_hash_packages",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "package_id",
            sa.String(36),
            sa.ForeignKey("packages.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        sa.Column("active_keys", sa.Integer(), nullable=False),
    )
    op.create_table(
        "section_hashes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "hash_package_id",
            sa.Integer(),
            sa.ForeignKey("section_hash_packages.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("file_role", sa.String(3), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("key_hash", sa.BigInteger(), nullable=False),
        sa.Column("body_hash", sa.BigInteger(), nullable=False),
    )
    op.create_index(
        "ix_section_hashes_scan",
        "section_hashes",
        ["hash_package_id", "active", "key_hash", "body_hash"],
    )


def downgrade() -> None:
    op.drop_index("ix_section_hashes_scan", table_name="section_hashes")
    op.drop_table("section_hashes")
    op.drop_table("section_hash_packages")
