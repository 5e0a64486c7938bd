"""The moderation queue's lowest layer: the audit log, one open item per post, and holding newcomers' posts.

The posting workflow and every moderation service write through here; it imports models only.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, func, select
from sqlalchemy.dialects import postgresql, sqlite

from forum.accounts.models import User, utcnow
from forum.boards.models import Post, PostStatus, Topic
from forum.extensions import db
from forum.moderation.models import ItemKind, ModerationAction, QueueItem
from forum.moderation.rota import alert_on_call
from forum.permissions import can_manage_resources, can_review_queue
from forum.translatable import translatable

# A claim stops a second volunteer from working the same item; it lapses so a forgotten one frees itself.
CLAIM_MINUTES = 15


def log_action(
    actor: User | None,
    action: str,
    *,
    post: Post | None = None,
    topic: Topic | None = None,
    target: User | None = None,
    item: QueueItem | None = None,
    note: str | None = None,
) -> ModerationAction:
    """Add a row to the audit log in the caller's transaction."""
    if post is not None and topic is None:
        topic = post.topic
    if post is not None and target is None:
        target = post.author
    entry = ModerationAction(
        actor=actor,
        action=action,
        post_id=post.id if post is not None else None,
        topic_id=topic.id if topic is not None else None,
        target_user=target,
        queue_item_id=item.id if item is not None else None,
        note=note,
        created_at=utcnow(),
    )
    db.session.add(entry)
    return entry


def open_item_for(post: Post) -> QueueItem | None:
    """The open queue item for a post, if there is one."""
    return db.session.scalar(select(QueueItem).where(QueueItem.post_id == post.id, QueueItem.resolved_at.is_(None)))


def enqueue(post: Post, kind: ItemKind) -> QueueItem:
    """Put a post in the queue, or raise the priority of its open item: one item per post.

    An item turning urgent alerts the moderators on call, here and nowhere else.
    """
    db.session.flush()
    now = utcnow()
    urgent = kind == ItemKind.URGENT_CRISIS
    item_id, urgent_at = db.session.execute(_upsert(post.id, kind, now)).one()
    item = db.session.get(QueueItem, item_id, populate_existing=True)
    # urgent_at is `now` only when this call made the item urgent (new, or raised from a lower priority).
    if urgent and urgent_at == now:
        alert_on_call(item)
    return item


def _upsert(post_id: int, kind: ItemKind, now: datetime):
    """INSERT the post's open item, or raise the priority of the one there (uq_queue_item_open_post)."""
    table = QueueItem.__table__
    urgent = kind == ItemKind.URGENT_CRISIS
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    least = func.least if dialect == "postgresql" else func.min
    statement = insert(table).values(
        post_id=post_id, priority=kind.value, created_at=now, urgent_at=now if urgent else None
    )
    changes = {"priority": least(table.c.priority, statement.excluded.priority)}
    if urgent:
        # Raised to urgent now: on-call escalation counts from here. Already urgent: it keeps its time.
        changes["urgent_at"] = case(
            (table.c.priority == ItemKind.URGENT_CRISIS.value, table.c.urgent_at), else_=statement.excluded.urgent_at
        )
    return statement.on_conflict_do_update(
        index_elements=[table.c.post_id], index_where=table.c.resolved_at.is_(None), set_=changes
    ).returning(table.c.id, table.c.urgent_at)


def hold_if_new_author(post: Post) -> bool:
    """Hold a new account's first posts for a moderator (HOLD_FIRST_POSTS); True when held."""
    limit = current_app.config["HOLD_FIRST_POSTS"]
    if limit <= 0 or post.author is None or is_staff(post.author):
        return False
    earlier = db.session.scalar(
        select(func.count(Post.id)).where(
            Post.author_id == post.author_id, Post.id != post.id, Post.status == PostStatus.VISIBLE
        )
    )
    if earlier >= limit:
        return False
    post.status = PostStatus.HELD.value
    enqueue(post, ItemKind.HELD)
    return True


FIRST_POST_NOTICE = translatable(
    "Your first post will wait for a moderator before others can see it; this usually doesn't take long."
)


def next_post_held(user: User) -> bool:
    """Whether this member's next post would wait for a moderator (hold_if_new_author's rule)."""
    limit = current_app.config["HOLD_FIRST_POSTS"]
    if limit <= 0 or is_staff(user):
        return False
    visible = db.session.scalar(
        select(func.count(Post.id)).where(Post.author_id == user.id, Post.status == PostStatus.VISIBLE)
    )
    return visible < limit


def is_staff(user: User) -> bool:
    """Moderators, facilitators and admins: their posts are never held as a newcomer's."""
    return can_review_queue(user) or can_manage_resources(user)


def claim_minutes() -> int:
    return current_app.config.get("MODERATION_CLAIM_MINUTES", CLAIM_MINUTES)


def claim_expires_at(item: QueueItem) -> datetime | None:
    """When the current claim lapses, or None when no one holds the item."""
    if item.claimed_by_id is None or item.claimed_at is None:
        return None
    return item.claimed_at + timedelta(minutes=claim_minutes())


def current_holder(item: QueueItem, now: datetime | None = None) -> User | None:
    """The moderator whose claim on the item has not lapsed."""
    expires = claim_expires_at(item)
    if expires is None or expires <= (now or utcnow()):
        return None
    return item.claimed_by
