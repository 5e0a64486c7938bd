"""Meeting reminders: a member asks "Remind me" on a meeting's page; a cron run tells them once, shortly before.

`flask meetings remind` (forum/cli.py) calls send_reminders every few minutes; each opt-in row records
when its reminder went out, so a second run, or two runs at once, never tells anyone twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from forum import permissions
from forum.accounts.models import User
from forum.errors import InvalidAction, NotAllowed
from forum.extensions import db
from forum.meetings.models import Meeting, MeetingReminder
from forum.meetings.services import RoomState, room_state, upcoming_reminders
from forum.notifications import services as notifications


def wants_reminder(meeting: Meeting, member: User | None) -> bool:
    """Whether the member asked to be reminded of this meeting."""
    if not permissions.can_ask_meeting_reminder(member):
        return False
    return (
        db.session.scalar(
            select(MeetingReminder.id).where(
                MeetingReminder.meeting_id == meeting.id, MeetingReminder.member_id == member.id
            )
        )
        is not None
    )


def set_reminder(meeting: Meeting, member: User, *, wanted: bool, now: datetime) -> None:
    """Ask for (or stop) a reminder of a meeting that hasn't started. Raises NotAllowed or InvalidAction."""
    if not permissions.can_ask_meeting_reminder(member):
        raise NotAllowed()
    if room_state(meeting, now) != RoomState.UPCOMING:
        raise InvalidAction(
            gettext("This meeting has started, ended or was cancelled: there is nothing to remind you of.")
        )
    if wanted:
        insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
        db.session.execute(
            insert(MeetingReminder)
            .values(meeting_id=meeting.id, member_id=member.id, created_at=now)
            .on_conflict_do_nothing()
        )
    else:
        db.session.execute(
            delete(MeetingReminder).where(
                MeetingReminder.meeting_id == meeting.id, MeetingReminder.member_id == member.id
            )
        )
    db.session.commit()


def send_reminders(now: datetime, lead: timedelta) -> int:
    """Notify every member who asked, of each meeting starting within `lead`, once; returns how many were told."""
    sent = 0
    for meeting in upcoming_reminders(now, lead):
        # One statement claims the unsent rows, so concurrent runs cannot both send one.
        members = db.session.scalars(
            update(MeetingReminder)
            .where(MeetingReminder.meeting_id == meeting.id, MeetingReminder.sent_at.is_(None))
            .values(sent_at=now)
            .returning(MeetingReminder.member_id)
        ).all()
        for member_id in members:
            notifications.meeting_reminder(member_id, meeting)
        sent += len(members)
    db.session.commit()
    return sent
