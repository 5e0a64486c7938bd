from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import User, utcnow
from forum.boards.models import Post
from forum.extensions import db
from forum.translatable import translatable

# What the author of a crisis post a moderator keeps hidden reads: care, never a guideline.
CARE_NOTE = translatable(
    "A moderator has read your post and wants to make sure you have support right now. "
    "For the moment only you can see it. You're not in trouble, and you're welcome here."
)


class ItemKind(enum.IntEnum):
    """Why an item is in the queue; the lower the value, the sooner it is worked."""

    URGENT_CRISIS = 0
    CONCERN_CRISIS = 1
    REPORT = 2
    HELD = 3


# How pages name an item's kind, a flag's level and a post's status, in the reader's language.
KIND_LABELS = {
    ItemKind.URGENT_CRISIS: translatable("Urgent Crisis"),
    ItemKind.CONCERN_CRISIS: translatable("Concern Crisis"),
    ItemKind.REPORT: translatable("Reported"),
    ItemKind.HELD: translatable("Held"),
}
LEVEL_LABELS = {"urgent": translatable("urgent"), "concern": translatable("concern"), "none": translatable("none")}
STATUS_LABELS = {
    "visible": translatable("visible"),
    "held": translatable("held"),
    "hidden": translatable("hidden"),
    "removed": translatable("removed"),
}


class QueueItem(db.Model):
    __table_args__ = (
        Index("ix_queue_item_open", "resolved_at", "priority", "created_at"),
        # One open item per post, kept by the database: enqueue upserts against it.
        Index(
            "uq_queue_item_open_post",
            "post_id",
            unique=True,
            sqlite_where=text("resolved_at IS NULL"),
            postgresql_where=text("resolved_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), index=True)
    # The most urgent reason this item has, an ItemKind value.
    priority: Mapped[int] = mapped_column(default=ItemKind.HELD.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    resolution: Mapped[str | None] = mapped_column(String(30))
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    claimed_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    # When the item became urgent (created so, or raised later): on-call escalation counts from it.
    urgent_at: Mapped[datetime | None]
    # "Check back in N hours": the item reopens then and alerts whoever set it.
    follow_up_at: Mapped[datetime | None] = mapped_column(index=True)
    follow_up_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # When every moderator was alerted because no one on call claimed an urgent item.
    broadcast_at: Mapped[datetime | None]

    post: Mapped[Post] = relationship()
    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])

    @property
    def kind(self) -> ItemKind:
        return ItemKind(self.priority)

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class ModerationAction(db.Model):
    """One row per moderator or facilitator action: the append-only audit log."""

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    queue_item_id: Mapped[int | None] = mapped_column(ForeignKey("queue_item.id"), index=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id"), index=True)
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topic.id"))
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    target_user: Mapped[User | None] = relationship(foreign_keys=[target_user_id])
    post: Mapped[Post | None] = relationship()


class ReportReason(enum.StrEnum):
    WORRIED = "worried"
    HARASSMENT = "harassment"
    SUBSTANCES = "substances"
    MEDICAL = "medical"
    SPAM = "spam"
    OTHER = "other"


REPORT_REASON_LABELS = {
    ReportReason.WORRIED: translatable("I'm worried about this member"),
    ReportReason.HARASSMENT: translatable("Harassment or hate"),
    ReportReason.SUBSTANCES: translatable("Buying, selling or sourcing substances"),
    ReportReason.MEDICAL: translatable("Unsafe medical advice"),
    ReportReason.SPAM: translatable("Spam"),
    ReportReason.OTHER: translatable("Something else"),
}


class Report(db.Model):
    """A member's report of a post; only moderators ever see who made it."""

    __table_args__ = (UniqueConstraint("post_id", "reporter_id", name="uq_report_post_reporter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    queue_item_id: Mapped[int | None] = mapped_column(ForeignKey("queue_item.id"), index=True)
    # Set when the queue item is resolved, so the reporter sees the report was reviewed.
    reviewed_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(30))

    post: Mapped[Post] = relationship()
    reporter: Mapped[User] = relationship()

    @property
    def reason_label(self) -> str:
        return REPORT_REASON_LABELS.get(ReportReason(self.reason), self.reason)


class ModeratorMessage(db.Model):
    """A private message from the moderators to one member's account."""

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id"))
    kind: Mapped[str] = mapped_column(String(20), default="message")
    subject: Mapped[str] = mapped_column(String(150))
    body: Mapped[str] = mapped_column(Text)
    # Render the crisis lines (current numbers, the member's region) under the message.
    include_crisis_lines: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    recipient: Mapped[User] = relationship(foreign_keys=[recipient_id])
    post: Mapped[Post | None] = relationship()

    replies: Mapped[list[MessageReply]] = relationship(
        back_populates="message", order_by="MessageReply.id", cascade="all, delete-orphan", passive_deletes=True
    )


class MessageReply(db.Model):
    """One turn in the conversation under a moderator's message: the member's answer or a moderator's."""

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("moderator_message.id", ondelete="CASCADE"), index=True)
    # The member's own account for their turns (deleted with it); the moderator's for theirs.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    from_member: Mapped[bool] = mapped_column(default=True)
    body: Mapped[str] = mapped_column(Text)
    # The level the crisis screening gave a member's reply; None when it found no risk.
    crisis_level: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the other side (the member, or any moderator) first opened it.
    read_at: Mapped[datetime | None]

    message: Mapped[ModeratorMessage] = relationship(back_populates="replies")
    author: Mapped[User | None] = relationship()


class UnpostedText(db.Model):
    """A text the crisis flagger found risk in whose post, edit or report was refused.

    The moderators still see it (a queue item without a post): a rate limit, an empty title or an
    expired session must never be why a crisis goes unseen.
    """

    __table_args__ = (Index("ix_unposted_text_open", "resolved_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # None when the writer was signed out: the author is unknown.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    is_anonymous: Mapped[bool] = mapped_column(default=False)
    # "topic", "reply", "edit" or "report": what the member was sending.
    kind: Mapped[str] = mapped_column(String(20))
    # The address it was sent to, so a moderator can see where it was meant to go.
    path: Mapped[str] = mapped_column(String(500))
    level: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    # Why it was not posted, in the words the member saw.
    refusal: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])

    @property
    def is_urgent(self) -> bool:
        return self.level == "urgent"
