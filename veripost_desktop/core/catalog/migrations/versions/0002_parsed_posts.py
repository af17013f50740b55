"""What the UPG parser reads: machine, controller, system, post name, per-file
section counts, sections, warnings and library references.

Adds nullable columns and new tables only, so every existing row survives
as it was; packages ingested before this schema show "not parsed".

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _package_fk() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        "package_id",
        sa.String(36),
        sa.ForeignKey("packages.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )


def upgrade() -> None:
    with op.batch_alter_table("packages") as batch:
        batch.add_column(sa.Column("machine", sa.String(255)))
        batch.add_column(sa.Column("controller", sa.String(255)))
        batch.add_column(sa.Column("system", sa.String(64)))
        batch.add_column(sa.Column("post_name", sa.String(255)))
        batch.add_column(sa.Column("post_extension", sa.String(32)))
        batch.add_column(sa.Column("warning_count", sa.Integer()))
    with op.batch_alter_table("package_files") as batch:
        batch.add_column(sa.Column("sections_active", sa.Integer()))
        batch.add_column(sa.Column("sections_calc", sa.Integer()))
        batch.add_column(sa.Column("sections_template", sa.Integer()))
        batch.add_column(sa.Column("sections_commented_out", sa.Integer()))

    op.create_table(
        "package_sections",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _package_fk(),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("name", sa.String(255), nullable=False, index=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("params", sa.Text()),
        sa.Column("first_line", sa.Integer(), nullable=False),
        sa.Column("last_line", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "package_warnings",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _package_fk(),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("filename", sa.String(255)),
        sa.Column("line", sa.Integer()),
    )
    op.create_table(
        "package_library_refs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _package_fk(),
        sa.Column("from_file", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("is_master", sa.Boolean(), nullable=False),
        sa.Column("found", sa.Boolean()),
    )


def downgrade() -> None:
    op.drop_table("package_library_refs")
    op.drop_table("package_warnings")
    op.drop_table("package_sections")
    with op.batch_alter_table("package_files") as batch:
        for col in (
            "sections_active",
            "sections_calc",
            "sections_template",
            "sections_commented_out",
        ):
            batch.drop_column(col)
    with op.batch_alter_table("packages") as batch:
        for col in (
            "machine",
            "controller",
            "system",
            "post_name",
            "post_extension",
            "warning_count",
        ):
            batch.drop_column(col)
