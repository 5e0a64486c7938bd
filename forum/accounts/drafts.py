"""Unsent text kept for its form: a signed-out visitor's until they sign in, a member's as a draft.

A signed-out visitor's form waits behind a token in their session (KeptDraft, 24 hours, read once).
A signed-in member's unsent reply or topic is a MemberDraft, one per member and form, kept until it
is posted or discarded.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from forum.accounts.models import KeptDraft, MemberDraft, User, utcnow
from forum.extensions import db

# Long enough to find a lost password; after that the text is deleted unread.
DRAFT_HOURS = 24


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def keep_draft(path: str, fields: dict[str, str], *, now: datetime | None = None) -> str:
    """Keep a form's fields for the page at `path`; returns the token that takes them back."""
    now = now or utcnow()
    db.session.execute(delete(KeptDraft).where(KeptDraft.created_at < now - timedelta(hours=DRAFT_HOURS)))
    token = secrets.token_urlsafe(24)
    db.session.add(KeptDraft(token_hash=_hash(token), path=path[:500], fields_json=json.dumps(fields), created_at=now))
    db.session.commit()
    return token


def take_draft(token: str, path: str, *, now: datetime | None = None) -> dict[str, str] | None:
    """The fields kept for this page under this token, deleted as they are read; None if none (or expired)."""
    now = now or utcnow()
    draft = db.session.scalar(select(KeptDraft).where(KeptDraft.token_hash == _hash(token)))
    if draft is None or draft.path != path:
        return None
    fields = json.loads(draft.fields_json) if draft.created_at >= now - timedelta(hours=DRAFT_HOURS) else None
    db.session.delete(draft)
    db.session.commit()
    return fields


# A member draft's form: a reply to a topic ("reply:<topic id>") or a new topic on a board ("topic:<slug>").
DRAFT_KEY = re.compile(r"(reply:[1-9][0-9]{0,9}|topic:[a-z0-9-]{1,60})")
# The form fields a draft holds, each cut at its form's own limit (forum/boards/forms.py): a draft
# never holds more than the form would accept.
DRAFT_FIELD_LIMITS = {"title": 300, "body": 40_000, "content_note": 200, "anonymous": 1}
# Enough for every form a member has open; past this the oldest draft makes room.
MAX_DRAFTS_PER_MEMBER = 50


def is_draft_key(key: str) -> bool:
    """Whether `key` names a form that keeps drafts."""
    return DRAFT_KEY.fullmatch(key) is not None


def _draft_fields(fields: dict[str, str]) -> dict[str, str]:
    kept = {}
    for name, limit in DRAFT_FIELD_LIMITS.items():
        value = fields.get(name) or ""
        if value.strip():
            kept[name] = value[:limit] if name != "anonymous" else "y"
    return kept


def _upsert(user_id: int, key: str, fields_json: str, now: datetime):
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(MemberDraft).values(user_id=user_id, key=key, fields_json=fields_json, updated_at=now)
    return statement.on_conflict_do_update(
        index_elements=["user_id", "key"], set_={"fields_json": fields_json, "updated_at": now}
    )


def save_member_draft(user: User, key: str, fields: dict[str, str], *, now: datetime | None = None) -> bool:
    """Keep a member's unsent form for the form `key`; an empty form discards it. True when a draft is kept.

    Raises ValueError for a key that names no drafting form.
    """
    if not is_draft_key(key):
        raise ValueError(f"not a draft key: {key!r}")
    kept = _draft_fields(fields)
    if not any(kept.get(name) for name in ("title", "body", "content_note")):
        discard_member_draft(user, key)
        return False
    db.session.execute(_upsert(user.id, key, json.dumps(kept), now or utcnow()))
    count = db.session.scalar(select(func.count()).select_from(MemberDraft).where(MemberDraft.user_id == user.id))
    if count > MAX_DRAFTS_PER_MEMBER:
        oldest = (
            select(MemberDraft.id)
            .where(MemberDraft.user_id == user.id)
            .order_by(MemberDraft.updated_at, MemberDraft.id)
            .limit(count - MAX_DRAFTS_PER_MEMBER)
        )
        db.session.execute(delete(MemberDraft).where(MemberDraft.id.in_(oldest.scalar_subquery())))
    db.session.commit()
    return True


def member_draft(user: User, key: str) -> dict[str, str] | None:
    """The member's draft for the form `key`, or None."""
    fields_json = db.session.scalar(
        select(MemberDraft.fields_json).where(MemberDraft.user_id == user.id, MemberDraft.key == key)
    )
    return json.loads(fields_json) if fields_json is not None else None


def discard_member_draft(user: User, key: str) -> None:
    """Delete the member's draft for the form `key`, if there is one."""
    delete_member_draft(user.id, key)
    db.session.commit()


def delete_member_draft(user_id: int, key: str) -> None:
    """Delete the member's draft for the form `key` in the caller's transaction, which commits it."""
    db.session.execute(delete(MemberDraft).where(MemberDraft.user_id == user_id, MemberDraft.key == key))


def export_member_drafts(user: User) -> list[dict]:
    """A member's drafts for their data export."""
    rows = db.session.scalars(select(MemberDraft).where(MemberDraft.user_id == user.id).order_by(MemberDraft.id))
    return [
        {"form": row.key, "fields": json.loads(row.fields_json), "updated_at": row.updated_at.isoformat() + "Z"}
        for row in rows
    ]
