"""Moderation: the queue, holds and the audit log."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from forum.accounts.models import User, utcnow
from forum.boards.models import Post, PostStatus, Topic
from forum.extensions import db
from forum.moderation.models import ItemKind, ModerationAction, QueueItem
from forum.permissions import can_manage_resources, can_review_queue


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
    )
    db.session.add(entry)
    return entry


def open_item_for(post: Post) -> QueueItem | None:
    """The open queue item for a post, if there is one."""
    return db.session.scalar(select(QueueItem).where(QueueItem.post_id == post.id, QueueItem.resolved_at.is_(None)))


def enqueue(post: Post, kind: ItemKind) -> QueueItem:
    """Put a post in the queue, or raise the priority of its open item: one item per post."""
    db.session.flush()
    item = open_item_for(post)
    if item is None:
        item = QueueItem(post=post, priority=kind.value, created_at=utcnow())
        db.session.add(item)
    else:
        item.priority = min(item.priority, kind.value)
    db.session.flush()
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


def is_staff(user: User) -> bool:
    """Moderators, facilitators and admins: their posts are never held as a newcomer's."""
    return can_review_queue(user) or can_manage_resources(user)


def open_counts() -> tuple[int, int]:
    """How many queue items are open, and how many of them are urgent."""
    total, urgent = db.session.execute(
        select(
            func.count(QueueItem.id),
            func.count(QueueItem.id).filter(QueueItem.priority == ItemKind.URGENT_CRISIS.value),
        ).where(QueueItem.resolved_at.is_(None))
    ).one()
    return total, urgent


def open_items() -> list[QueueItem]:
    """Open queue items, most urgent first, then oldest first."""
    from sqlalchemy.orm import joinedload

    return list(
        db.session.scalars(
            select(QueueItem)
            .options(
                joinedload(QueueItem.post).joinedload(Post.topic).joinedload(Topic.board),
                joinedload(QueueItem.post).joinedload(Post.author),
                joinedload(QueueItem.claimed_by),
            )
            .where(QueueItem.resolved_at.is_(None))
            .order_by(QueueItem.priority, QueueItem.created_at, QueueItem.id)
        ).unique()
    )


def resolve_item(item: QueueItem, by: User, *, resolution: str, note: str | None = None) -> None:
    """Close a queue item, publishing a held post when approved; raises NotAllowed for one's own post."""
    from forum.boards.services import refresh_board_stats, refresh_topic_stats
    from forum.errors import InvalidAction, NotAllowed

    if not item.is_open:
        raise InvalidAction("This item has already been dealt with.")
    if item.post.author_id == by.id:
        raise NotAllowed()
    post = item.post
    if resolution == "approve" and post.status == PostStatus.HELD:
        post.status = PostStatus.VISIBLE.value
        if db.session.scalar(select(func.min(Post.id)).where(Post.topic_id == post.topic_id)) == post.id:
            post.topic.status = post.status
        refresh_topic_stats(post.topic)
        refresh_board_stats(post.topic.board)
    item.resolved_at = utcnow()
    item.resolved_by = by
    item.resolution = resolution
    item.claimed_by_id = None
    log_action(by, resolution, post=post, item=item, note=note)
    db.session.commit()
