"""On call: urgent items alert the moderators on call at once, and everyone if no one claims them."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext
from sqlalchemy import func, select, update

from forum.accounts.models import User, utcnow
from forum.crisis.alerts import queue_crisis_alert
from forum.errors import InvalidAction, NotAllowed
from forum.extensions import db
from forum.moderation.models import ItemKind, QueueItem
from forum.moderation.playbook import reopen_due_follow_ups
from forum.moderation.rota import all_staff_emails
from forum.moderation.services import current_holder, log_action
from forum.permissions import can_review_queue

# A crisis cannot wait: after this many minutes unclaimed, an urgent item goes to every moderator and admin.
ONCALL_ESCALATE_MINUTES = 10
# Long enough for a weekend shift; longer shifts are set again.
MAX_ON_CALL_HOURS = 72
MAX_EMAIL = 254


def set_on_call(by: User, *, hours: int, now: datetime | None = None) -> None:
    """Put a moderator on call for some hours (0 ends it); needs an alert address first."""
    if not can_review_queue(by):
        raise NotAllowed()
    if not 0 <= (hours or 0) <= MAX_ON_CALL_HOURS:
        raise InvalidAction(gettext("Choose 0 to %(max)s hours.", max=MAX_ON_CALL_HOURS), field="hours")
    if hours and not by.alert_email:
        raise InvalidAction(gettext("Add an alert address first, so that alerts can reach you."), field="hours")
    by.on_call_until = (now or utcnow()) + timedelta(hours=hours) if hours else None
    log_action(by, "on_call" if hours else "off_call", target=by, note=f"{hours} h" if hours else None)
    db.session.commit()


def set_alert_email(by: User, email: str | None) -> None:
    """Set or clear a staff member's private alert address; members never have one."""
    if not can_review_queue(by):
        raise NotAllowed()
    email = (email or "").strip()
    if email and ("@" not in email or len(email) > MAX_EMAIL or any(ch.isspace() for ch in email)):
        raise InvalidAction(gettext("That doesn't look like an email address."), field="alert_email")
    by.alert_email = email or None
    if not email:
        by.on_call_until = None
    # The log records that it changed, never the address.
    log_action(by, "alert_email", target=by)
    db.session.commit()


def escalate_unclaimed(now: datetime | None = None) -> int:
    """Alert every moderator and admin about urgent items no one claimed in time; once per item."""
    now = now or utcnow()
    minutes = current_app.config.get("ONCALL_ESCALATE_MINUTES", ONCALL_ESCALATE_MINUTES)
    items = db.session.scalars(
        select(QueueItem).where(
            QueueItem.resolved_at.is_(None),
            QueueItem.priority == ItemKind.URGENT_CRISIS.value,
            QueueItem.broadcast_at.is_(None),
            func.coalesce(QueueItem.urgent_at, QueueItem.created_at) <= now - timedelta(minutes=minutes),
        )
    ).all()
    sent = 0
    for item in items:
        if current_holder(item, now) is not None:
            continue
        # Mark it first, and only if no other worker has: with several processes running this,
        # the second one's UPDATE waits for the first's commit, then matches no row.
        marked = db.session.execute(
            update(QueueItem)
            .where(QueueItem.id == item.id, QueueItem.broadcast_at.is_(None))
            .values(broadcast_at=now)
            .execution_options(synchronize_session=False)
        )
        if marked.rowcount != 1:
            continue
        queue_crisis_alert(item, "urgent", emails=all_staff_emails())
        sent += 1
    db.session.commit()
    # The same sweep reopens items whose "check back" time has come.
    reopen_due_follow_ups(now)
    return sent
