"""Alembic environment: runs on the connection the catalog hands over.

The catalog calls ``alembic.command.upgrade`` with ``config.attributes["connection"]``
set, so migrations run in-process at start-up with no alembic.ini.
"""

from __future__ import annotations

from alembic import context

from veripost_desktop.core.catalog.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # `alembic` command line, for developers writing migrations
        from sqlalchemy import create_engine

        url = config.get_main_option("sqlalchemy.url") or "sqlite:///catalog.sqlite3"
        with create_engine(url).connect() as conn:
            _run(conn)
        return
    _run(connection)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place; batch mode copies the table.
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
