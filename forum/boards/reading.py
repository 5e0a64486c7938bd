"""Unread markers: how far each signed-in member has read each topic, and what is new since.

A topic page a member reads moves their place to the newest post it showed them (one upsert, none
when the place is already there). A board page then shows, in the same query as its rows, how many
visible posts came after that place ("3 new") and links the topic to the first of them.
A topic the member never opened reads "new" while it is younger than UNVISITED_NEW_DAYS, as on
Discourse. Guests have no read state: their statements and pages are exactly as before.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from functools import cache

from sqlalchemy import and_, bindparam, case, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from forum import permissions
from forum.accounts.models import User, utcnow
from forum.boards.models import Post, PostStatus, Topic, TopicRead
from forum.extensions import db
from forum.notifications.models import Notification

log = logging.getLogger(__name__)

# A topic nobody showed this member yet is "new" for two days, as on Discourse; older ones they
# never opened stay unmarked, so a newcomer's boards are not a wall of "new".
UNVISITED_NEW_DAYS = 2


# A board page counts at most this many new posts a topic (then shows "100+ new"), so a member back
# after months costs the page no more than a regular does: each count walks at most this many entries.
MAX_COUNTED_NEW = 100


def listing_join():
    """The outer join that brings this reader's place in each listed topic (bound value `reader_id`)."""
    return TopicRead, and_(TopicRead.topic_id == Topic.id, TopicRead.user_id == bindparam("reader_id"))


def listing_columns() -> tuple:
    """Per listed topic: how many posts came after the reader's place (None if never opened), the first of
    them, and whether a topic they never opened is recent enough to read "new".

    Only visible posts count, so a held or hidden post is never news, even to a moderator, and the link
    always lands on a post the reader can see. The member's own replies need no test: posting one shows
    them its page, which moves their place past it. Each subquery reads only the covering index
    ix_post_topic_listing (topic, id, status), and runs only for a topic whose newest visible post comes
    after the reader's place; a topic they are up to date with costs none.
    """
    place = TopicRead.last_read_post_id
    unseen = and_(Post.topic_id == Topic.id, Post.id > place, Post.status == PostStatus.VISIBLE.value)
    up_to_date = Topic.last_post_id <= place
    beyond_cap = select(Post.id).where(unseen).order_by(Post.id).offset(MAX_COUNTED_NEW).limit(1).scalar_subquery()
    new_posts = case(
        (place.is_(None), None),
        (up_to_date, 0),
        (beyond_cap.is_not(None), MAX_COUNTED_NEW + 1),
        else_=select(func.count(Post.id)).where(unseen).scalar_subquery(),
    )
    first_new = case(
        (place.is_(None) | up_to_date, None), else_=select(func.min(Post.id)).where(unseen).scalar_subquery()
    )
    # A topic's author has seen it (starting one shows its page), so it is never "new" to them.
    unopened_new = and_(
        TopicRead.user_id.is_(None),
        Topic.created_at >= bindparam("new_since"),
        or_(Topic.author_id.is_(None), Topic.author_id != bindparam("reader_id")),
    )
    return new_posts.label("new_posts"), first_new.label("first_new_id"), unopened_new.label("unopened_new")


def listing_values(viewer: User | None) -> dict:
    """The bound values listing_join and listing_columns need for this viewer."""
    return {"reader_id": viewer.id, "new_since": utcnow() - timedelta(days=UNVISITED_NEW_DAYS)}


def place_column():
    """The reader's place in the topic being shown (bound `reader_id` and `topic_id`), as one column."""
    return (
        select(TopicRead.last_read_post_id)
        .where(TopicRead.user_id == bindparam("reader_id"), TopicRead.topic_id == bindparam("topic_id"))
        .scalar_subquery()
        .label("read_up_to")
    )


def unread_notification_column():
    """Per shown post: whether the reader (bound `reader_id`) has an unread notification about it."""
    return (
        select(Notification.id)
        .where(
            Notification.post_id == Post.id,
            Notification.user_id == bindparam("reader_id"),
            Notification.read_at.is_(None),
        )
        .exists()
        .label("notified")
    )


def mark_topic_read(
    viewer: User | None, topic_id: int, *, shown: Sequence, known: int | None, notified: Sequence[int] = ()
) -> bool:
    """Move the viewer's place in a topic to the newest of the posts a page showed them; True if it moved.

    `known` is their place as the page's query found it: when the page shows nothing newer, nothing is
    written. `notified` are the shown posts the reader has unread notifications about (the page's query
    found them): those notifications become read, one UPDATE, only when there are some. Never for
    guests. A database that refuses the write costs only the marker.
    """
    if not permissions.has_read_state(viewer) or not shown:
        return False
    up_to = max(post.id for post in shown)
    moved = known is None or known < up_to
    if not moved and not notified:
        return False
    values = {"user_id": viewer.id, "topic_id": topic_id, "post_id": up_to}
    try:
        if moved:
            db.session.execute(_upsert(db.session.get_bind().dialect.name), values)
        if notified:
            db.session.execute(
                update(Notification)
                .where(
                    Notification.user_id == viewer.id,
                    Notification.post_id.in_(list(notified)),
                    Notification.read_at.is_(None),
                )
                .values(read_at=utcnow())
            )
        db.session.commit()
    except SQLAlchemyError as error:
        # The page was read all the same (a read-only or full database, a lock held too long).
        log.warning("read state not saved (%s)", type(error).__name__)
        db.session.rollback()
        return False
    return moved


@cache
def _upsert(dialect: str):
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(TopicRead.__table__).values(
        user_id=bindparam("user_id"), topic_id=bindparam("topic_id"), last_read_post_id=bindparam("post_id")
    )
    # Reading an earlier page never moves the place back.
    return statement.on_conflict_do_update(
        index_elements=["user_id", "topic_id"],
        set_={"last_read_post_id": statement.excluded.last_read_post_id},
        where=TopicRead.__table__.c.last_read_post_id < statement.excluded.last_read_post_id,
    )
