"""Atom feeds: the newest topics (forum-wide or on one board) and the newest posts of a topic.

A feed reader cannot sign in, so a feed holds only what a guest may read, whoever asks for it:
visible posts in visible topics, with anonymous authors shown as "Anonymous member" and nothing
else about them. Entries are plain values, so a template can't reach an author by accident.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, func, select, true
from sqlalchemy.orm import aliased, contains_eager, joinedload

from forum.accounts.models import utcnow
from forum.boards.models import Board, Post, PostStatus, Topic
from forum.boards.services import author_label
from forum.errors import NotFound
from forum.extensions import db

# Entries a feed carries: readers poll often, so a short window misses nothing and stays cheap.
FEED_LENGTH = 20


@dataclass(frozen=True, slots=True)
class FeedEntry:
    post_id: int
    topic_id: int
    board_slug: str
    title: str
    author: str
    body: str
    content_note: str | None
    published: datetime
    updated: datetime


def rfc3339(moment: datetime) -> str:
    """A naive UTC datetime as Atom wants it: 2026-01-31T09:30:00Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def feed_updated(entries: list[FeedEntry], fallback: datetime | None = None) -> datetime:
    """When the feed last changed: its newest entry's change, else the fallback, else now."""
    return max((entry.updated for entry in entries), default=None) or fallback or utcnow()


def feed_etag(entries: list[FeedEntry], *parts: str) -> str:
    """A validator for a feed, from the values it is rendered from, so it costs no rendering.

    It changes whenever an entry is added, dropped (hidden, held, removed) or changed (edited
    body, title, content note, author label), or one of `parts` (feed title, links) changes. It is
    weak (the route sends W/"..."): it stands for the feed's content, not its exact bytes, which a
    change to the template could alter without changing it.
    """
    digest = hashlib.blake2b(repr((parts, entries)).encode(), digest_size=16)
    return digest.hexdigest()


def _entry(post: Post, topic: Topic, board_slug: str, title: str) -> FeedEntry:
    return FeedEntry(
        post_id=post.id,
        topic_id=topic.id,
        board_slug=board_slug,
        title=title,
        author=author_label(post, None),
        body=post.body,
        content_note=post.content_note,
        published=post.created_at,
        updated=post.edited_at or post.created_at,
    )


def latest_topics(board: Board | None = None, limit: int = FEED_LENGTH) -> list[FeedEntry]:
    """The newest visible topics, forum-wide or on one board, each as its opening post, newest first."""
    values = {"limit": limit}
    if board is not None:
        values["board_id"] = board.id
    posts = db.session.scalars(_latest_topics_statement(board is not None), values)
    return [_entry(post, post.topic, post.topic.board.slug, post.topic.title) for post in posts]


@cache
def _latest_topics_statement(one_board: bool):
    # The newest topics first, by id alone: the opening post is then found per topic, not per row
    # a board holds. A topic whose opening post is no longer visible drops out of the window.
    newest = (
        select(Topic.id)
        .where(Topic.status == PostStatus.VISIBLE.value)
        .where(Topic.board_id == bindparam("board_id") if one_board else true())
        .order_by(Topic.id.desc())
        .limit(bindparam("limit"))
    )
    first = aliased(Post)
    first_post_id = select(func.min(first.id)).where(first.topic_id == Topic.id).scalar_subquery()
    return (
        select(Post)
        .join(Post.topic)
        .join(Topic.board)
        .options(contains_eager(Post.topic).contains_eager(Topic.board), joinedload(Post.author))
        .where(Topic.id.in_(newest), Post.id == first_post_id, Post.status == PostStatus.VISIBLE.value)
        .order_by(Topic.id.desc())
    )


def feed_topic(topic_id: int) -> Topic:
    """The topic if a guest may read it (with its board loaded); raises NotFound."""
    topic = db.session.scalar(
        select(Topic).options(joinedload(Topic.board)).where(Topic.id == topic_id),
    )
    if topic is None or topic.status != PostStatus.VISIBLE:
        raise NotFound()
    return topic


def topic_posts(topic: Topic, limit: int = FEED_LENGTH) -> list[FeedEntry]:
    """A topic's newest visible posts, newest first; replies are titled "Re: <topic title>"."""
    rows = db.session.execute(_topic_posts_statement(), {"topic_id": topic.id, "limit": limit}).unique()
    return [
        _entry(post, topic, topic.board.slug, topic.title if post.id == first_id else f"Re: {topic.title}")
        for post, first_id in rows
    ]


@cache
def _topic_posts_statement():
    first = aliased(Post)
    first_post_id = select(func.min(first.id)).where(first.topic_id == bindparam("topic_id")).scalar_subquery()
    return (
        select(Post, first_post_id)
        .options(joinedload(Post.author))
        .where(Post.topic_id == bindparam("topic_id"), Post.status == PostStatus.VISIBLE.value)
        .order_by(Post.id.desc())
        .limit(bindparam("limit"))
    )
