"""Preview on the compose forms: the text comes back rendered as it will appear, and nothing is sent."""

from __future__ import annotations

import html

import pytest
from flask import g
from sqlalchemy import select

from forum.boards.models import Post
from forum.crisis.models import AlertOutbox
from forum.crisis.services import seed_hotlines
from forum.extensions import db
from forum.moderation.models import QueueItem, UnpostedText
from forum.permissions import Role
from forum.text import render_markdown
from tests.apps import running_app
from tests.factories import PASSWORD, make_board, make_post, make_topic, make_user

BODY = "I made it to **ninety days** today.\n\n<script>alert('x')</script> and *thanks*"
CRISIS = "i cant stop thinking about ending it. i have the rope in my car"
PANEL = "glad you reached out"
PER_MINUTE = 5  # forum.ratelimits.POSTING_LIMIT
EDITS_PER_MINUTE = 10  # forum.ratelimits.EDITING_LIMIT


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(db.func.count()).select_from(model))


def _preview_section(page: str) -> str:
    start = page.index('<section id="preview"')
    return page[start : page.index("</section>", start)]


def _assert_previewed(response, body: str) -> None:
    assert response.status_code == 200
    page = response.text
    section = _preview_section(page)
    # The same renderer and cleaner as a post, and the text still in the box, escaped.
    assert str(render_markdown(body)) in section
    assert "<strong>ninety days</strong>" in section and "<script>" not in page
    assert html.escape(body, quote=False) in page.replace("&#39;", "'")


def _reply_url(topic) -> str:
    return f"/boards/{topic.board.slug}/topics/{topic.id}/reply"


def test_preview_of_a_new_topic_keeps_the_text_and_posts_nothing(client, login, member):
    board = make_board()
    login(member)
    response = client.post(
        f"/boards/{board.slug}/topics/new",
        data={"title": "Ninety days", "body": BODY, "content_note": "mentions drinking", "preview": "1"},
    )
    _assert_previewed(response, BODY)
    section = _preview_section(response.text)
    assert "Ninety days" in section and "mentions drinking" in section
    assert 'value="Ninety days"' in response.text
    assert (_count(Post), _count(UnpostedText), _count(QueueItem)) == (0, 0, 0)


def test_preview_of_a_reply_keeps_the_text_and_posts_nothing(client, login, member):
    topic = make_topic()
    posts_before = _count(Post)
    login(member)
    response = client.post(_reply_url(topic), data={"body": BODY, "anonymous": "y", "preview": "1"})
    _assert_previewed(response, BODY)
    assert 'id="reply"' in response.text and "checked" in response.text
    assert (_count(Post), _count(UnpostedText), _count(QueueItem)) == (posts_before, 0, 0)


def test_preview_of_an_edit_changes_nothing(client, login, member):
    topic = make_topic(author=member, title="Old title", body="the old words")
    post = db.session.scalar(select(Post).where(Post.topic_id == topic.id))
    login(member)
    response = client.post(f"/posts/{post.id}/edit", data={"title": "New title", "body": BODY, "preview": "1"})
    _assert_previewed(response, BODY)
    assert "New title" in _preview_section(response.text)
    db.session.expire_all()
    assert db.session.get(Post, post.id).body == "the old words"
    assert db.session.get(Post, post.id).topic.title == "Old title"


def test_preview_without_a_preview_press_still_posts(client, login, member):
    topic = make_topic()
    login(member)
    response = client.post(_reply_url(topic), data={"body": BODY})
    assert response.status_code == 302
    assert db.session.scalar(select(Post).where(Post.body == BODY)) is not None


def test_a_preview_refused_by_the_form_gives_the_text_back_without_a_preview(client, login, member):
    board = make_board()
    login(member)
    response = client.post(f"/boards/{board.slug}/topics/new", data={"title": "x" * 1000, "body": BODY, "preview": "1"})
    assert response.status_code == 400
    assert 'id="preview"' not in response.text and "ninety days" in response.text
    assert _count(Post) == 0


@pytest.mark.parametrize("form", ["topic", "reply", "edit"])
def test_a_risky_preview_shows_support_but_queues_and_alerts_nothing(client, login, member, form):
    seed_hotlines()
    topic = make_topic()
    post = make_post(topic=topic, author=member, body="fine")
    posts_before = _count(Post)
    url = {
        "topic": f"/boards/{topic.board.slug}/topics/new",
        "reply": _reply_url(topic),
        "edit": f"/posts/{post.id}/edit",
    }[form]
    login(member)
    response = client.post(url, data={"title": "tonight", "body": CRISIS, "preview": "1"})
    assert response.status_code == 200
    assert PANEL in response.text.replace("&#39;", "'") and CRISIS in _preview_section(response.text)
    assert (_count(Post), _count(UnpostedText), _count(QueueItem), _count(AlertOutbox)) == (posts_before, 0, 0, 0)
    db.session.expire_all()
    assert db.session.get(Post, post.id).body == "fine"


