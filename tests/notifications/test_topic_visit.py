"""Visiting a topic reads the member's notifications about the posts it shows, at the cost of one UPDATE."""

import pytest
from flask import g
from sqlalchemy import select

from forum.accounts.models import User
from forum.boards import reading
from forum.boards import services as boards
from forum.boards.models import Post, Topic
from forum.extensions import db
from forum.notifications import services
from forum.notifications.models import Notification
from tests.factories import make_board


@pytest.fixture
def topic(member):
    return boards.create_topic(make_board(), member, title="Sleep and meds", body="Anyone else awake?")


def _unread(user_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(Notification.post_id).where(Notification.user_id == user_id, Notification.read_at.is_(None))
        )
    )


def test_showing_a_page_reads_only_the_notifications_of_its_posts(app, member, other_member, topic):
    app.config["POSTS_PER_PAGE"] = 2
    first = boards.create_reply(topic, other_member, body="Me, most nights.")
    second = boards.create_reply(topic, other_member, body="And me.")
    elsewhere = boards.create_topic(topic.board, member, title="Another", body="Hello")
    there = boards.create_reply(elsewhere, other_member, body="Hi there")
    page = boards.topic_posts(topic, member, 1)
    assert page.notified == (first.id,)
    assert reading.mark_topic_read(member, topic.id, shown=page.items, known=page.read_up_to, notified=page.notified)
    # The reply on page 2 and the other topic's stay unread until they are shown.
    assert sorted(_unread(member.id)) == sorted([second.id, there.id])
    page = boards.topic_posts(topic, member, 2)
    assert page.notified == (second.id,)
    reading.mark_topic_read(member, topic.id, shown=page.items, known=page.read_up_to, notified=page.notified)
    assert _unread(member.id) == [there.id]


def test_a_reaction_to_a_post_already_read_is_read_on_the_next_visit(member, other_member, topic):
    page = boards.topic_posts(topic, member, 1)
    reading.mark_topic_read(member, topic.id, shown=page.items, known=page.read_up_to, notified=page.notified)
    boards.react(db.session.get(Post, page.items[0].id), other_member, "metoo")
    page = boards.topic_posts(topic, member, 1)
    assert page.notified == (page.items[0].id,)
    # The place did not move, yet the notification is read.
    assert not reading.mark_topic_read(
        member, topic.id, shown=page.items, known=page.read_up_to, notified=page.notified
    )
    assert services.unread_count(member) == 0


def test_visiting_the_topic_clears_the_header_count(client, login, member, other_member, topic):
    boards.create_reply(topic, other_member, body="Me, most nights.")
    url = f"/boards/{topic.board.slug}/topics/{topic.id}"
    login(member)
    assert services.unread_count(member) == 1
    assert client.get(url).status_code == 200
    assert services.unread_count(db.session.get(User, member.id)) == 0
    # A guest's visit writes nothing and changes nobody's count.
    boards.create_reply(db.session.get(Topic, topic.id), db.session.get(User, other_member.id), body="Again")
    client.post("/logout")
    assert client.get(url).status_code == 200
    assert services.unread_count(db.session.get(User, member.id)) == 1


def test_topic_page_adds_one_update_only_when_it_has_unread_notifications(
    client, login, member, other_member, topic, count_queries
):
    url = f"/boards/{topic.board.slug}/topics/{topic.id}"
    topic_id, member_id, other_id = topic.id, member.id, other_member.id
    login(member)

    def visit():
        g.pop("_login_user", None)
        db.session.expunge_all()
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.statements

    def writes(statements):
        return [
            s.lstrip().split()[0].upper() for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))
        ]

    visit()
    quiet = visit()
    assert writes(quiet) == []
    opening = db.session.scalar(select(Post).where(Post.topic_id == topic_id))
    boards.react(opening, db.session.get(User, other_id), "thanks")
    notified = visit()
    # The place did not move: the only write is the one UPDATE of the notification.
    assert writes(notified) == ["UPDATE"]
    assert len(notified) == len(quiet) + 1
    assert writes(visit()) == []
    boards.create_reply(db.session.get(Topic, topic_id), db.session.get(User, other_id), body="Me too.")
    assert writes(visit()) == ["INSERT", "UPDATE"]
    assert services.unread_count(db.session.get(User, member_id)) == 0
