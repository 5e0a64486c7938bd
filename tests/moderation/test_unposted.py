"""Unposted risky texts and kept drafts, as services: no HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.accounts import drafts
from forum.accounts.models import KeptDraft, utcnow
from forum.crisis.detector import Level, assess
from forum.crisis.services import assess_text, keep_unposted_text
from forum.errors import InvalidAction
from forum.extensions import db
from forum.moderation.models import ModerationAction, UnpostedText
from forum.moderation.unposted import author_name, open_unposted, resolve_unposted

CRISIS = "i cant stop thinking about ending it. i have the rope in my car"


def _keep(text: str = CRISIS, author=None, **fields) -> UnpostedText | None:
    values = {"anonymous": False, "kind": "reply", "path": "/boards/b/topics/1/reply", "refusal": "Rate limit"}
    return keep_unposted_text(assess_text(text), text=text, author=author, **{**values, **fields})


def test_a_risky_text_is_kept_and_a_safe_one_is_not(app, member):
    assert _keep("Made it to my meeting today.", member) is None
    kept = _keep(author=member)
    assert kept.level == Level.URGENT.value and kept.text == CRISIS and kept.author_id == member.id
    assert open_unposted() == [kept]


def test_urgent_texts_come_before_concerns_then_oldest_first(app, member, other_member):
    concern = _keep("honestly i want to die lately. no plan, i just can't shake the thought", member)
    urgent = _keep(author=other_member)
    assert assess(concern.text).level == Level.CONCERN
    assert open_unposted() == [urgent, concern]


def test_the_writer_is_shown_as_they_chose(app, member):
    assert author_name(_keep(author=member, anonymous=True)) == member.anonymous_label
    assert author_name(_keep(CRISIS + " again", author=member)) == member.pseudonym
    assert author_name(_keep(CRISIS + " signed out")) == "Author unknown (signed out)"


def test_resolving_closes_the_item_and_logs_it_once(app, member, moderator):
    kept = _keep(author=member)
    resolve_unposted(kept, moderator, note="called them")
    assert open_unposted() == []
    entry = db.session.scalar(select(ModerationAction).where(ModerationAction.action == "resolve_unposted"))
    assert entry.note == f"unposted #{kept.id}: called them" and entry.target_user_id == member.id
    with pytest.raises(InvalidAction):
        resolve_unposted(kept, moderator)


def test_a_draft_comes_back_once_and_only_on_its_page(app):
    token = drafts.keep_draft("/boards/b/topics/1", {"body": "my words", "anonymous": "y"})
    assert drafts.take_draft(token, "/boards/b/topics/2") is None
    assert drafts.take_draft("not-the-token", "/boards/b/topics/1") is None
    assert drafts.take_draft(token, "/boards/b/topics/1") == {"body": "my words", "anonymous": "y"}
    assert drafts.take_draft(token, "/boards/b/topics/1") is None


def test_drafts_expire_after_a_day(app):
    old = drafts.keep_draft("/p", {"body": "old"}, now=utcnow() - timedelta(hours=drafts.DRAFT_HOURS + 1))
    assert drafts.take_draft(old, "/p") is None
    # Keeping a new draft clears out the expired ones; only the token's hash is stored.
    drafts.keep_draft("/p", {"body": "new"}, now=utcnow() - timedelta(hours=drafts.DRAFT_HOURS + 1))
    fresh = drafts.keep_draft("/p", {"body": "new"})
    assert db.session.scalar(select(db.func.count(KeptDraft.id))) == 1
    assert db.session.scalar(select(KeptDraft.token_hash)) != fresh


def test_members_download_their_unposted_texts_and_deleting_the_account_erases_them(app, member):
    from forum.accounts.privacy import KEEP_AS_FORMER_MEMBER, delete_account, export_member_data
    from tests.factories import PASSWORD

    _keep(author=member)
    [record] = export_member_data(member)["unposted_texts"]
    assert record["text"] == CRISIS and record["kind"] == "reply"
    delete_account(member, password=PASSWORD, posts=KEEP_AS_FORMER_MEMBER)
    assert db.session.scalars(select(UnpostedText)).all() == []
