"""Alembic environment: run with a connection handed in by ``pipeline.review.db.upgrade``.

Run by hand with ``alembic -x url=postgresql://... upgrade head`` from this folder's
parent is also possible (see docs/REVIEW.md).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from pipeline.review.db import VERSION_TABLE, metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("url") or context.config.get_main_option("sqlalchemy.url")
    with sa.create_engine(url).begin() as own_connection:
        _run(own_connection)
