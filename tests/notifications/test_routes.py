"""Notifications over HTTP: the header count, the list, reading, Watch / Mute, and what each costs."""

import re

import pytest
from flask import g

from forum.accounts.models import User
from forum.boards import counts
from forum.boards import services as boards
from forum.boards.models import PostStatus, Topic
from forum.extensions import db
from forum.notifications import services
from forum.notifications.models import Notification
from tests.factories import make_board, make_user


@pytest.fixture
def topic(member):
    return boards.create_topic(make_board(), member, title="Sleep and meds", body="Anyone else awake?")


def _header(page: str) -> str:
    return re.search(r'<a href="/notifications" class="notifications-link">(.*?)</a>', page, re.S).group(1)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_header_counts_unread_and_the_list_get_reads_nothing(client, login, member, other_member, topic):
    reply = boards.create_reply(topic, other_member, body="Me, most nights.")
    boards.react(db.session.get(type(reply), reply.id - 1), other_member, "metoo")
    login(member)
    page = client.get("/").text
    assert _text(_header(page)) == "Notifications 1 unread"
    listing = client.get("/notifications").text
    assert "meadow replied in “Sleep and meds”" in listing and "Someone reacted “Me too”" in listing
    # Looking at the list reads nothing.
    assert _text(_header(client.get("/notifications").text)) == "Notifications 1 unread"


def test_guests_have_no_notifications_link_and_are_sent_to_sign_in(client):
    assert "notifications-link" not in client.get("/").text
    response = client.get("/notifications")
    assert response.status_code == 302 and "/login" in response.location


def test_opening_a_notification_goes_to_the_post_and_marks_it_read(client, login, member, other_member, topic):
    reply = boards.create_reply(topic, other_member, body="Me, most nights.")
    [group] = services.notifications_for(member).new
    login(member)
    response = client.get(f"/notifications/{group.first.id}")
    assert response.status_code == 302 and response.location.endswith(f"/posts/{reply.id}")
    assert _text(_header(client.get("/").text)) == "Notifications"
    assert "Nothing new" in client.get("/notifications").text


def test_mark_read_and_mark_all_read_are_posts(client, login, member, other_member, topic):
    boards.create_reply(topic, other_member, body="One")
    second = boards.create_topic(make_board(), member, title="Another", body="Second topic")
    boards.create_reply(second, other_member, body="Two")
    login(member)
    assert _text(_header(client.get("/").text)) == "Notifications 2 unread"
    newest = services.notifications_for(member).new[0].newest
    assert client.post(f"/notifications/{newest.id}/read").status_code == 302
    assert _text(_header(client.get("/").text)) == "Notifications 1 unread"
    assert client.post("/notifications/read", follow_redirects=True).status_code == 200
    assert _text(_header(client.get("/").text)) == "Notifications"
    assert client.get("/notifications/read").status_code == 405


def test_others_notifications_are_refused_and_unknown_ones_not_found(client, login, member, other_member, topic):
    boards.create_reply(topic, other_member, body="One")
    [group] = services.notifications_for(member).new
    login(other_member)
    assert client.get(f"/notifications/{group.first.id}").status_code == 403
    assert client.post(f"/notifications/{group.first.id}/read").status_code == 403
    assert client.get("/notifications/99999999999999").status_code == 404
    assert services.unread_count(member) == 1


def test_notification_of_a_hidden_post_says_so_instead_of_failing(client, login, member, other_member, topic):
    reply = boards.create_reply(topic, other_member, body="One")
    [group] = services.notifications_for(member).new
    counts.set_post_status(reply, PostStatus.HIDDEN.value)
    db.session.commit()
    login(member)
    page = client.get(f"/notifications/{group.first.id}", follow_redirects=True)
    assert page.status_code == 200 and "removed or hidden" in page.text


def test_watch_and_mute_buttons_work_without_javascript(client, login, member, other_member, topic):
    third = make_user("third")
    login(third)
    url = f"/boards/{topic.board.slug}/topics/{topic.id}"
    page = client.get(url).text
    assert 'value="watching"' in page and 'value="muted"' in page
    assert client.post(f"/topics/{topic.id}/watch", data={"level": "watching"}).status_code == 302
    assert "You're watching this topic" in client.get(url).text
    boards.create_reply(topic, other_member, body="Hello")
    assert services.unread_count(third) == 1
    client.post(f"/topics/{topic.id}/watch", data={"level": "muted"})
    # Showing the topic read the reply's notification; the muted topic adds none, not even a mention.
    assert "Muted: this topic never notifies you" in client.get(url).text
    assert services.unread_count(third) == 0
    boards.create_reply(topic, other_member, body="Hello again @third")
    assert services.unread_count(third) == 0
    # Anything else a browser can send is refused, never a server error.
    assert client.post(f"/topics/{topic.id}/watch", data={"level": "loud"}).status_code == 400
    assert client.post("/topics/99999999999/watch", data={"level": "muted"}).status_code == 404


def test_header_count_costs_no_query_of_its_own(client, login, member, other_member, topic, count_queries):
    login(member)
    topic_id, replier_id = topic.id, other_member.id

    def page_queries():
        # A real request loads its member from the session: forget the one the test client's `g` keeps.
        g.pop("_login_user", None)
        db.session.expunge_all()
        with count_queries() as counter:
            page = client.get("/")
        assert page.status_code == 200
        return counter.statements, page.text

    before, _ = page_queries()
    for body in ("One", "Two", "Three"):
        boards.create_reply(db.session.get(Topic, topic_id), db.session.get(User, replier_id), body=body)
    after, page = page_queries()
    assert _text(_header(page)) == "Notifications 1 unread"
    assert len(after) == len(before)
    # The count rides on the statement that loads the member: no statement reads notifications alone.
    reading = [s for s in after if "notification" in s]
    assert len(reading) == 1 and re.search(r'FROM "?user"?', reading[0])


def test_watch_buttons_cost_the_topic_page_no_query(client, login, member, topic, count_queries):
    login(member)
    url = f"/boards/{topic.board.slug}/topics/{topic.id}"
    db.session.expunge_all()
    with count_queries() as counter:
        page = client.get(url).text
    assert "You're watching this topic" in page
    # The choice is read by the statement that loads the topic, not by one of its own.
    watch = [s for s in counter.statements if "topic_watch" in s]
    assert len(watch) == 1 and re.search(r"FROM topic\b", watch[0].split("topic_watch", 1)[1])


def test_a_long_backlog_shows_as_99_plus(client, login, member):
    db.session.add_all(Notification(user_id=member.id, kind="report_outcome", group_key=f"r{i}") for i in range(1, 601))
    db.session.commit()
    login(member)
    assert _text(_header(client.get("/").text)) == "Notifications 99+ unread"
