"""A reply is one transaction: the post, its counters, notifications and the discarded draft commit together."""

from __future__ import annotations

from flask import g
from sqlalchemy import event, select

from forum.accounts.models import MemberDraft
from forum.extensions import db
from tests.factories import make_topic

# What a reply with a saved draft runs through the real route here (bench/reply_statements.py lists a seeded
# forum's): the member, the topic, the post, the watch, two counters, watchers, mutes, the draft, then the
# post read back for the redirect. Before the draft was folded in: 11, in two transactions.
REPLY_STATEMENTS = 10


def _post(client, url, data):
    # The test's app context caches the signed-in user; each request must load its own.
    g.pop("_login_user", None)
    return client.post(url, data=data)


def test_a_reply_deletes_its_draft_in_its_own_single_transaction(client, login, member, other_member, count_queries):
    topic = make_topic(author=other_member)
    url = f"/boards/{topic.board.slug}/topics/{topic.id}/reply"
    login(member)
    assert _post(client, url, {"body": "Half a thought", "preview": "1"}).status_code == 200
    assert db.session.scalar(select(MemberDraft).where(MemberDraft.user_id == member.id)) is not None
    commits = []
    listener = lambda _conn: commits.append(1)  # noqa: E731
    event.listen(db.engine, "commit", listener)
    try:
        with count_queries() as counter:
            response = _post(client, url, {"body": "Thank you, this helps.", "content_note": ""})
    finally:
        event.remove(db.engine, "commit", listener)
    assert response.status_code == 302
    assert len(commits) == 1
    assert counter.count == REPLY_STATEMENTS, "\n".join(counter.statements)
    db.session.expire_all()
    assert db.session.scalar(select(MemberDraft).where(MemberDraft.user_id == member.id)) is None


def test_a_refused_reply_keeps_the_draft(client, login, member, other_member):
    topic = make_topic(author=other_member, is_locked=True)
    url = f"/boards/{topic.board.slug}/topics/{topic.id}/reply"
    login(member)
    assert _post(client, url, {"body": "Still here for you"}).status_code in (400, 403)
    db.session.expire_all()
    draft = db.session.scalar(select(MemberDraft).where(MemberDraft.user_id == member.id))
    assert draft is not None and "Still here for you" in draft.fields_json
