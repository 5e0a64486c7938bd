"""Who may see which topics and posts: the rule written once, in Python (may_see) and in SQL (scope_clause).

Everyone sees visible posts and the placeholders of removed ones; authors also see their own held
or hidden ones; moderators see everything. Pages, feeds and the other domains ask here.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam, or_, select, true
from sqlalchemy.orm import joinedload

from forum import permissions
from forum.accounts.models import User
from forum.boards.models import PUBLIC_STATUSES, Post, Topic
from forum.errors import NotFound
from forum.extensions import db
from forum.notifications.models import TopicWatch


def may_see(item: Post | Topic, viewer: User | None) -> bool:
    """Whether this viewer may see the post or topic (its status, their role, their authorship)."""
    return item.status in PUBLIC_STATUSES or permissions.can_review_queue(viewer) or permissions.is_author(viewer, item)


def viewer_scope(viewer: User | None) -> tuple[str, dict]:
    """Which rows this viewer may list ('all', 'public' or 'own': public plus their own), and its bound values."""
    if permissions.can_review_queue(viewer):
        return "all", {}
    if viewer is not None and viewer.is_authenticated:
        return "own", {"viewer_id": viewer.id}
    return "public", {}


def scope_clause(model, scope: str):
    """The SQL form of may_see for a listing of `model` (Topic or Post); binds :viewer_id for 'own'."""
    if scope == "all":
        return true()
    clause = model.status.in_(PUBLIC_STATUSES)
    if scope == "own":
        clause = or_(clause, model.author_id == bindparam("viewer_id"))
    return clause


def get_topic(topic_id: int, viewer: User | None) -> Topic:
    """The topic if this viewer may see it; raises NotFound."""
    reader = viewer.id if viewer is not None and viewer.is_authenticated else 0
    row = db.session.execute(_topic_by_id(), {"topic_id": topic_id, "reader_id": reader}).first()
    if row is None:
        raise NotFound()
    # The reader's Watch / Mute choice comes with the topic: the topic page's buttons cost no query.
    topic, topic.watch_level = row
    if not may_see(topic, viewer):
        raise NotFound()
    return topic


@cache
def _topic_by_id():
    watch = (
        select(TopicWatch.level)
        .where(TopicWatch.topic_id == Topic.id, TopicWatch.user_id == bindparam("reader_id"))
        .scalar_subquery()
    )
    return select(Topic, watch).options(joinedload(Topic.board)).where(Topic.id == bindparam("topic_id"))


def get_post(post_id: int, viewer: User | None) -> Post:
    """The post if this viewer may see it; raises NotFound."""
    post = db.session.get(Post, post_id)
    if post is None:
        raise NotFound()
    get_topic(post.topic_id, viewer)
    if not may_see(post, viewer):
        raise NotFound()
    return post
