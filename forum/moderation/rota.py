"""Who hears of an urgent item: the moderators on call, or every moderator and admin.

Below the queue (enqueue alerts the rota) and above the alert outbox.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select

from forum.accounts.models import User, utcnow
from forum.crisis.alerts import queue_crisis_alert
from forum.extensions import db
from forum.moderation.models import QueueItem
from forum.permissions import Capability, roles_with


def on_call_emails(now: datetime | None = None) -> list[str]:
    """Alert addresses of the moderators on call now."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(User.alert_email).where(
                User.on_call_until > now,
                User.alert_email.is_not(None),
                User.role.in_(roles_with(Capability.REVIEW_QUEUE)),
                User.is_banned.is_(False),
            )
        )
    )


def all_staff_emails() -> list[str]:
    """Every moderator's and admin's alert address, plus ALERT_EMAIL_TO, without repeats."""
    emails = db.session.scalars(
        select(User.alert_email).where(
            User.alert_email.is_not(None),
            User.role.in_(roles_with(Capability.REVIEW_QUEUE)),
            User.is_banned.is_(False),
        )
    )
    return list(dict.fromkeys([*emails, *current_app.config.get("ALERT_EMAIL_TO", [])]))


def alert_on_call(item: QueueItem, now: datetime | None = None) -> None:
    """Alert the moderators on call about an urgent item, in the caller's transaction."""
    emails = on_call_emails(now)
    if emails:
        queue_crisis_alert(item, "urgent", emails=emails)
