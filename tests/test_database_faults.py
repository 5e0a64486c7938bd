"""A database that refuses writes (read-only or full SQLite file) costs no member their text.

The file is made read-only with SQLite's own `query_only` switch and full with `max_page_count`:
tests run as root, where a chmod would not stop a write.
"""

import pytest
from sqlalchemy import event, func, select

from forum.boards.models import Post
from forum.extensions import db
from tests.apps import running_app
from tests.factories import make_board, make_post, make_topic, make_user

LONG_BODY = "Day 41 sober and the evenings are the hardest part. " * 120  # overflows one page


def _pragma_for(how: str):
    def _pragma(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        if how == "read-only":
            cursor.execute("PRAGMA query_only = ON")
        else:
            pages = cursor.execute("PRAGMA page_count").fetchone()[0]
            cursor.execute(f"PRAGMA max_page_count = {pages}")
        cursor.close()

    return _pragma


@pytest.fixture
def file_app(tmp_path):
    with running_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'forum.db'}"}) as app:
        yield app


@pytest.fixture
def refuse_writes(file_app):
    """From the next connection on, SQLite itself refuses writes, as on a read-only mount or a full disk."""
    listeners = []

    def refuse(how: str) -> None:
        listeners.append(_pragma_for(how))
        event.listen(db.engine, "connect", listeners[-1])
        db.session.remove()
        db.engine.dispose()

    yield refuse
    for listener in listeners:
        event.remove(db.engine, "connect", listener)
    db.session.remove()
    db.engine.dispose()


@pytest.fixture
def world(file_app):
    board = make_board(name="Evenings")
    author = make_user("river")
    topic = make_topic(board, author, title="Evenings")
    # Something for the signed-in member's header to count, so the page queries as it would in use.
    make_post(topic, make_user("meadow"))
    client = file_app.test_client()
    client.post("/login", data={"pseudonym": "river", "password": "correct horse battery"})
    return client, f"/boards/{board.slug}/topics/{topic.id}"


@pytest.mark.parametrize("how", ["read-only", "full"])
def test_a_reply_the_database_refuses_gets_the_forum_page_with_the_text(world, refuse_writes, how):
    client, topic_url = world
    refuse_writes(how)

    response = client.post(f"{topic_url}/reply", data={"body": LONG_BODY})

    assert response.status_code == 503
    assert "Werkzeug" not in response.text and "Internal Server Error" not in response.text
    assert "Dual Recovery Forum" in response.text and "Get help now" in response.text
    assert LONG_BODY.strip() in response.text  # in a textarea the member can copy from
    assert response.headers["Cache-Control"] == "private, no-store"
    # Reading goes on as before, header and all.
    page = client.get(topic_url)
    assert page.status_code == 200 and "river" in page.text


@pytest.mark.parametrize("how", ["read-only", "full"])
def test_a_new_topic_the_database_refuses_keeps_title_and_body(world, refuse_writes, how):
    client, topic_url = world
    refuse_writes(how)

    response = client.post(topic_url.rsplit("/", 1)[0] + "/new", data={"title": "Forty-one days", "body": LONG_BODY})

    assert response.status_code == 503
    assert "Forty-one days" in response.text and LONG_BODY.strip() in response.text
    db.session.remove()
    assert db.session.scalar(select(func.count(Post.id))) == 2


@pytest.mark.parametrize("how", ["read-only", "full"])
def test_healthz_reports_a_database_that_cannot_be_written(file_app, refuse_writes, how):
    client = file_app.test_client()
    assert client.get("/healthz").json["status"] == "ok"
    refuse_writes(how)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": "read-only", "alert_backlog": 0}


def test_the_healthz_write_probe_leaves_nothing_behind(file_app):
    client = file_app.test_client()
    for _ in range(2):
        assert file_app.test_client().get("/healthz").status_code == 200
    tables = db.session.scalars(select(db.text("name")).select_from(db.text("sqlite_master"))).all()
    assert "healthz_write_probe" not in tables
    assert client.get("/").status_code == 200
