"""A member's notifications and meeting reminders, for their data export (watches: services.export_watches).

Deleting the account deletes them all: each row's member column is required, so accounts/privacy.py
`_cut_links` deletes them (tests/notifications/test_privacy.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from forum.accounts.models import User
from forum.extensions import db
from forum.meetings.models import MeetingReminder
from forum.notifications.models import Notification


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() + "Z" if value else None


def export_notifications(user: User) -> dict:
    """What the member was told of and the reminders they asked for, for the data export; nothing names anyone."""
    notifications = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    )
    reminders = db.session.scalars(
        select(MeetingReminder).where(MeetingReminder.member_id == user.id).order_by(MeetingReminder.id)
    )
    return {
        "notifications": [
            {
                "kind": n.kind,
                "detail": n.detail,
                "topic_id": n.topic_id,
                "post_id": n.post_id,
                "pairing_id": n.pairing_id,
                "meeting_id": n.meeting_id,
                "created_at": _iso(n.created_at),
                "read_at": _iso(n.read_at),
            }
            for n in notifications
        ],
        "meeting_reminders": [
            {"meeting_id": r.meeting_id, "asked_at": _iso(r.created_at), "sent_at": _iso(r.sent_at)} for r in reminders
        ],
    }
