"""Forms kept through sign-in: a signed-out visitor's text waits here until they return to the form."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from forum.accounts.models import KeptDraft, utcnow
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
