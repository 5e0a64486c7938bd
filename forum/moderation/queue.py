"""The moderation queue's lowest layer: the audit log, one open item per post, and holding newcomers' posts.

The posting workflow and every moderation service write through here; it imports models only.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from forum.accounts.models import User, utcnow
from forum.boards.models import Post, PostStatus, Topic
from forum.extensions import db
from forum.moderation.models import ItemKind, ModerationAction, QueueItem
from forum.moderation.rota import alert_on_call
from forum.permissions import can_manage_resources, can_review_queue

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
    item = open_item_for(post)
    was_urgent = item is not None and item.priority == ItemKind.URGENT_CRISIS
    if item is None:
        item = QueueItem(post=post, priority=kind.value, created_at=utcnow())
        db.session.add(item)
    else:
        item.priority = min(item.priority, kind.value)
    db.session.flush()
    if kind == ItemKind.URGENT_CRISIS and not was_urgent:
        item.urgent_at = utcnow()
        alert_on_call(item)
    return item


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


FIRST_POST_NOTICE = (
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
