"""Server-side drafts: a member's unsent reply or topic is back in the form when they return to it."""

from __future__ import annotations

import html
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.accounts import drafts, privacy
from forum.accounts.models import MemberDraft, utcnow
from forum.boards.forms import ReplyForm, TopicForm
from forum.boards.models import Post
from forum.boards.services import MAX_BODY
from forum.extensions import db
from tests.factories import PASSWORD, make_board, make_topic, make_user

TEXT = "Day 12. The cravings came back tonight and I <b>don't</b> know who to tell."


def _reply_url(topic) -> str:
    return f"/boards/{topic.board.slug}/topics/{topic.id}/reply"


def _topic_url(topic) -> str:
    return f"/boards/{topic.board.slug}/topics/{topic.id}"


def _drafts() -> list[MemberDraft]:
    db.session.expire_all()
    return list(db.session.scalars(select(MemberDraft)))


def _box(page: str) -> str:
    return page.split('name="body"', 1)[1].split("</textarea>", 1)[0]


# Services ----------------------------------------------------------------------------------------


def test_a_saved_draft_comes_back_and_an_empty_one_is_discarded(app, member):
    assert drafts.save_member_draft(member, "reply:7", {"body": TEXT, "anonymous": "y", "csrf_token": "x"})
    assert drafts.member_draft(member, "reply:7") == {"body": TEXT, "anonymous": "y"}
    # Saving again replaces it: one draft per member and form, kept by the unique constraint.
    drafts.save_member_draft(member, "reply:7", {"body": "shorter"})
    assert drafts.member_draft(member, "reply:7") == {"body": "shorter"}
    assert len(_drafts()) == 1
    assert not drafts.save_member_draft(member, "reply:7", {"body": "   "})
    assert drafts.member_draft(member, "reply:7") is None and _drafts() == []


def test_drafts_are_private_to_their_member(app, member, other_member):
    drafts.save_member_draft(member, "topic:general", {"title": "Mine", "body": TEXT})
    assert drafts.member_draft(other_member, "topic:general") is None


def test_a_draft_never_holds_more_than_its_form_accepts(app, member):
    drafts.save_member_draft(member, "topic:general", {"title": "t" * 5000, "body": "b" * 100_000, "x": "y"})
    kept = drafts.member_draft(member, "topic:general")
    assert kept == {"title": "t" * 300, "body": "b" * 40_000}


def test_draft_limits_are_the_forms_own(app):
    with app.test_request_context():
        form = TopicForm(meta={"csrf": False})
    for name in ("title", "body", "content_note"):
        (length,) = [v for v in form[name].validators if hasattr(v, "max")]
        assert drafts.DRAFT_FIELD_LIMITS[name] == length.max
    assert drafts.DRAFT_FIELD_LIMITS["body"] == MAX_BODY * 2
    with app.test_request_context():
        reply = ReplyForm(meta={"csrf": False})
    assert [v.max for v in reply.body.validators if hasattr(v, "max")] == [drafts.DRAFT_FIELD_LIMITS["body"]]


@pytest.mark.parametrize("key", ["", "reply:", "reply:0", "reply:x", "topic:", "topic:UPPER", "edit:1", "reply:1 "])
def test_only_reply_and_topic_forms_keep_drafts(app, member, key):
    with pytest.raises(ValueError):
        drafts.save_member_draft(member, key, {"body": TEXT})


def test_a_member_keeps_at_most_fifty_drafts_the_oldest_making_room(app, member):
    for topic_id in range(1, drafts.MAX_DRAFTS_PER_MEMBER + 3):
        drafts.save_member_draft(member, f"reply:{topic_id}", {"body": f"draft {topic_id}"})
    assert len(_drafts()) == drafts.MAX_DRAFTS_PER_MEMBER
    assert drafts.member_draft(member, "reply:1") is None and drafts.member_draft(member, "reply:3") is not None


def test_drafts_are_exported_and_deleted_with_the_account(app, member):
    drafts.save_member_draft(member, "reply:3", {"body": TEXT})
    exported = privacy.export_member_data(member)["drafts"]
    assert exported[0]["form"] == "reply:3" and exported[0]["fields"] == {"body": TEXT}
    json.dumps(exported)
    privacy.delete_account(member, password=PASSWORD, posts=privacy.KEEP_AS_FORMER_MEMBER)
    assert _drafts() == []


def test_a_reply_to_a_topic_hidden_meanwhile_is_kept_as_a_draft(client, login, member):
    topic = make_topic(make_board())
    topic.status = "hidden"
    db.session.commit()
    login(member)
    assert client.post(_reply_url(topic), data={"body": TEXT}).status_code == 404
    assert [d.key for d in _drafts()] == [f"reply:{topic.id}"]


# Through the forms -------------------------------------------------------------------------------


def test_preview_saves_the_reply_as_a_draft_that_comes_back(client, login, member):
    topic = make_topic(make_board())
    login(member)
    client.post(_reply_url(topic), data={"body": TEXT, "preview": "1"})
    page = client.get(_topic_url(topic)).text
    assert html.escape(TEXT, quote=False) in _box(page).replace("&#39;", "'")
    assert "Discard draft" in page


