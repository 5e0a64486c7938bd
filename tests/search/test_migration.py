"""`flask db upgrade` builds the index, fills it from existing posts, and autogenerate leaves it be.

Runs on the test database's engine: a temporary SQLite file, or a fresh database on the
PostgreSQL server named by TEST_DATABASE_URL.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from forum import create_app
from forum.config import PROJECT_ROOT, TestConfig
from forum.extensions import db
from forum.search import services
from tests.apps import fresh_postgres_database
from tests.factories import make_board, make_post, make_topic

BEFORE_SEARCH = "b4145de9fa2e"


@pytest.fixture
def database_url(tmp_path: Path):
    test_url = os.environ.get("TEST_DATABASE_URL", "")
    if not test_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    with fresh_postgres_database(test_url, "forum_search") as url:
        yield url


def _flask_db(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "migration-test"}
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _found(query: str) -> list[int]:
    return [hit.post.id for hit in services.search_posts(query, None, 1).items]


def _old_schema_author():
    """A member written with the columns of that revision (later migrations dropped some NOT NULL ones)."""
    from datetime import UTC, datetime

    from sqlalchemy import text
    from sqlalchemy.orm import load_only

    from forum.accounts.models import User

    db.session.execute(
        text(
            'INSERT INTO "user" (pseudonym, pseudonym_key, password_hash, role, created_at, anonymous_handle,'
            " failed_logins, is_banned, session_version)"
            " VALUES ('old_timer', 'old_timer', 'x', 'member', :now, 'anon-old01', 0, false, 0)"
        ),
        {"now": datetime.now(UTC).replace(tzinfo=None)},
    )
    db.session.commit()
    # Only the columns that revision had: later migrations add more (user.language...).
    columns = load_only(User.id, User.pseudonym, User.pseudonym_key, User.role, User.anonymous_handle)
    return db.session.scalar(db.select(User).options(columns).where(User.pseudonym_key == "old_timer"))


def _old_schema_topic(author):
    """A topic written with the columns of that revision (later ones add topic.first_post_id)."""
    from datetime import UTC, datetime

    from sqlalchemy import text
    from sqlalchemy.orm import load_only

    from forum.boards.models import Topic

    board = make_board()
    db.session.execute(
        text(
            "INSERT INTO topic (board_id, author_id, is_anonymous, title, status, created_at, last_activity_at,"
            " post_count, is_pinned, is_announcement, is_locked)"
            " VALUES (:board, :author, false, 'Written before search', 'visible', :now, :now, 0, false, false, false)"
        ),
        {"board": board.id, "author": author.id, "now": datetime.now(UTC).replace(tzinfo=None)},
    )
    db.session.commit()
    columns = load_only(Topic.id, Topic.board_id, Topic.title, Topic.status, Topic.author_id, Topic.is_anonymous)
    return db.session.scalar(db.select(Topic).options(columns).where(Topic.title == "Written before search"))


def test_upgrade_indexes_existing_posts_and_keeps_up(database_url):
    assert _flask_db(database_url, "upgrade", BEFORE_SEARCH).returncode == 0
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url}, config_class=TestConfig)
    with app.app_context():
        try:
            # Reloading the author after a commit would select columns that revision lacks.
            db.session().expire_on_commit = False
            author = _old_schema_author()
            old = make_post(_old_schema_topic(author), author, body="needle from long ago")
            old_id = old.id
            db.session.remove()

            upgraded = _flask_db(database_url, "upgrade")
            assert upgraded.returncode == 0, upgraded.stderr
            assert _found("needle") == [old_id]
            assert len(_found("written")) == 1

            # Later migrations that rebuild `post` or `topic` (batch mode on SQLite) drop their
            # triggers; these checks fail then, and that migration must create them again.
            new = make_post(make_topic(title="Added after"), body="needle of today")
            assert set(_found("needle")) == {old_id, new.id}
            new.body = "haystack of today"
            db.session.commit()
            assert _found("needle") == [old_id]
            assert _found("haystack") == [new.id]
            new.body = "needle of today"
            db.session.commit()
            new_id = new.id
            db.session.remove()

            check = _flask_db(database_url, "check")
            assert check.returncode == 0, check.stdout + check.stderr

            downgraded = _flask_db(database_url, "downgrade", BEFORE_SEARCH)
            assert downgraded.returncode == 0, downgraded.stderr
            assert _flask_db(database_url, "upgrade").returncode == 0
            assert set(_found("needle")) == {old_id, new_id}
        finally:
            db.session.remove()
            db.engine.dispose()
