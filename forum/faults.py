"""When the database fails: reads retry once, and a write probe for `/healthz`.

The error page a failed write gets (with the member's text) is in `forum/errors.py`.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, g, request, session
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from forum.extensions import db
from forum.urls import ForumMap

log = logging.getLogger(__name__)

# A read that lost its connection waits for the database to answer again, up to this long, then runs
# once more: a PostgreSQL restart takes one to two seconds, and a member will wait a few.
READ_RETRY_WAIT_SECONDS = 3.0
# How often it asks meanwhile.
READ_RETRY_POLL_SECONDS = 0.2
_READ_METHODS = frozenset({"GET", "HEAD"})


def is_connection_lost(error: BaseException) -> bool:
    """Whether the database dropped or refused the connection (a restart, a proxy, a full disk)."""
    return isinstance(error, OperationalError) or (isinstance(error, DBAPIError) and error.connection_invalidated)


class ForumFlask(Flask):
    """Flask, with a page read retried once when the database connection is lost under it."""

    url_map_class = ForumMap

    def preprocess_request(self):
        return self._once_more_for_reads(super().preprocess_request)

    def dispatch_request(self):
        return self._once_more_for_reads(super().dispatch_request)

    def _once_more_for_reads(self, step):
        if request.method not in _READ_METHODS or g.get("_read_retried"):
            return step()
        # What the page may take from the session (the crisis panel's flag) is put back for the retry.
        saved = dict(session)
        try:
            return step()
        except DBAPIError as error:
            if not is_connection_lost(error):
                raise
            g._read_retried = True
            log.warning("database connection lost during a read (%s); retrying once", type(error.orig).__name__)
            # A fresh session: the old one's connection is gone. The member flask-login loaded with it
            # is loaded again, since the old object can no longer refresh itself.
            close_session()
            g.pop("_login_user", None)
            session.clear()
            session.update(saved)
            _wait_for_database(READ_RETRY_WAIT_SECONDS)
            return step()


def _wait_for_database(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(READ_RETRY_POLL_SECONDS)
        try:
            with db.engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
            return
        except DBAPIError:
            continue


def close_session(_error: BaseException | None = None) -> None:
    """End the request's session even when the server dropped its connection after the page was built.

    Closing rolls back, and a rollback on a connection the server just closed raises; at teardown
    that would turn a finished page into a 500. Registered after Flask-SQLAlchemy's, so it runs first.
    """
    try:
        db.session.remove()
    except DBAPIError as error:
        log.warning("database connection lost while closing a session (%s)", type(error.orig).__name__)
        db.session().invalidate()
        db.session.registry.clear()


def database_writable() -> bool:
    """Whether the database accepts a write; rolled back, so nothing is kept. Raises on SQLAlchemy errors."""
    if db.engine.dialect.name != "sqlite":
        # A server database that answers SELECT takes writes unless it was made read-only on purpose.
        return db.session.scalar(text("SHOW transaction_read_only")) == "off"
    # A new table needs a page: this fails on a read-only file and on a full one (max_page_count or disk).
    # DDL is transactional in SQLite; the explicit BEGIN keeps the driver from committing it.
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("BEGIN")
        try:
            cursor.execute("CREATE TABLE healthz_write_probe (x INTEGER)")
        except db.engine.dialect.dbapi.OperationalError as error:
            log.error("health check: the database refuses writes (%s)", error)
            return False
        finally:
            raw.rollback()
        return True
    finally:
        raw.close()
