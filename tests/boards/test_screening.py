"""Screen first, always: a risky text reaches the moderators and its author gets support, whatever refuses it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import select

from forum.accounts.models import utcnow
from forum.boards.models import Post
from forum.boards.services import MAX_BODY
from forum.crisis.models import AlertOutbox
from forum.crisis.services import seed_hotlines
from forum.extensions import db
from forum.moderation.models import QueueItem, UnpostedText
from tests.apps import running_app
from tests.factories import PASSWORD, make_board, make_post, make_topic, make_user

CRISIS = "i cant stop thinking about ending it. i have the rope in my car"
SAFE = "Had a good day at group today, thanks all."
PANEL = "glad you reached out"
PER_MINUTE = 5  # forum.ratelimits.POSTING_LIMIT


def _unposted() -> list[UnpostedText]:
    db.session.expire_all()
    return list(db.session.scalars(select(UnpostedText).order_by(UnpostedText.id)))


def _reply_url(topic) -> str:
    return f"/boards/{topic.board.slug}/topics/{topic.id}/reply"


def _topic_url(topic) -> str:
    return f"/boards/{topic.board.slug}/topics/{topic.id}"


def _page_text(response) -> str:
    return response.text.replace("&#39;", "'")


@pytest.fixture
def hotlines(app):
    seed_hotlines()


def test_validation_refusal_of_a_risky_topic_queues_the_text_and_shows_support(client, login, member, hotlines):
    board = make_board()
    login(member)
    response = client.post(f"/boards/{board.slug}/topics/new", data={"title": "", "body": CRISIS, "anonymous": "y"})
    assert response.status_code == 400
    page = _page_text(response)
    assert PANEL in page and CRISIS in page and "Please give your topic a title." in page
    [kept] = _unposted()
    assert (kept.author_id, kept.kind, kept.level, kept.is_anonymous) == (member.id, "topic", "urgent", True)
    assert kept.text == CRISIS and "Please give your topic a title." in kept.refusal
    assert db.session.scalar(select(db.func.count(Post.id))) == 0


def test_a_too_long_risky_reply_is_kept_for_the_moderators(client, login, member, hotlines):
    topic = make_topic()
    login(member)
    body = CRISIS + " " + "x" * MAX_BODY
    response = client.post(_reply_url(topic), data={"body": body})
    assert response.status_code == 400
    assert PANEL in _page_text(response)
    [kept] = _unposted()
    assert kept.kind == "reply" and kept.text.startswith(CRISIS) and "up to 20,000 characters" in kept.refusal


def test_a_risky_reply_to_a_locked_topic_is_kept(client, login, member, hotlines):
    topic = make_topic()
    topic.is_locked = True
    db.session.commit()
    login(member)
    response = client.post(_reply_url(topic), data={"body": CRISIS})
    assert response.status_code == 400
    assert PANEL in _page_text(response)
    [kept] = _unposted()
    assert "locked" in kept.refusal and kept.path == _reply_url(topic)


def test_a_risky_reply_to_a_removed_topic_gets_its_text_back(client, login, member, hotlines):
    topic = make_topic()
    topic.status = "hidden"
    db.session.commit()
    login(member)
    response = client.post(_reply_url(topic), data={"body": CRISIS})
    assert response.status_code == 404
    page = _page_text(response)
    assert PANEL in page and f"{CRISIS}</textarea>" in page and "Nothing was sent" in page
    [kept] = _unposted()
    assert kept.refusal.startswith("Not found")


def test_a_suspended_member_in_crisis_still_reaches_the_moderators(client, login, member, hotlines):
    topic = make_topic()
    login(member)
    member.suspended_until = utcnow() + timedelta(days=3)
    db.session.commit()
    response = client.post(_reply_url(topic), data={"body": CRISIS})
    assert response.status_code == 400
    assert PANEL in _page_text(response) and CRISIS in _page_text(response)
    [kept] = _unposted()
    assert kept.author_id == member.id and "suspended" in kept.refusal


def test_a_refused_risky_edit_and_report_note_are_kept(client, login, member, hotlines):
    own = make_post(author=member)
    other = make_post()
    login(member)
    assert client.post(f"/posts/{own.id}/edit", data={"body": "", "title": CRISIS}).status_code == 400
    note = f"{CRISIS}. sorry to report this"
    response = client.post(f"/posts/{other.id}/report", data={"reason": "", "note": note})
    assert response.status_code == 400
    assert PANEL in _page_text(response) and note in _page_text(response)
    assert [(k.kind, k.text) for k in _unposted()] == [("edit", CRISIS), ("report", note)]


def test_a_risky_report_note_that_is_sent_shows_support(client, login, member, hotlines):
    post = make_post()
    login(member)
    response = client.post(f"/posts/{post.id}/report", data={"reason": "other", "note": CRISIS})
    assert response.status_code == 302
    assert PANEL in _page_text(client.get(response.location, follow_redirects=True))


def test_safe_refused_text_and_accepted_risky_posts_add_no_unposted_item(client, login, member, hotlines):
    topic = make_topic()
    login(member)
    assert client.post(_reply_url(topic), data={"body": ""}).status_code == 400
    assert client.post(f"/boards/{topic.board.slug}/topics/new", data={"title": "", "body": SAFE}).status_code == 400
    assert client.post(_reply_url(topic), data={"body": CRISIS}).status_code == 302
    assert _unposted() == []
    # The accepted one went the ordinary way: a queue item on its post.
    assert db.session.scalar(select(db.func.count(QueueItem.id))) == 1


def test_the_same_words_sent_again_add_no_second_item(client, login, member, hotlines):
    board = make_board()
    login(member)
    for _ in range(3):
        client.post(f"/boards/{board.slug}/topics/new", data={"title": "", "body": CRISIS})
    assert len(_unposted()) == 1


def test_moderators_see_the_unposted_text_and_close_it(client, login, member, moderator, hotlines):
    board = make_board()
    login(member)
    client.post(f"/boards/{board.slug}/topics/new", data={"title": "", "body": CRISIS, "anonymous": "y"})
    client.post("/logout")
    g.pop("_login_user", None)
    login(moderator)
    queue = _page_text(client.get("/moderation/"))
    assert CRISIS in queue and "Urgent: a topic not posted" in queue
    # An anonymous writer shows as their anonymous handle, never their pseudonym.
    assert member.anonymous_label in queue and member.pseudonym not in queue
    [kept] = _unposted()
    response = client.post(f"/moderation/unposted/{kept.id}/resolve", data={"note": "messaged them"})
    assert response.status_code == 302
    assert _unposted()[0].resolved_at is not None
    assert CRISIS not in _page_text(client.get("/moderation/"))


def test_the_queue_badge_counts_unposted_texts(client, login, member, moderator, hotlines):
    from forum.moderation.services import open_counts

    login(member)
    client.post(f"/boards/{make_board().slug}/topics/new", data={"title": "", "body": CRISIS})
    assert open_counts() == (1, 1)


def test_an_unposted_crisis_alerts_the_moderators_without_the_text():
    overrides = {"ALERT_WEBHOOK_URL": "https://alerts.example.org/hook"}
    with running_app(overrides) as app:
        member = make_user("river")
        board = make_board()
        client = app.test_client()
        client.post("/login", data={"pseudonym": member.pseudonym, "password": PASSWORD})
        client.post(f"/boards/{board.slug}/topics/new", data={"title": "", "body": CRISIS})
        [alert] = db.session.scalars(select(AlertOutbox)).all()
        assert "not posted" in alert.subject and "rope" not in alert.body and member.pseudonym not in alert.body


# Signed out, or the form expired ----------------------------------------------------------------


def test_a_reply_sent_after_the_session_ended_comes_back_after_sign_in(client, member, hotlines):
    topic = make_topic()
    response = client.post(_reply_url(topic), data={"body": CRISIS, "content_note": "rope", "anonymous": "y"})
    assert response.status_code == 302 and "/login" in response.location
    [kept] = _unposted()
    assert kept.author_id is None and kept.kind == "reply" and "signed out" in kept.refusal
    login_page = client.get(response.location)
    assert PANEL in _page_text(login_page) and "it will be back in the form" in _page_text(login_page)
    signed_in = client.post(response.location, data={"pseudonym": member.pseudonym, "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in.location == _topic_url(topic)
    g.pop("_login_user", None)
    page = _page_text(client.get(signed_in.location))
    assert f"{CRISIS}</textarea>" in page and 'value="rope"' in page
    assert re.search(r'id="anonymous"[^>]*checked|checked[^>]*id="anonymous"', page)
    # Read once: the draft is gone afterwards.
    g.pop("_login_user", None)
    assert f"{CRISIS}</textarea>" not in _page_text(client.get(signed_in.location))


def test_a_new_topic_sent_while_signed_out_is_kept_even_when_safe(client, member):
    board = make_board()
    response = client.post(f"/boards/{board.slug}/topics/new", data={"title": "My title", "body": SAFE})
    assert response.status_code == 302
    assert _unposted() == []
    client.post(response.location, data={"pseudonym": member.pseudonym, "password": PASSWORD})
    g.pop("_login_user", None)
    page = _page_text(client.get(f"/boards/{board.slug}/topics/new"))
    assert 'value="My title"' in page and f"{SAFE}</textarea>" in page


def test_an_expired_form_gives_the_text_back_and_queues_it():
    with running_app({"WTF_CSRF_ENABLED": True}) as app:
        seed_hotlines()
        member = make_user("river")
        topic = make_topic()
        client = app.test_client()
        # The session (and with it the form's token) is gone: a fresh browser sends the old form.
        response = client.post(_reply_url(topic), data={"csrf_token": "expired", "body": CRISIS})
        assert response.status_code == 400
        page = _page_text(response)
        assert "That request could not be understood" in page
        assert PANEL in page and f"{CRISIS}</textarea>" in page
        assert "Sign in and go back to your message" in page
        [kept] = _unposted()
        assert kept.author_id is None and "expired" in kept.refusal
        # After signing in, the form holds the text again.
        login_url = f"/login?next={_topic_url(topic)}"
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(login_url).text).group(1)
        signed_in = client.post(
            login_url, data={"csrf_token": token, "pseudonym": member.pseudonym, "password": PASSWORD}
        )
        assert signed_in.location == _topic_url(topic)
        g.pop("_login_user", None)
        assert f"{CRISIS}</textarea>" in _page_text(client.get(_topic_url(topic)))


def test_an_expired_form_of_a_signed_in_member_is_queued_under_their_name():
    with running_app({"WTF_CSRF_ENABLED": True}) as app:
        seed_hotlines()
        member = make_user("river")
        topic = make_topic()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = member.get_id()
        response = client.post(_reply_url(topic), data={"csrf_token": "stale", "body": CRISIS})
        assert response.status_code == 400 and PANEL in _page_text(response)
        assert "Back to your message" in response.text
        [kept] = _unposted()
        assert kept.author_id == member.id


def test_signed_out_risky_texts_are_queued_at_most_five_an_hour_per_address():
    with running_app({"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}) as app:
        topic = make_topic()
        client = app.test_client()
        for n in range(8):
            response = client.post(_reply_url(topic), data={"body": f"{CRISIS} ({n})"})
            assert response.status_code == 302
        assert len(_unposted()) == 5


# Rate limits ----------------------------------------------------------------------------------


def test_the_crisis_message_after_five_quick_replies_reaches_the_moderators():
    with running_app({"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}) as app:
        seed_hotlines()
        member = make_user("river")
        topic = make_topic()
        client = app.test_client()
        client.post("/login", data={"pseudonym": member.pseudonym, "password": PASSWORD})
        for n in range(PER_MINUTE):
            g.pop("_login_user", None)
            assert client.post(_reply_url(topic), data={"body": f"quick reply {n}"}).status_code == 302
        g.pop("_login_user", None)
        refused = client.post(_reply_url(topic), data={"body": CRISIS})
        assert refused.status_code == 429
        page = _page_text(refused)
        assert "Slow down a little" in page and PANEL in page and f"{CRISIS}</textarea>" in page
        assert "Back to your message" in page
        [kept] = _unposted()
        assert kept.author_id == member.id and kept.refusal.startswith("Rate limit") and kept.level == "urgent"


def test_a_member_hitting_the_report_limit_in_crisis_is_still_heard():
    with running_app({"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}) as app:
        member = make_user("river")
        posts = [make_post() for _ in range(21)]
        client = app.test_client()
        client.post("/login", data={"pseudonym": member.pseudonym, "password": PASSWORD})
        for post in posts[:20]:
            g.pop("_login_user", None)
            assert client.post(f"/posts/{post.id}/report", data={"reason": "spam"}).status_code == 302
        g.pop("_login_user", None)
        refused = client.post(f"/posts/{posts[20].id}/report", data={"reason": "other", "note": CRISIS})
        assert refused.status_code == 429
        [kept] = _unposted()
        assert kept.kind == "report" and kept.text == CRISIS


def test_a_risky_reply_to_the_moderators_that_is_refused_is_still_heard(client, login, member, moderator, hotlines):
    from forum.moderation.models import ModeratorMessage

    message = ModeratorMessage(recipient=member, sender_id=moderator.id, subject="Checking in", body="How are you?")
    db.session.add(message)
    db.session.commit()
    url = f"/messages/{message.id}/reply"
    # Signed out: kept, queued without a name, and back in the form after sign-in.
    response = client.post(url, data={"body": CRISIS})
    assert response.status_code == 302 and "/login" in response.location
    [kept] = _unposted()
    assert (kept.kind, kept.author_id) == ("message", None)
    client.post(response.location, data={"pseudonym": member.pseudonym, "password": PASSWORD})
    g.pop("_login_user", None)
    assert f"{CRISIS}</textarea>" in _page_text(client.get(f"/messages/{message.id}"))
