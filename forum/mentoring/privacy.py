"""A member's mentoring data: in their export, and gone (or cut loose) with their account."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, or_, select, update

from forum.accounts.models import User, utcnow
from forum.extensions import db
from forum.mentoring.models import (
    MentorBadge,
    MentoringConcern,
    MentoringMessage,
    MentorOffer,
    MentorPairing,
    MentorRequest,
)
from forum.mentoring.services import pairings_of, partner_name


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() + ("Z" if isinstance(value, datetime) else "") if value else None


def export_mentoring(user: User) -> dict:
    """Everything mentoring holds that the member wrote or was given, for the data export."""
    badges = db.session.scalars(select(MentorBadge).where(MentorBadge.user_id == user.id).order_by(MentorBadge.id))
    requests = db.session.scalars(
        select(MentorRequest).where(MentorRequest.member_id == user.id).order_by(MentorRequest.id)
    )
    offers = db.session.scalars(select(MentorOffer).where(MentorOffer.mentor_id == user.id).order_by(MentorOffer.id))
    reports = db.session.scalars(
        select(MentoringConcern).where(MentoringConcern.reporter_id == user.id).order_by(MentoringConcern.id)
    )
    return {
        "badges": [
            {"trained_on": _iso(b.trained_on), "granted_at": _iso(b.granted_at), "withdrawn_at": _iso(b.withdrawn_at)}
            for b in badges
        ],
        "requests": [
            {"note": r.note, "status": r.status, "created_at": _iso(r.created_at), "closed_at": _iso(r.closed_at)}
            for r in requests
        ],
        "offers_made": [{"status": o.status, "created_at": _iso(o.created_at)} for o in offers],
        "reports_made": [{"note": c.reason, "created_at": _iso(c.created_at)} for c in reports],
        "pairings": [
            {
                "as": "member" if p.member_id == user.id else "mentor",
                "with": partner_name(p, user),
                "started_at": _iso(p.started_at),
                "ended_at": _iso(p.ended_at),
                # Their own messages only: the other side's words are theirs to download.
                "messages": [
                    {"body": m.body, "created_at": _iso(m.created_at)} for m in p.messages if m.author_id == user.id
                ],
            }
            for p in pairings_of(user)
        ],
    }


def erase_mentoring(user_id: int) -> None:
    """With the account: its messages, notes and items go, its pairings end. In the caller's transaction."""
    now = utcnow()
    db.session.execute(
        update(MentorPairing)
        .where(
            or_(MentorPairing.member_id == user_id, MentorPairing.mentor_id == user_id),
            MentorPairing.ended_at.is_(None),
        )
        .values(ended_at=now)
    )
    own_messages = select(MentoringMessage.id).where(MentoringMessage.author_id == user_id)
    db.session.execute(
        update(MentoringConcern).where(MentoringConcern.message_id.in_(own_messages)).values(message_id=None)
    )
    # Their reports go too, as a post's reports do (Report.reporter_id cascades).
    db.session.execute(
        delete(MentoringConcern).where(
            or_(MentoringConcern.author_id == user_id, MentoringConcern.reporter_id == user_id)
        )
    )
    db.session.execute(delete(MentoringMessage).where(MentoringMessage.author_id == user_id))
    own_requests = select(MentorRequest.id).where(MentorRequest.member_id == user_id)
    db.session.execute(delete(MentorOffer).where(MentorOffer.request_id.in_(own_requests)))
    db.session.execute(update(MentorPairing).where(MentorPairing.request_id.in_(own_requests)).values(request_id=None))
    db.session.execute(delete(MentorRequest).where(MentorRequest.member_id == user_id))
    db.session.execute(delete(MentorOffer).where(MentorOffer.mentor_id == user_id))
    db.session.execute(delete(MentorBadge).where(MentorBadge.user_id == user_id))
