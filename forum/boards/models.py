from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from forum.accounts.models import User, utcnow
from forum.extensions import db
from forum.translatable import translatable


class PostStatus(enum.StrEnum):
    VISIBLE = "visible"
    # Waiting for a moderator: only the author and moderators see it.
    HELD = "held"
    # Hidden by a moderator: the author still sees their text and the reason.
    HIDDEN = "hidden"
    # Removed by its author: others see a placeholder.
    REMOVED = "removed"


# Statuses that everyone sees in a thread (a removed post leaves a placeholder).
PUBLIC_STATUSES = (PostStatus.VISIBLE.value, PostStatus.REMOVED.value)


class Board(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(default=0)
    topic_count: Mapped[int] = mapped_column(default=0)
    post_count: Mapped[int] = mapped_column(default=0)
    last_activity_at: Mapped[datetime | None]
    # No foreign key: posts point at topics that point at boards, and this only caches.
    last_post_id: Mapped[int | None]

    last_post: Mapped[Post | None] = relationship(
        primaryjoin=lambda: foreign(Board.last_post_id) == Post.id, viewonly=True
    )


class Topic(db.Model):
    # Status last (after id, which keeps the listing order whole), so counting a board's visible
    # topics reads the index alone. The board's Atom feed wants its newest visible topics by id:
    # ix_topic_board_newest hands them over in order, with no sort of the whole board.
    __table_args__ = (
        Index("ix_topic_board_listing", "board_id", "is_pinned", "last_activity_at", "id", "status"),
        Index("ix_topic_board_newest", "board_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    is_anonymous: Mapped[bool] = mapped_column(default=False)
    title: Mapped[str] = mapped_column(String(150))
    status: Mapped[str] = mapped_column(String(10), default=PostStatus.VISIBLE.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_post_id: Mapped[int | None]
    # The post that opened the topic (its title goes with that post's text); set once, when it is written.
    first_post_id: Mapped[int | None]
    post_count: Mapped[int] = mapped_column(default=0)
    is_pinned: Mapped[bool] = mapped_column(default=False)
    is_announcement: Mapped[bool] = mapped_column(default=False)
    is_locked: Mapped[bool] = mapped_column(default=False)

    board: Mapped[Board] = relationship()
    author: Mapped[User | None] = relationship()
    last_post: Mapped[Post | None] = relationship(
        primaryjoin=lambda: foreign(Topic.last_post_id) == Post.id, viewonly=True
    )

    # Set by create_topic (not stored): what the posting workflow found in the first post (Post.support_level).
    support_level = None

    @property
    def reply_count(self) -> int:
        return max(self.post_count - 1, 0)


class Post(db.Model):
    # Status last, so counting a topic's visible posts reads the index alone, however long the thread.
    __table_args__ = (Index("ix_post_topic_listing", "topic_id", "id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    is_anonymous: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(Text)
    content_note: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10), default=PostStatus.VISIBLE.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    # Shown to the author when a moderator hides the post: which guideline and why.
    moderator_note: Mapped[str | None] = mapped_column(String(500))

    topic: Mapped[Topic] = relationship()
    author: Mapped[User | None] = relationship()

    # Set by the posting workflow (not stored): the crisis level its author's support panel shows after
    # posting or editing, so the page needn't ask the database again.
    support_level = None

    @property
    def is_first(self) -> bool:
        """True for the post that opened its topic."""
        return self.topic.first_post_id == self.id

    @property
    def is_removed_by_author(self) -> bool:
        return self.status == PostStatus.REMOVED

    @property
    def is_held(self) -> bool:
        return self.status == PostStatus.HELD

    @property
    def is_hidden(self) -> bool:
        return self.status == PostStatus.HIDDEN


class PostRevision(db.Model):
    """An earlier version of an edited post, kept for its author and the moderators."""

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    # The topic's title then, for an opening post whose title changed.
    title: Mapped[str | None] = mapped_column(String(200))
    content_note: Mapped[str | None] = mapped_column(String(100))
    # When this version was written (the post's creation or the previous edit) and when it was replaced.
    written_at: Mapped[datetime]
    replaced_at: Mapped[datetime] = mapped_column(default=utcnow)
    # True when a moderator's edit replaced it.
    by_moderator: Mapped[bool] = mapped_column(default=False)


# Reactions without downvotes: kind -> button label.
REACTIONS = {
    "thanks": translatable("Thank you"),
    "metoo": translatable("Me too"),
    "support": translatable("Sending support"),
}


class Reaction(db.Model):
    """One member's "Thank you", "Me too" or "Sending support" on a post; who reacted is never shown."""

    __table_args__ = (UniqueConstraint("post_id", "user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TopicRead(db.Model):
    """How far a signed-in member has read a topic: the newest post a page of it showed them.

    Guests have none. Written by one upsert per topic page that shows something newer.
    """

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), primary_key=True)
    # No foreign key, as Topic.last_post_id: it only marks a place in the thread.
    last_read_post_id: Mapped[int]


class CacheEpoch(db.Model):
    """One row counting the changes that take text off pages (edit, delete, hide, erasure).

    Each process compares it with the value it last read, at most once per FRAGMENT_EPOCH_SECONDS,
    and empties its in-process page caches when it moved (forum/web.py, forum/caches.py): a worker
    other than the one that erased a text drops it too, without Redis.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(default=0)
