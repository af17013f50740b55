"""Versions of a post (issue 13, part 4).

``packages.post_id`` names the post a package is a version of (the id of
its first version) and ``packages.version`` its number in that post's
history (1, 2, 3 ...). Both null for a package that is a post of its own,
version 1: every package stored before this migration, and every new one
until it is linked. The link travels in the package's manifest, so every
desktop sees the same history.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("packages") as batch:
        batch.add_column(sa.Column("post_id", sa.String(36)))
        batch.add_column(sa.Column("version", sa.Integer()))
        batch.create_index("ix_packages_post_id", ["post_id"])


def downgrade() -> None:
    with op.batch_alter_table("packages") as batch:
        batch.drop_index("ix_packages_post_id")
        batch.drop_column("version")
        batch.drop_column("post_id")
