from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import User, utcnow
from forum.boards.models import Post
from forum.extensions import db


class ItemKind(enum.IntEnum):
    """Why an item is in the queue; the lower the value, the sooner it is worked."""

    URGENT_CRISIS = 0
    CONCERN_CRISIS = 1
    REPORT = 2
    HELD = 3


class QueueItem(db.Model):
    __table_args__ = (Index("ix_queue_item_open", "resolved_at", "priority", "created_at"),)

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