def test_a_refused_topic_is_kept_as_a_draft(client, login, member):
    board = make_board()
    login(member)
    # No title: the service refuses it, and the text must not be lost.
    response = client.post(f"/boards/{board.slug}/topics/new", data={"title": "", "body": TEXT})
    assert response.status_code == 400
    page = client.get(f"/boards/{board.slug}/topics/new").text
    assert html.escape(TEXT, quote=False) in _box(page).replace("&#39;", "'")


def test_a_reply_to_a_locked_topic_is_kept_as_a_draft(client, login, member):
    topic = make_topic(make_board())
    topic.is_locked = True
    db.session.commit()
    login(member)
    response = client.post(_reply_url(topic), data={"body": TEXT})
    assert response.status_code == 400 and "cravings" in response.text
    assert [(d.key, json.loads(d.fields_json)) for d in _drafts()] == [(f"reply:{topic.id}", {"body": TEXT})]


def test_a_suspended_members_reply_is_kept_as_a_draft(client, login, member):
    topic = make_topic(make_board())
    login(member)
    member = db.session.merge(member)
    member.suspended_until = utcnow() + timedelta(days=2)
    db.session.commit()
    response = client.post(_reply_url(topic), data={"body": TEXT, "anonymous": "y"})
    assert response.status_code == 400
    assert [(d.key, json.loads(d.fields_json)) for d in _drafts()] == [
        (f"reply:{topic.id}", {"body": TEXT, "anonymous": "y"})
    ]


def test_posting_discards_the_draft(client, login, member):
    topic = make_topic(make_board())
    login(member)
    client.post(_reply_url(topic), data={"body": TEXT, "preview": "1"})
    assert len(_drafts()) == 1
    assert client.post(_reply_url(topic), data={"body": TEXT}).status_code == 302
    assert _drafts() == []
    assert "Discard draft" not in client.get(_topic_url(topic)).text


def test_discard_draft_button_empties_the_form(client, login, member):
    board = make_board()
    login(member)
    client.post(f"/boards/{board.slug}/topics/new", data={"title": "Hi", "body": TEXT, "preview": "1"})
    page = client.get(f"/boards/{board.slug}/topics/new").text
    assert "Discard draft" in page
    response = client.post(
        f"/account/drafts/discard?next=/boards/{board.slug}/topics/new", data={"draft_key": f"topic:{board.slug}"}
    )
    assert response.status_code == 302 and response.location.endswith(f"/boards/{board.slug}/topics/new")
    page = client.get(f"/boards/{board.slug}/topics/new").text
    assert "cravings" not in page and "Discard draft" not in page


def test_the_script_saves_a_draft_while_the_member_types(client, login, member, other_member):
    topic = make_topic(make_board())
    login(member)
    page = client.get(_topic_url(topic)).text
    assert 'data-draft-url="/account/drafts"' in page and f'name="draft_key" value="reply:{topic.id}"' in page
    assert '<script src="/static/js/drafts.js" defer></script>' in page
    response = client.post("/account/drafts", data={"draft_key": f"reply:{topic.id}", "body": TEXT, "csrf_token": "t"})
    assert response.status_code == 204
    assert html.escape(TEXT, quote=False) in _box(client.get(_topic_url(topic)).text).replace("&#39;", "'")
    # Another member's reply box stays empty.
    client.post("/logout")
    login(other_member)
    assert "cravings" not in client.get(_topic_url(topic)).text


@pytest.mark.parametrize("key", ["", "profile:1", "reply:abc", "x" * 500])
def test_the_draft_endpoint_refuses_other_keys(client, login, member, key):
    login(member)
    assert client.post("/account/drafts", data={"draft_key": key, "body": TEXT}).status_code == 400
    assert _drafts() == []


def test_guests_save_no_drafts(client):
    response = client.post("/account/drafts", data={"draft_key": "reply:1", "body": TEXT})
    assert response.status_code == 302 and "/login" in response.location
    assert _drafts() == []


def test_the_draft_script_is_same_origin_under_the_csp(client, login, member):
    topic = make_topic(make_board())
    login(member)
    response = client.get(_topic_url(topic))
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "<script>" not in response.text
    script = client.get("/static/js/drafts.js")
    assert script.status_code == 200 and "sendBeacon" in script.text
    script.close()


def test_a_quote_does_not_replace_a_draft(client, login, member):
    topic = make_topic(make_board())
    other = make_user("quoted_one")
    from tests.factories import make_post

    quoted = make_post(topic, other, body="quoted words")
    login(member)
    client.post("/account/drafts", data={"draft_key": f"reply:{topic.id}", "body": TEXT})
    box = _box(client.get(f"{_topic_url(topic)}?quote={quoted.id}").text)
    assert "cravings" in box and "quoted words" not in box
    assert db.session.scalar(select(db.func.count()).select_from(Post)) == 2


def test_an_empty_refused_reply_claims_no_draft(client, login, member):
    topic = make_topic(make_board())
    login(member)
    response = client.post(_reply_url(topic), data={"body": "  "})
    assert response.status_code == 400
    assert "Discard draft" not in response.text and _drafts() == []
