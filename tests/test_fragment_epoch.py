"""Text taken off a page in one worker leaves every other worker's in-process cache too.

Without Redis each gunicorn worker keeps its own fragments. Two apps on one database stand for two
workers: both serve the pages, a change is made through one, and the other's store (looked into
directly, not only its pages) no longer holds the words after its next request of any kind, within
FRAGMENT_EPOCH_SECONDS (0 here). Runs on SQLite (a file both apps open) or on PostgreSQL when
TEST_DATABASE_URL is set (`.ci/services.sh both -- ...`).
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import event

from forum import caches, create_app
from forum.accounts.privacy import REMOVE_POSTS
from forum.accounts.privacy import delete_account as erase_account
from forum.boards import services as boards
from forum.config import TestConfig
from forum.extensions import db
from forum.moderation import actions
from forum.moderation.models import ItemKind
from forum.moderation.queue import enqueue
from forum.permissions import Role
from forum.redis_fragments import RedisFragments
from tests.apps import running_app
from tests.factories import PASSWORD, make_board, make_post, make_topic, make_user

WORDS = "A walk before the phone helps me."
TITLE = "Mornings are the hardest"


@pytest.fixture
def database_url(tmp_path):
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'forum.db'}"


@pytest.fixture
def workers(database_url):
    """(one, other): two apps on one database, each with its own in-process fragment store."""
    overrides = {"SQLALCHEMY_DATABASE_URI": database_url, "FRAGMENT_EPOCH_SECONDS": 0}
    with running_app(overrides) as one:
        other = create_app(overrides, config_class=TestConfig)
        try:
            yield one, other
        finally:
            with other.app_context():
                db.engine.dispose()


@pytest.fixture
def world(workers):
    writer = make_user("river")
    moderator = make_user("sage_mod", role=Role.MODERATOR)
    board = make_board("Dual diagnosis", slug="dual-diagnosis")
    topic = make_topic(board, writer, title=TITLE, body="How do you start the day?")
    reply = make_post(topic, writer, body=WORDS)
    return {"writer": writer, "moderator": moderator, "topic": topic, "reply": reply}


def _pages(world) -> list[str]:
    return ["/boards/dual-diagnosis", f"/boards/dual-diagnosis/topics/{world['topic'].id}"]


def _stored(app) -> list[str]:
    """Every fragment the app's in-process store holds, read from the store itself."""
    store = app.extensions["forum.fragments"]
    assert isinstance(store, caches.MemoryFragments)
    return [html for _digest, html, _at in store._items.values()]


def _hide(world):
    actions.hide_post(enqueue(world["reply"], ItemKind.REPORT), world["moderator"], guideline="kindness", note="x")


CHANGES = {
    "hide": (_hide, WORDS),
    "edit": (lambda w: boards.edit_post(w["reply"], w["writer"], body="A run instead."), WORDS),
    "delete": (lambda w: boards.delete_own_post(w["reply"], w["writer"]), WORDS),
    "erase": (lambda w: erase_account(w["writer"], password=PASSWORD, posts=REMOVE_POSTS), TITLE),
}


@pytest.mark.parametrize("kind", CHANGES)
def test_text_taken_off_in_one_worker_leaves_the_others_store(workers, world, kind):
    one, other = workers
    change, words = CHANGES[kind]
    for app in (one, other):
        for path in _pages(world):
            assert app.test_client().get(path).status_code == 200
        assert any(words in html for html in _stored(app))

    change(world)

    assert not any(words in html for html in _stored(one)), "the worker that made the change forgets at once"
    assert any(words in html for html in _stored(other)), "the other worker learns of it only from the database"
    # Any request at all: the other worker reads the epoch (due at once here) and empties its store.
    assert other.test_client().get("/robots.txt").status_code == 200
    assert not any(words in html for html in _stored(other))
    assert other.extensions["forum.fragments"].bytes == 0
    assert not any(words in key for key in caches.markdown._items)
    # And the pages it serves next are rendered afresh, without the words.
    for path in _pages(world):
        assert words not in other.test_client().get(path).get_data(as_text=True)


def test_the_epoch_is_read_at_most_once_per_interval_not_on_every_request(workers, world):
    _one, other = workers
    watch = other.extensions["forum.erasures"]
    now = [1000.0]
    watch.interval, watch._clock, watch._checked = 1.0, lambda: now[0], now[0]
    reads = []
    with other.app_context():
        engine = db.engine

    def record(_conn, _cursor, statement, *_args):
        if "cache_epoch" in statement:
            reads.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        client = other.test_client()
        for _ in range(3):
            for _ in range(10):
                assert client.get(_pages(world)[1]).status_code == 200
                now[0] += 0.05
            now[0] += 1.0
    finally:
        event.remove(engine, "before_cursor_execute", record)
    # 30 requests in three bursts a second apart: none in the first second (a process starts with
    # its caches empty), then one reading as each later burst begins; the other 28 run no query for it.
    assert len(reads) == 2


def test_an_unreadable_epoch_empties_the_store_rather_than_trusting_it():
    store = caches.MemoryFragments(max_bytes=10_000)
    now = [0.0]
    watch = caches.ErasureWatch(store, interval=1.0, clock=lambda: now[0])
    assert not watch.due()
    now[0] = 1.0
    watch.observe(7)
    store.put("topic:1", "1:en:guest", "d", "words")
    now[0] = 2.0
    watch.observe(7)
    assert len(store) == 1, "an unchanged epoch keeps the store"
    watch.observe(None)
    assert len(store) == 0 and store.bytes == 0


@pytest.mark.skipif(
    not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL is not set (run under .ci/services.sh)"
)
def test_a_shared_redis_store_is_left_to_forget_fragments():
    # Every worker reads the same Redis, where forget_fragments already dropped the groups: a moved
    # epoch empties only this process's own memory, never the shared store.
    store = RedisFragments(os.environ["TEST_REDIS_URL"], prefix=f"epoch-{os.getpid()}:")
    try:
        store.put("topic:1", "1:en:guest", "d", "words")
        watch = caches.ErasureWatch(store, interval=0)
        watch.observe(1)
        watch.observe(2)
        assert store.get("topic:1", "1:en:guest", "d") == "words"
    finally:
        store.clear()
