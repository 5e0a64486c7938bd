"""Small builders with defaults; pass keywords to override."""

from __future__ import annotations

import itertools
from functools import cache

from werkzeug.security import generate_password_hash

from forum.accounts.models import User
from forum.boards.models import Board, Post, PostStatus, Topic
from forum.extensions import db
from forum.permissions import Role

PASSWORD = "correct horse battery"
_seq = itertools.count(1)


@cache
def _password_hash() -> str:
    # Hashing is deliberately slow; one hash serves every factory-made user.
    return generate_password_hash(PASSWORD)


def make_user(pseudonym: str | None = None, *, role: Role = Role.MEMBER, **fields) -> User:
    pseudonym = pseudonym or f"member{next(_seq)}"
    user = User(
        pseudonym=pseudonym,
        pseudonym_key=pseudonym.lower(),
        password_hash=_password_hash(),
        role=Role(role).value,
        **fields,
    )
    db.session.add(user)
    db.session.commit()
    return user


def make_board(name: str | None = None, **fields) -> Board:
    n = next(_seq)
    name = name or f"Board {n}"
    board = Board(
        slug=fields.pop("slug", f"board-{n}"), name=name, description=fields.pop("description", "A board."), **fields
    )
    db.session.add(board)
    db.session.commit()
    return board


def make_topic(
    board: Board | None = None,
    author: User | None = None,
    *,
    title: str = "A topic",
    body: str = "Hello there.",
    anonymous: bool = False,
    **fields,
) -> Topic:
    """A topic with its first post, written straight to the database (no screening)."""
    from forum.boards.counts import recount_board, recount_topic

    board = board or make_board()
    author = author or make_user()
    topic = Topic(board=board, author=author, title=title, is_anonymous=anonymous, **fields)
    post = Post(topic=topic, author=author, body=body, is_anonymous=anonymous)
    db.session.add_all([topic, post])
    db.session.flush()
    topic.first_post_id = post.id
    recount_topic(topic.id)
    recount_board(board.id)
    db.session.commit()
    return topic


def make_post(
    topic: Topic | None = None,
    author: User | None = None,
    *,
    body: str = "A reply.",
    anonymous: bool = False,
    status: PostStatus = PostStatus.VISIBLE,
    **fields,
) -> Post:
    from forum.boards.counts import recount_board, recount_topic

    topic = topic or make_topic()
    author = author or make_user()
    post = Post(topic=topic, author=author, body=body, is_anonymous=anonymous, status=status.value, **fields)
    db.session.add(post)
    db.session.flush()
    recount_topic(topic.id)
    recount_board(topic.board_id)
    db.session.commit()
    return post


def make_meeting(board: Board | None = None, facilitator: User | None = None, **fields):
    """A meeting written straight to the database; starts a minute ago and runs an hour unless told."""
    from datetime import timedelta

    from forum.accounts.models import utcnow
    from forum.meetings.models import Meeting

    now = utcnow()
    meeting = Meeting(
        title=fields.pop("title", "Evening check-in"),
        board=board or make_board(),
        facilitator=facilitator or make_user(role=Role.FACILITATOR),
        starts_at=fields.pop("starts_at", now - timedelta(minutes=1)),
        length_minutes=fields.pop("length_minutes", 60),
        reading=fields.pop("reading", ""),
        created_at=now,
        updated_at=now,
        **fields,
    )
    db.session.add(meeting)
    db.session.commit()
    return meeting
