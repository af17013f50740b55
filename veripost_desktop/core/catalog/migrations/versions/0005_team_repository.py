"""The catalog as a local index of a shared store (issue 11).

- ``catalog_info``: what the catalog is about, key by key; ``store`` names the
  store its packages live in, so a catalog is never read through another one.
- ``packages.uploaded_by`` / ``uploaded_host``: who stored the package (from
  its manifest for packages other desktops uploaded).
- ``packages.manifest_etag``: the ETag of the package's ``package.json`` as
  this catalog last wrote or read it; null while the package is not published.
  A refresh skips every manifest whose ETag it already holds.
- ``packages.reading_version``: which version of the post reading
  (``catalog.READING_VERSION``) made the package's sections and indexes;
  null for a package whose sources this catalog has not read (one another
  desktop uploaded, or one stored before parsing existed). Packages below the
  current version are read again from storage in the background.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalog_info",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    with op.batch_alter_table("packages") as batch:
        batch.add_column(sa.Column("uploaded_by", sa.String(255)))
        batch.add_column(sa.Column("uploaded_host", sa.String(255)))
        batch.add_column(sa.Column("manifest_etag", sa.String(128)))
        batch.add_column(sa.Column("reading_version", sa.Integer()))


def downgrade() -> None:
    with op.batch_alter_table("packages") as batch:
        batch.drop_column("reading_version")
        batch.drop_column("manifest_etag")
        batch.drop_column("uploaded_host")
        batch.drop_column("uploaded_by")
    op.drop_table("catalog_info")
