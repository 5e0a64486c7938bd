"""The migrations build exactly the schema the models describe, and undo cleanly, on both databases.

SQLite runs on a temporary file. PostgreSQL runs when TEST_DATABASE_URL names a PostgreSQL
server (`.ci/services.sh postgres -- ...`), in a fresh database created for the test and dropped
after it, so the other tests' `create_all` database is never touched.
"""

import logging
import os
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from forum import create_app
from forum.config import PROJECT_ROOT, TestConfig
from forum.extensions import db
from forum.search.models import is_search_index_object
from tests.apps import fresh_postgres_database

MIGRATIONS = PROJECT_ROOT / "migrations"


def _postgres_server() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path: Path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    server = _postgres_server()
    if server is None:
        pytest.skip("TEST_DATABASE_URL does not name a PostgreSQL server")
    with fresh_postgres_database(server, "forum_migrations") as url:
        yield url


@contextmanager
def _logging_kept():
    """Alembic's env.py runs logging.config.fileConfig, which would silence every logger already made."""
    loggers = [lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger)]
    saved = [(lg, lg.disabled, lg.level, list(lg.handlers), lg.propagate) for lg in [logging.root, *loggers]]
    try:
        yield
    finally:
        for lg, disabled, level, handlers, propagate in saved:
            lg.disabled, lg.level, lg.handlers, lg.propagate = disabled, level, handlers, propagate


def _flask_db(url: str, command, *args: str) -> None:
    """`flask db upgrade` or `downgrade`, through Flask-Migrate as the CLI runs it."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url}, config_class=TestConfig)
    with app.app_context(), _logging_kept():
        try:
            command(*args)
        finally:
            db.engine.dispose()


def _include(_object, name, _type, _reflected, _compare_to) -> bool:
    # The search index is built by its own migration on purpose, outside the models.
    return not is_search_index_object(name)


def _drift(url: str) -> list:
    """What autogenerate would put in a new migration: empty when models and migrations agree."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url}, config_class=TestConfig)
    with app.app_context():
        try:
            with db.engine.connect() as connection:
                context = MigrationContext.configure(
                    connection, opts={"include_object": _include, "compare_type": True, "render_as_batch": True}
                )
                return compare_metadata(context, db.metadata)
        finally:
            db.engine.dispose()


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_there_is_one_head():
    scripts = ScriptDirectory.from_config(_alembic_config())
    assert len(scripts.get_heads()) == 1, scripts.get_heads()


def _alembic_config() -> AlembicConfig:
    config = AlembicConfig(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


# migrations/env.py is Flask-Migrate's template, which tries Flask-SQLAlchemy's deprecated get_engine first.
@pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")
def test_upgrade_matches_the_models_and_downgrade_undoes_it(database_url):
    _flask_db(database_url, upgrade)
    assert _drift(database_url) == []
    model_tables = {table.name for table in db.metadata.sorted_tables}
    assert model_tables <= _tables(database_url)

    _flask_db(database_url, downgrade, None, "base")
    assert _tables(database_url) <= {"alembic_version"}

    _flask_db(database_url, upgrade)
    assert _drift(database_url) == []


@pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")
def test_layers_migration_backfills_first_posts_and_merges_open_duplicates(database_url):
    _flask_db(database_url, upgrade, None, "e333e08e103d")
    engine = create_engine(database_url)
    now = datetime(2026, 12, 1, 10)
    rows = [
        (
            "INSERT INTO board (id, slug, name, description, position, topic_count, post_count) "
            "VALUES (1, 'b', 'B', '', 0, 0, 0)",
            {},
        ),
        (
            "INSERT INTO topic (id, board_id, is_anonymous, title, status, created_at, last_activity_at, post_count, "
            "is_pinned, is_announcement, is_locked) VALUES (7, 1, false, 'T', 'visible', :now, :now, 2, false, false, false)",
            {"now": now},
        ),
        *(
            (
                "INSERT INTO post (id, topic_id, is_anonymous, body, status, created_at) "
                "VALUES (:id, 7, false, 'x', 'visible', :now)",
                {"id": post_id, "now": now},
            )
            for post_id in (30, 31)
        ),
        # Two open items for post 31 (the old SELECT-then-INSERT race), and a closed one.
        *(
            (
                "INSERT INTO queue_item (id, post_id, priority, created_at, resolved_at) "
                "VALUES (:id, 31, :priority, :now, :resolved)",
                {"id": item, "priority": priority, "now": now, "resolved": resolved},
            )
            for item, priority, resolved in ((1, 2, None), (2, 0, None), (3, 3, now))
        ),
    ]
    try:
        with engine.begin() as connection:
            for statement, values in rows:
                connection.execute(text(statement), values)
        _flask_db(database_url, upgrade)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT first_post_id FROM topic WHERE id = 7")).scalar_one() == 30
            items = connection.execute(text("SELECT id, priority, resolution FROM queue_item ORDER BY id")).all()
    finally:
        engine.dispose()
    assert [tuple(item) for item in items] == [(1, 0, None), (2, 0, "merged"), (3, 3, None)]
