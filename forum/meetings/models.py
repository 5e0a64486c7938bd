from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import User, utcnow
from forum.boards.models import Board
from forum.extensions import db


class Meeting(db.Model):
    """A scheduled meeting: its room opens at `starts_at` (naive UTC) for `length_minutes`."""

    __table_args__ = (Index("ix_meeting_starts_at", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(150))
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id"))
    facilitator_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    starts_at: Mapped[datetime]
    length_minutes: Mapped[int]
    # The reading or topic, Markdown rendered by forum/text.py like a post.
    reading: Mapped[str] = mapped_column(Text, default="")
    reading_pinned: Mapped[bool] = mapped_column(default=False)
    # Chosen when scheduling and told to members before they join: False erases the posts afterwards.
    keep_posts: Mapped[bool] = mapped_column(default=False)
    # The facilitator opened the room before its start time (within EARLY_OPEN_MINUTES).
    opened_at: Mapped[datetime | None]
    # The facilitator closed the room before its end; reopening clears it.
    closed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    # When an erased meeting's posts were deleted.
    erased_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    board: Mapped[Board] = relationship()
    facilitator: Mapped[User | None] = relationship()

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.length_minutes)


class MeetingPost(db.Model):
    __table_args__ = (Index("ix_meeting_post_room", "meeting_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    # Goes with the author's account (forum/accounts/privacy.py deletes rows it cannot orphan).
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    is_anonymous: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(Text)
    # The flagger's level when it found risk; a held post shows only to its author and the staff.
    crisis_level: Mapped[str | None] = mapped_column(String(10))
    is_held: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    meeting: Mapped[Meeting] = relationship()
    author: Mapped[User] = relationship()


class MeetingPause(db.Model):
    """A participant the facilitator paused: no more posts in this meeting."""

    __table_args__ = (UniqueConstraint("meeting_id", "member_id", name="uq_meeting_pause_meeting_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MeetingVisit(db.Model):
    """One row per member who opened a running room: a keyed hash, so the set can't be read back to names."""

    __table_args__ = (UniqueConstraint("meeting_id", "visitor", name="uq_meeting_visit_meeting_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    visitor: Mapped[str] = mapped_column(String(64))


class MeetingReminder(db.Model):
    """A member asked "Remind me" on a meeting's page; `sent_at` is when the reminder went out (once)."""

    __table_args__ = (UniqueConstraint("meeting_id", "member_id", name="uq_meeting_reminder_meeting_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
