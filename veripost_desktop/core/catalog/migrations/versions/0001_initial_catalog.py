"""The first catalog schema: packages and their files.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "packages",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error_code", sa.String(64)),
        sa.Column("error_message", sa.Text()),
        sa.Column("error_detail", sa.Text()),
        sa.Column("file_count", sa.Integer(), nullable=False),
        sa.Column("section_count", sa.Integer()),
        sa.Column("total_bytes", sa.BigInteger(), nullable=False),
        sa.Column("zip_sha256", sa.String(64)),
        sa.Column("source_path", sa.Text(), nullable=False),
        sa.Column("storage_prefix", sa.String(255), nullable=False),
        sa.Column("job_id", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_packages_name", "packages", ["name"])
    op.create_index("ix_packages_status", "packages", ["status"])
    op.create_index("ix_packages_zip_sha256", "packages", ["zip_sha256"])
    op.create_table(
        "package_files",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "package_id",
            sa.String(36),
            sa.ForeignKey("packages.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("extension", sa.String(16), nullable=False),
        sa.Column("object_key", sa.String(512), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("package_id", "filename", name="uq_package_file_name"),
    )
    op.create_index("ix_package_files_package_id", "package_files", ["package_id"])


def downgrade() -> None:
    op.drop_table("package_files")
    op.drop_table("packages")
