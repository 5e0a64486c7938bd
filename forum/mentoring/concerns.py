"""What reaches the moderators from mentoring: notes and messages the crisis screening flags, and reports.

A moderator opens a pairing's conversation only through one of these items, and each opening is
written to the audit log.
"""

from __future__ import annotations

from functools import cache

from flask import current_app
from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from forum.accounts.models import User, utcnow
from forum.crisis import alerts
from forum.crisis.detector import Level
from forum.crisis.services import assess_text
from forum.errors import InvalidAction, NotAllowed, NotFound
from forum.extensions import db
from forum.mentoring.models import (
    ConcernKind,
    MentoringConcern,
    MentoringMessage,
    MentorPairing,
    MentorRequest,
    RequestStatus,
)
from forum.moderation.rota import on_call_emails
from forum.moderation.services import log_action
from forum.permissions import can_report_mentoring_message, can_review_queue

MAX_REASON = 500


def screen_text(
    text: str,
    *,
    author: User,
    request: MentorRequest | None = None,
    pairing: MentorPairing | None = None,
    message: MentoringMessage | None = None,
) -> Level | None:
    """Assess a mentoring note or message; on risk, queue it for the moderators and alert. Caller commits."""
    assessment = assess_text(text)
    if assessment.level == Level.NONE:
        return None
    level = Level(assessment.level)
    concern = MentoringConcern(
        kind=ConcernKind.CRISIS.value,
        level=level.value,
        author_id=author.id,
        request=request,
        pairing=pairing,
        message_id=message.id if message is not None else None,
        text=text,
        reason=assessment.reason[:MAX_REASON],
        created_at=utcnow(),
    )
    db.session.add(concern)
    db.session.flush()
    _alert(concern)
    return level


def _alert(concern: MentoringConcern) -> None:
    # Links to the item, never copies the words or names anyone, like every other alert.
    base = current_app.config.get("ALERT_BASE_URL", "").rstrip("/")
    url = f"{base}/mentoring/concerns/{concern.id}"
    word = alerts.LEVEL_WORDS.get(concern.level, concern.level)
    where = "a mentoring conversation" if concern.pairing is not None else "a request for a peer mentor"
    subject = f"[{word}] A message in {where} needs a moderator (mentoring item #{concern.id})"
    body = (
        f"The crisis flagger assessed a message in {where} as {concern.level}.\n\n"
        f"Please open it:\n{url}\n\n"
        "This message does not include the text or its author, to keep them private."
    )
    payload = {"event": "mentoring_flag", "level": concern.level, "concern_id": concern.id, "url": url}
    alerts.queue_alert(subject, body, payload=payload)
    if concern.is_urgent:
        emails = on_call_emails()
        if emails:
            alerts.queue_alert(subject, body, emails=emails, payload=payload)


def report_message(message: MentoringMessage, reporter: User, *, reason: str) -> MentoringConcern:
    """Either side reports the other's message to the moderation queue. Raises NotAllowed or InvalidAction."""
    if not can_report_mentoring_message(reporter, message):
        raise NotAllowed()
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise InvalidAction(gettext("Please keep the note under %(max)s characters.", max=MAX_REASON), field="reason")
    already = db.session.scalar(
        select(MentoringConcern.id).where(
            MentoringConcern.message_id == message.id,
            MentoringConcern.reporter_id == reporter.id,
            MentoringConcern.resolved_at.is_(None),
        )
    )
    if already is not None:
        raise InvalidAction(gettext("You've reported this message already; a moderator will look at it."))
    concern = MentoringConcern(
        kind=ConcernKind.REPORT.value,
        author_id=message.author_id,
        pairing=message.pairing,
        message_id=message.id,
        reporter_id=reporter.id,
        text=message.body,
        reason=reason,
        created_at=utcnow(),
    )
    db.session.add(concern)
    db.session.commit()
    return concern


def open_concerns() -> list[MentoringConcern]:
    """Mentoring items waiting for a moderator: urgent first, then crisis, then reports, oldest first."""
    rows = db.session.scalars(
        select(MentoringConcern)
        .options(joinedload(MentoringConcern.author))
        .where(MentoringConcern.resolved_at.is_(None))
        .order_by(MentoringConcern.created_at, MentoringConcern.id)
    )
    rank = {"urgent": 0, "concern": 1}
    return sorted(rows, key=lambda c: rank.get(c.level, 2))


def open_counts() -> tuple[int, int]:
    """Open mentoring items and how many are urgent, for the moderators' header badge."""
    total, urgent = db.session.execute(_open_counts_statement()).one()
    return total, urgent


# Asked on every moderator's page: built once per process, like the queue's own counts.
@cache
def _open_counts_statement():
    return select(
        func.count(MentoringConcern.id), func.count(MentoringConcern.id).filter(MentoringConcern.level == "urgent")
    ).where(MentoringConcern.resolved_at.is_(None))


def open_concern(concern_id: int, by: User) -> MentoringConcern:
    """A moderator opens a mentoring item and with it the pair's conversation; the reading is logged.

    Raises NotAllowed for anyone else, NotFound for an unknown id.
    """
    if not can_review_queue(by):
        raise NotAllowed()
    concern = get_concern(concern_id)
    where = f"pairing #{concern.pairing_id}" if concern.pairing_id else f"request #{concern.request_id}"
    log_action(by, "read_mentoring", target=concern.author, note=f"mentoring item #{concern.id}, {where}")
    db.session.commit()
    return concern


def get_concern(concern_id: int) -> MentoringConcern:
    """A mentoring item by id; raises NotFound."""
    concern = db.session.get(MentoringConcern, concern_id) if 0 < concern_id < 2**31 else None
    if concern is None:
        raise NotFound()
    return concern


def resolve_concern(concern: MentoringConcern, by: User, *, note: str = "") -> None:
    """Close a mentoring item; a request held for it opens to mentors. Logged. Raises NotAllowed or InvalidAction."""
    if not can_review_queue(by):
        raise NotAllowed()
    if concern.resolved_at is not None:
        raise InvalidAction("This item has already been dealt with.")
    concern.resolved_at = utcnow()
    concern.resolved_by_id = by.id
    request = concern.request
    if request is not None and request.status == RequestStatus.HELD:
        request.status = RequestStatus.OPEN.value
    note = (note or "").strip()[:MAX_REASON]
    log_action(
        by,
        "resolve_mentoring",
        target=concern.author,
        note=f"mentoring item #{concern.id}" + (f": {note}" if note else ""),
    )
    db.session.commit()
