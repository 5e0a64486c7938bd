"""Apps built for one test, torn down so that no connection is left holding a transaction.

On PostgreSQL a session left "idle in transaction" would block the next test's DROP TABLE for ever.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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
