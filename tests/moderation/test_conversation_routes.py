"""Messages from the moderators over HTTP: reading is opening, replying is a thread staff can see."""

import re

import pytest

from forum.crisis.services import seed_hotlines
from forum.extensions import db
from forum.moderation import actions, services
from forum.moderation.models import ItemKind, MessageReply
from tests.factories import make_post

URGENT_TEXT = "I've saved up my pills and tonight's the night. I want to end it."
BADGE = re.compile(r'Messages <span class="badge">(\d+)')


@pytest.fixture
def message(member, moderator):
    seed_hotlines()
    item = services.enqueue(make_post(author=member, anonymous=True), ItemKind.CONCERN_CRISIS)
    db.session.commit()
    return actions.message_author(
        item, moderator, subject="Checking in", body="How are you doing right now?", crisis_lines=True
    )


def _badge(page: str) -> int:
    match = BADGE.search(page)
    return int(match.group(1)) if match else 0


def test_listing_messages_does_not_mark_them_read(client, login, member, message):
    login(member)
    page = client.get("/messages").text
    assert "Checking in" in page and "How are you doing right now?" in page and ">new<" in page
    assert _badge(client.get("/").text) == 1
    assert actions.unread_count(member) == 1


def test_opening_a_message_marks_it_read_and_the_header_agrees(client, login, member, message):
    login(member)
    page = client.get(f"/messages/{message.id}").text
    assert "How are you doing right now?" in page and "988" in page and "Your reply" in page
    assert _badge(page) == 0 and actions.unread_count(member) == 0


def test_mark_read_button_and_mark_all(client, login, member, moderator, message):
    login(member)
    assert client.post(f"/messages/{message.id}/read").status_code == 302
    assert actions.unread_count(member) == 0
    item = services.open_item_for(message.post)
    actions.message_author(item, moderator, subject="Second", body="Another")
    assert client.post("/messages/read").status_code == 302
    assert actions.unread_count(member) == 0


def test_a_get_cannot_mark_read(client, login, member, message):
    login(member)
    assert client.get(f"/messages/{message.id}/read").status_code == 405
    assert client.get("/messages/read").status_code == 405
    assert actions.unread_count(member) == 1


def test_member_replies_and_moderator_sees_it_in_the_item_and_messages(client, login, member, moderator, message):
    login(member)
    response = client.post(f"/messages/{message.id}/reply", data={"body": "A bit better today, thank you."})
    assert response.status_code == 302
    assert "A bit better today" in client.get(response.location).text
    client.post("/logout")
    login(moderator)
    item = services.open_item_for(message.post)
    item_page = client.get(f"/moderation/items/{item.id}").text
    assert "A bit better today" in item_page and member.pseudonym not in item_page
    queue = client.get("/moderation/").text
    assert "Replies from members" in queue
    listing = client.get("/moderation/messages").text
    assert "Checking in" in listing and "1 new" in listing and member.anonymous_label in listing
    thread = client.get(f"/moderation/messages/{message.id}").text
    assert "A bit better today" in thread and member.pseudonym not in thread
    assert "1 new" not in client.get("/moderation/messages").text
    response = client.post(f"/moderation/messages/{message.id}", data={"body": "Glad to hear it."})
    assert response.status_code == 302
    client.post("/logout")
    login(member)
    assert _badge(client.get("/messages").text) == 1
    assert "Glad to hear it." in client.get(f"/messages/{message.id}").text


def test_flagged_reply_shows_the_support_panel_and_raises_the_item(client, login, member, moderator, message):
    login(member)
    page = client.post(f"/messages/{message.id}/reply", data={"body": URGENT_TEXT}, follow_redirects=True).text
    assert 'class="support-panel"' in page and "988" in page
    assert db.session.scalar(db.select(MessageReply)).crisis_level == "urgent"
    item = services.open_item_for(message.post)
    assert item.kind == ItemKind.URGENT_CRISIS
    client.post("/logout")
    login(moderator)
    page = client.get(f"/moderation/items/{item.id}").text
    assert "was assessed as <strong>urgent</strong>" in page and "flagged: urgent" in page


@pytest.mark.parametrize("body", ["x" * 5001, "\x00\x00"])
def test_refused_reply_comes_back_with_the_members_text(client, login, member, message, body):
    login(member)
    response = client.post(f"/messages/{message.id}/reply", data={"body": body})
    assert response.status_code == 400
    assert "error-message" in response.text
    if body.startswith("x"):
        assert body in response.text
    assert db.session.scalar(db.select(MessageReply)) is None


def test_other_members_and_staff_cannot_open_a_members_message(client, login, other_member, moderator, message):
    for viewer in (other_member, moderator):
        login(viewer)
        assert client.get(f"/messages/{message.id}").status_code == 403
        assert client.post(f"/messages/{message.id}/reply", data={"body": "hi"}).status_code == 403
        client.post("/logout")
    assert client.get("/messages/999999").status_code == 302
    login(other_member)
    assert client.get("/messages/999999").status_code == 404
    assert client.get(f"/moderation/messages/{message.id}").status_code == 403
