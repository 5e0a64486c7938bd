"""The posting workflow: one path from a member's text to the moderators, in one direction."""

from __future__ import annotations

from sqlalchemy import select

from forum.boards import services as boards
from forum.crisis.models import CrisisFlag
from forum.crisis.services import flag_missed_post
from forum.extensions import db
from forum.moderation.models import QueueItem
from tests.crisis.test_services import CONCERN_TEXT, URGENT_TEXT
from tests.factories import make_board, make_topic


def test_a_risky_topic_carries_its_level_for_the_support_panel(app, member):
    topic = boards.create_topic(make_board(), member, title="tonight", body=URGENT_TEXT)
    assert topic.support_level == "urgent"


def test_a_calm_reply_carries_no_level(app, member):
    post = boards.create_reply(make_topic(), member, body="Thanks, that helped today.")
    assert post.support_level is None


def test_a_calm_edit_of_a_flagged_post_still_shows_its_author_support(app, member):
    post = boards.create_reply(make_topic(), member, body=CONCERN_TEXT)
    boards.edit_post(post, member, body="Feeling a bit steadier now.")
    assert post.support_level == "concern"


def test_an_urgent_post_reaches_the_moderators_once(app, member):
    topic = boards.create_topic(make_board(), member, title="tonight", body=URGENT_TEXT)
    assert len(db.session.scalars(select(QueueItem)).all()) == 1
    assert len(db.session.scalars(select(CrisisFlag)).all()) == 1
    assert topic.status == "held"


def test_posting_asks_no_flag_after_the_service(client, login, member, count_queries):
    board = make_board()
    login(member)
    with count_queries() as queries:
        response = client.post(f"/boards/{board.slug}/topics/new", data={"title": "tonight", "body": URGENT_TEXT})
    assert response.status_code == 302
    # The workflow records the flag; no page code reads it back (crisis_flag ... ORDER BY id DESC).
    read_back = [s for s in queries.statements if s.lstrip().startswith("SELECT crisis_flag.")]
    assert read_back == []
    with client.session_transaction() as session:
        assert session["show_support"]["level"] == "urgent"


def test_a_moderator_flag_goes_the_same_way(app, member, moderator):
    post = boards.create_reply(make_topic(), member, body="an ordinary day")
    flag = flag_missed_post(post, moderator, level="urgent", note="said goodbye")
    assert flag.feedback == "missed"
    assert db.session.scalar(select(QueueItem.priority).where(QueueItem.post_id == post.id)) is not None