@pytest.fixture
def limited_app():
    with running_app({"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}) as app:
        yield app


def _signed_in(app, user):
    g.pop("_login_user", None)
    client = app.test_client()
    response = client.post("/login", data={"pseudonym": user.pseudonym, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _post(client, url, data):
    # The test's app context caches the signed-in user; each request must load its own.
    g.pop("_login_user", None)
    return client.post(url, data=data)


def test_previews_spend_no_posting_allowance(limited_app):
    topic = make_topic()
    client = _signed_in(limited_app, make_user("river"))
    for n in range(PER_MINUTE * 2):
        assert _post(client, _reply_url(topic), {"body": f"draft {n}", "preview": "1"}).status_code == 200
        new = f"/boards/{topic.board.slug}/topics/new"
        assert _post(client, new, {"title": "t", "body": f"draft {n}", "preview": "1"}).status_code == 200
    for n in range(PER_MINUTE):
        assert _post(client, _reply_url(topic), {"body": f"reply {n}"}).status_code == 302
    assert _post(client, _reply_url(topic), {"body": "one too many"}).status_code == 429


def test_previews_spend_no_editing_allowance(limited_app):
    author = make_user("river")
    post = make_post(author=author, body="first words")
    client = _signed_in(limited_app, author)
    url = f"/posts/{post.id}/edit"
    for n in range(EDITS_PER_MINUTE * 2):
        assert _post(client, url, {"body": f"draft {n}", "preview": "1"}).status_code == 200
    for n in range(EDITS_PER_MINUTE):
        assert _post(client, url, {"body": f"edit {n}"}).status_code == 302
    assert _post(client, url, {"body": "one too many"}).status_code == 429


def test_a_risky_preview_sent_back_by_the_form_is_still_not_queued(client, login, member):
    # The form's refusal of a preview isn't a refusal of a post: nothing was sent.
    seed_hotlines()
    board = make_board()
    login(member)
    response = client.post(
        f"/boards/{board.slug}/topics/new", data={"title": "x" * 1000, "body": CRISIS, "preview": "1"}
    )
    assert response.status_code == 400
    assert PANEL in response.text.replace("&#39;", "'") and CRISIS in response.text
    assert (_count(Post), _count(UnpostedText), _count(AlertOutbox)) == (0, 0, 0)


def _message_to(member):
    from forum.moderation import actions, services
    from forum.moderation.models import ItemKind

    moderator = make_user("mod-sam", role=Role.MODERATOR)
    item = services.enqueue(make_post(author=member), ItemKind.CONCERN_CRISIS)
    db.session.commit()
    return actions.message_author(item, moderator, subject="Checking in", body="How are you doing?")


def test_preview_of_a_reply_to_the_moderators_sends_nothing(client, login, member):
    from forum.moderation.models import MessageReply

    message = _message_to(member)
    login(member)
    text = "I'm **ok**, <b>thanks</b>"
    response = client.post(f"/messages/{message.id}/reply", data={"body": text, "preview": "1"})
    assert response.status_code == 200
    # Messages are plain text in their thread, so the preview shows them as plain text too.
    assert html.escape(text, quote=False) in _preview_section(response.text).replace("&#39;", "'")
    assert "<b>" not in response.text
    assert _count(MessageReply) == 0


def test_previews_of_a_reply_to_the_moderators_spend_no_allowance(limited_app):
    member = make_user("river")
    message = _message_to(member)
    client = _signed_in(limited_app, member)
    url = f"/messages/{message.id}/reply"
    for n in range(31):  # the route allows 30 an hour
        assert _post(client, url, {"body": f"draft {n}", "preview": "1"}).status_code == 200
    assert _post(client, url, {"body": "sent"}).status_code == 302


def test_a_risky_preview_of_a_reply_to_the_moderators_shows_support_and_sends_nothing(client, login, member):
    from forum.moderation.models import MessageReply

    seed_hotlines()
    message = _message_to(member)
    login(member)
    response = client.post(f"/messages/{message.id}/reply", data={"body": CRISIS, "preview": "1"})
    assert response.status_code == 200 and PANEL in response.text.replace("&#39;", "'")
    assert (_count(MessageReply), _count(UnpostedText), _count(AlertOutbox)) == (0, 0, 0)
