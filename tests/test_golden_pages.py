"""Golden pages: the index, a board and a topic, as six kinds of viewer see them, byte for byte.

A fixed world (fixed ids, dates, handles) is rendered and compared with the files in tests/golden/,
so a speed-up or a refactor proves it changed nothing a reader sees. After an intended change,
regenerate them with `UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden_pages.py` and
read the diff before committing it.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import g

from forum.boards.counts import recount_board, recount_topic
from forum.boards.models import Post, PostStatus, Reaction
from forum.crisis.models import CrisisFlag
from forum.extensions import db
from forum.permissions import Role
from tests.apps import running_app
from tests.factories import make_board, make_post, make_topic, make_user

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
T0 = datetime(2026, 11, 2, 9, 30)
VIEWERS = ("guest", "member", "anonymous_author", "newcomer", "moderator", "admin")
PAGES = {"index": "/", "board": "/boards/dual-diagnosis", "topic": "/boards/dual-diagnosis/topics/1"}


def _at(minutes: int) -> dict:
    return {"created_at": T0 + timedelta(minutes=minutes)}


def _world() -> dict:
    """Two boards, two topics (one anonymous), replies of every kind: named, anonymous, staff, held, flagged."""
    users = {
        "member": make_user("river", anonymous_handle="a11111", **_at(-9000)),
        "anonymous_author": make_user("ana", anonymous_handle="a22222", **_at(-8000)),
        "newcomer": make_user("new_leaf", anonymous_handle="a33333", **_at(-10)),
        "moderator": make_user("sage_mod", role=Role.MODERATOR, anonymous_handle="a44444", **_at(-7000)),
        "admin": make_user("oak_admin", role=Role.ADMIN, anonymous_handle="a55555", **_at(-6000)),
    }
    board = make_board("Dual diagnosis", slug="dual-diagnosis", description="Both at once.")
    make_board("Stigma", slug="stigma", description="Labels and shame.")
    first = make_topic(board, users["member"], title="Mornings are the hardest", body="How do you start the day?")
    ana, mod = users["anonymous_author"], users["moderator"]
    replies = [
        make_post(first, ana, body="A walk, **before** the phone.", anonymous=True, **_at(5)),
        make_post(first, mod, body="Welcome, both. Small steps count.", **_at(9)),
        make_post(first, users["newcomer"], body="My first post here.", status=PostStatus.HELD, **_at(12)),
        make_post(first, users["member"], body="Some days I can't see the point.", content_note="low mood", **_at(20)),
    ]
    second = make_topic(board, ana, title="Telling family", body="Did you tell them?", anonymous=True)
    make_post(second, users["member"], body="Only my sister, so far.", **_at(40))
    for minutes, topic in ((0, first), (30, second)):
        topic.created_at = T0 + timedelta(minutes=minutes)
        db.session.get(Post, topic.first_post_id).created_at = T0 + timedelta(minutes=minutes)
    db.session.add(CrisisFlag(post=replies[3], level="concern", matches_json="[]", reason="golden", **_at(21)))
    db.session.add_all(
        [Reaction(post_id=replies[0].id, user_id=users["member"].id, kind=kind) for kind in ("thanks", "me_too")]
    )
    for topic in (first, second):
        recount_topic(topic.id)
    recount_board(board.id)
    db.session.commit()
    return users


@pytest.fixture(scope="module")
def pages():
    """Every page for every viewer, rendered once on one world."""
    rendered = {}
    with running_app({"HOLD_FIRST_POSTS": 1}) as app:
        users = _world()
        ids = {name: user.get_id() for name, user in users.items()}
        for viewer in VIEWERS:
            client = app.test_client()
            if viewer != "guest":
                with client.session_transaction() as session:
                    session["_user_id"] = ids[viewer]
            for page, path in PAGES.items():
                g.pop("_login_user", None)
                response = client.get(path)
                assert response.status_code == 200, (viewer, page, response.status_code)
                rendered[(viewer, page)] = response.get_data()
                # Again, with the fragment cache warm (forum/caches.py): the same bytes.
                g.pop("_login_user", None)
                rendered[(viewer, page, "warm")] = client.get(path).get_data()
    return rendered


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_page_matches_its_golden_file(pages, viewer, page):
    html = pages[(viewer, page)]
    golden = GOLDEN / f"{page}-{viewer}.html"
    if UPDATE:
        golden.write_bytes(html)
    assert golden.exists(), f"{golden.name} is missing: run with UPDATE_GOLDEN=1"
    assert html == golden.read_bytes(), f"{golden.name} changed; if on purpose, regenerate with UPDATE_GOLDEN=1"


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_warm_page_reads_as_the_cold_one(pages, viewer, page):
    assert pages[(viewer, page, "warm")] == pages[(viewer, page)]


def test_the_pages_differ_by_viewer_and_never_name_the_anonymous_author(pages):
    assert len({pages[(viewer, "topic")] for viewer in VIEWERS}) == len(VIEWERS)
    for viewer in ("guest", "member", "newcomer"):
        topic = pages[(viewer, "topic")].decode()
        assert "Anonymous member" in topic
        assert "/members/ana" not in topic and ">ana<" not in topic and "a22222" not in topic
