"""Drop the index on section names.

Nothing looks sections up by name (they are read per package, by the
package_id index), and keeping a second B-tree of every section name cost
more than half of the time the parsing step holds the write lock: 200
packages of 1,000 sections took 3.7 s of CPU to insert with it, 1.5 s
without (measured in docs/BENCHMARKS.md). A search across posts by section
name would bring it back, or a full-text index.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_package_sections_name", table_name="package_sections")


def downgrade() -> None:
    op.create_index("ix_package_sections_name", "package_sections", ["name"])
