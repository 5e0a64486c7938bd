"""Risky texts that were never posted: kept for the moderators, who read and close them."""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from forum.accounts.models import User, utcnow
from forum.errors import InvalidAction
from forum.extensions import db
from forum.moderation.models import UnpostedText
from forum.moderation.queue import log_action
from forum.translatable import translatable

# Longer than any form's fields together (title, message and note); a larger body was never a form.
MAX_KEPT = 50_000
MAX_REFUSAL = 500


def add_unposted(
    *, text: str, level: str, author: User | None, anonymous: bool, kind: str, path: str, refusal: str
) -> UnpostedText:
    """Keep a risky text for the moderators, in the caller's transaction.

    A member sending the same words again (a retry after "Slow down") adds no second item.
    """
    text = text[:MAX_KEPT]
    if author is not None:
        same = db.session.scalar(
            select(UnpostedText).where(
                UnpostedText.author_id == author.id, UnpostedText.resolved_at.is_(None), UnpostedText.text == text
            )
        )
        if same is not None:
            if level == "urgent":
                same.level = level
            return same
    item = UnpostedText(
        author=author,
        is_anonymous=anonymous,
        kind=kind,
        path=path[:500],
        level=level,
        text=text,
        refusal=refusal[:MAX_REFUSAL],
        created_at=utcnow(),
    )
    db.session.add(item)
    db.session.flush()
    return item


def open_unposted() -> list[UnpostedText]:
    """Open unposted texts, urgent first, then oldest first."""
    return list(
        db.session.scalars(
            select(UnpostedText)
            .options(joinedload(UnpostedText.author))
            .where(UnpostedText.resolved_at.is_(None))
            .order_by((UnpostedText.level != "urgent"), UnpostedText.created_at, UnpostedText.id)
        )
    )


def resolve_unposted(item: UnpostedText, by: User, *, note: str | None = None) -> None:
    """Close an unposted text once a moderator has dealt with it; logged with the note."""
    if item.resolved_at is not None:
        raise InvalidAction(gettext("This item has already been dealt with."))
    item.resolved_at = utcnow()
    item.resolved_by_id = by.id
    note = (note or "").strip()
    log_action(by, "resolve_unposted", target=item.author, note=f"unposted #{item.id}" + (f": {note}" if note else ""))
    db.session.commit()


def author_name(item: UnpostedText) -> str:
    """How the moderators see its writer: the anonymous handle if they chose anonymity, never more."""
    if item.author is None:
        return gettext("Author unknown (signed out)")
    return item.author.anonymous_label if item.is_anonymous else item.author.pseudonym


# What was being written, as the moderators' queue names it ("Urgent: a topic not posted").
KIND_LABELS = {
    "topic": translatable("topic"),
    "reply": translatable("reply"),
    "edit": translatable("edit"),
    "announcement": translatable("announcement"),
    "report": translatable("report"),
    "message": translatable("message"),
    "meeting": translatable("meeting"),
    "meeting description": translatable("meeting description"),
    "mentor request": translatable("mentor request"),
    "mentoring message": translatable("mentoring message"),
    "check-in": translatable("check-in"),
    "check-in summary": translatable("check-in summary"),
    "start date": translatable("start date"),
}


def kind_name(item: UnpostedText) -> str:
    """The kind of text, in the reader's language when it is one the forum knows."""
    return gettext(KIND_LABELS[item.kind]) if item.kind in KIND_LABELS else item.kind
