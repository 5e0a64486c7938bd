"""What a member is told about: one row per event, and how they watch or mute each topic."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forum.accounts.models import utcnow
from forum.extensions import db


class NotificationKind(enum.StrEnum):
    REPLY = "reply"
    QUOTE = "quote"
    MENTION = "mention"
    REACTION = "reaction"
    MESSAGE = "message"
    MESSAGE_REPLY = "message_reply"
    REVEAL = "reveal"
    REPORT_OUTCOME = "report_outcome"
    MENTOR_OFFER = "mentor_offer"
    OFFER_ACCEPTED = "offer_accepted"
    MENTOR_MESSAGE = "mentor_message"
    PAIRING_ENDED = "pairing_ended"
    MEETING_REMINDER = "meeting_reminder"


class WatchLevel(enum.StrEnum):
    WATCHING = "watching"
    MUTED = "muted"


class Notification(db.Model):
    """One thing that happened for one member: a reply, a quote, a mention, a reaction, a message, a report outcome.

    No text is copied in: who wrote the post is read from the post when the list is shown, under its
    public label, so a notification can never say more than the post does.
    """

    # The header counts a member's unread groups on every page: the index holds all it reads.
    __table_args__ = (Index("ix_notification_unread", "user_id", "read_at", "group_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    # What one line of the list and one count in the header stand for: a topic, a message, a report.
    group_key: Mapped[str] = mapped_column(String(24))
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("moderator_message.id", ondelete="CASCADE"))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"))
    # A mentoring pairing (an accepted offer, a message, its end); an offer's request is in `group_key`.
    pairing_id: Mapped[int | None] = mapped_column(ForeignKey("mentor_pairing.id", ondelete="CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    # The reaction given or the report's outcome; never who reacted.
    detail: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]


class TopicWatch(db.Model):
    """A member watches a topic (every reply notifies them) or mutes it (nothing from it does)."""

    __table_args__ = (UniqueConstraint("user_id", "topic_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), index=True)
    level: Mapped[str] = mapped_column(String(10), default=WatchLevel.WATCHING.value)
