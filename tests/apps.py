"""Apps built for one test, torn down so that no connection is left holding a transaction.

On PostgreSQL a session left "idle in transaction" would block the next test's DROP TABLE for ever.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from forum import create_app
from forum.config import TestConfig
from forum.extensions import db


@contextmanager
def running_app(overrides: dict | None = None, config_class=TestConfig) -> Iterator:
    """An app with its tables created, inside its app context; everything is dropped afterwards."""
    app = create_app(overrides, config_class=config_class)
    with app.app_context():
        db.create_all()
        try:
            yield app
        finally:
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


@contextmanager
def fresh_postgres_database(server_url: str, prefix: str) -> Iterator[str]:
    """A new, empty database on the test PostgreSQL server, dropped afterwards; yields its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    # No pool: a test may restart the server in between, which would leave a pooled connection dead.
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
