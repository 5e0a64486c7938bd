"""Boards, topics and posts: the posting workflow and the reads behind each page."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from flask import current_app
from flask_babel import gettext
from sqlalchemy import bindparam, column, delete, func, or_, select, table
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from forum import permissions
from forum.accounts import drafts
from forum.accounts.models import User, utcnow
from forum.boards import counts, reading
from forum.boards.models import REACTIONS, Board, Post, PostRevision, PostStatus, Reaction, Topic
from forum.boards.rows import POST_COLUMNS, TOPIC_COLUMNS, PostLike, TopicLike, listed_topic, shown_post
from forum.boards.visibility import get_post as get_post
from forum.boards.visibility import get_topic as get_topic
from forum.boards.visibility import scope_clause, viewer_scope
from forum.caches import board_fragments, forget_fragments, forget_texts, topic_fragments
from forum.errors import InvalidAction, NotAllowed, NotFound
from forum.extensions import db
from forum.i18n import number, written_moment
from forum.moderation.queue import log_action
from forum.notifications import services as notifications
from forum.translatable import ANONYMOUS_LABEL, translatable
from forum.workflow import screen_edit, screen_new_post

MAX_TITLE = 150
MAX_BODY = 20_000
MAX_CONTENT_NOTE = 100
ANONYMOUS_YOU_LABEL = translatable("Anonymous member (you)")
FORMER_MEMBER_LABEL = translatable("Former member")

DEFAULT_BOARDS = (
    (
        "dual-diagnosis",
        translatable("Dual diagnosis"),
        translatable("Living with a mental-health condition and a substance-use disorder at once."),
    ),
    (
        "stigma",
        translatable("Stigma"),
        translatable("Shame, labels and being judged: what we've met and how we push back."),
    ),
    (
        "relapse-prevention",
        translatable("Relapse prevention"),
        translatable("Warning signs, triggers, plans and what helps us stay on track."),
    ),
    (
        "introductions",
        translatable("Introductions"),
        translatable("New here? Say hello and share as much or as little as you like."),
    ),
    (
        "coping-skills-wins",
        translatable("Coping skills & wins"),
        translatable("What helps on hard days, and the wins worth celebrating, big or small."),
    ),
    (
        "milestones",
        translatable("Milestones"),
        translatable("30 days, 90 days, a year: days that count, shared from members' check-ins."),
    ),
    (
        "family-friends",
        translatable("Family & friends"),
        translatable("For those who love someone with a dual diagnosis, and for talking about them."),
    ),
)


@dataclass(frozen=True)
class Page:
    items: list
    page: int
    pages: int
    total: int
    # On a topic page for a signed-in viewer: their place in the topic before this page (reading.py).
    read_up_to: int | None = None
    # The shown posts the signed-in viewer has unread notifications about (reading.mark_topic_read reads them).
    notified: tuple = ()


def author_label(item: PostLike | TopicLike, viewer: User | None) -> str:
    """The name shown for an item's author to this viewer; never reveals an anonymous author."""
    if item.is_anonymous:
        # A deleted account's anonymous posts stay anonymous: turning them into "Former member"
        # together with its named posts would link the two.
        if item.author_id is None:
            return ANONYMOUS_LABEL
        if permissions.is_author(viewer, item):
            return ANONYMOUS_YOU_LABEL
        if permissions.can_see_anonymous_handle(viewer):
            return item.author.anonymous_label
        return ANONYMOUS_LABEL
    if item.author_id is None:
        return FORMER_MEMBER_LABEL
    return item.author.pseudonym


def public_author_label(item: PostLike | TopicLike) -> str:
    """The author's name as every reader sees it: the only label that may be copied into new text."""
    return author_label(item, None)


def _clean_text(text: str | None) -> str:
    # NUL and other control characters (but not newlines and tabs) have no place in a post.
    text = "".join(ch for ch in (text or "") if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    return text.replace("\r\n", "\n").strip()


def _check_text(title: str | None, body: str, content_note: str | None) -> None:
    if title is not None:
        if not title:
            raise InvalidAction(gettext("Please give your topic a title."), field="title")
        if len(title) > MAX_TITLE:
            raise InvalidAction(gettext("Titles can be up to %(max)s characters.", max=MAX_TITLE), field="title")
    if not body:
        raise InvalidAction(gettext("Please write a message."), field="body")
    if len(body) > MAX_BODY:
        raise InvalidAction(
            gettext(
                "Messages can be up to %(max)s characters; this one has %(length)s.",
                max=number(MAX_BODY),
                length=number(len(body)),
            ),
            field="body",
        )
    if content_note and len(content_note) > MAX_CONTENT_NOTE:
        raise InvalidAction(
            gettext("Content notes can be up to %(max)s characters.", max=MAX_CONTENT_NOTE), field="content_note"
        )


def _require_poster(user: User) -> None:
    if not permissions.can_post(user):
        if user.is_banned:
            raise InvalidAction(gettext("Your account has been closed by the moderators, so you can't post."))
        if user.is_suspended:
            until = written_moment(user.suspended_until) + " UTC"
            message = gettext("Your account is suspended until %(until)s, so you can't post yet.", until=until)
            if user.restriction_reason:
                message += " " + gettext("Reason: %(reason)s.", reason=user.restriction_reason)
            raise InvalidAction(message)
        raise NotAllowed()


def create_topic(
    board: Board,
    author: User,
    *,
    title: str,
    body: str,
    anonymous: bool = False,
    content_note: str | None = None,
    before_write: Callable[[], None] | None = None,
) -> Topic:
    """Start a topic with its first post; raises InvalidAction on bad input or a restricted author.

    `before_write` runs once every rule has passed, before anything is written (a rate limit counts
    there, so a refused form costs nothing); whatever it raises refuses the topic.
    """
    title, body, content_note = _clean_text(title), _clean_text(body), _clean_text(content_note) or None
    _require_poster(author)
    _check_text(title, body, content_note)
    if before_write is not None:
        before_write()
    now = utcnow()
    topic = Topic(board=board, author=author, is_anonymous=anonymous, title=title, created_at=now, last_activity_at=now)
    post = Post(
        topic=topic, author=author, is_anonymous=anonymous, body=body, content_note=content_note, created_at=now
    )
    db.session.add_all([topic, post])
    db.session.flush()
    screen_new_post(post)
    topic.status = post.status
    topic.support_level = post.support_level
    counts.topic_started(topic, post)
    notifications.watch_by_default(topic.id, author.id)
    if post.status == PostStatus.VISIBLE:
        notifications.post_published(post, new=True)
    db.session.commit()
    return topic


def create_reply(
    topic: Topic,
    author: User,
    *,
    body: str,
    anonymous: bool = False,
    content_note: str | None = None,
    before_write: Callable[[], None] | None = None,
    draft_key: str | None = None,
) -> Post:
    """Reply to a topic; raises InvalidAction on bad input, a locked topic or a restricted author.

    `before_write` is as for create_topic. `draft_key` names the author's saved draft the reply replaces: it is
    deleted in the reply's transaction, not in a second one.
    """
    body, content_note = _clean_text(body), _clean_text(content_note) or None
    _require_poster(author)
    if topic.status != PostStatus.VISIBLE and not permissions.is_author(author, topic):
        raise InvalidAction(gettext("This topic is no longer open for replies."))
    if not permissions.can_reply(author, topic):
        raise InvalidAction(gettext("This topic is locked, so new replies can't be added."))
    _check_text(None, body, content_note)
    if before_write is not None:
        before_write()
    post = Post(topic=topic, author=author, is_anonymous=anonymous, body=body, content_note=content_note)
    db.session.add(post)
    db.session.flush()
    screen_new_post(post)
    notifications.watch_by_default(topic.id, author.id)
    if post.status == PostStatus.VISIBLE:
        counts.post_shown(post)
        notifications.post_published(post, new=True)
    if draft_key is not None:
        drafts.delete_member_draft(author.id, draft_key)
    db.session.commit()
    return post


def edit_post(
    post: Post,
    by: User,
    *,
    body: str,
    title: str | None = None,
    content_note: str | None = None,
    reason: str | None = None,
    before_write: Callable[[], None] | None = None,
) -> Post:
    """Edit a post (and its topic's title for a first post); moderators must give a reason.

    `before_write` is as for create_topic.
    """
    body, content_note = _clean_text(body), _clean_text(content_note) or None
    title = _clean_text(title) if title is not None else None
    if not permissions.can_edit_post(by, post):
        raise NotAllowed()
    is_moderator_edit = not permissions.is_author(by, post)
    if is_moderator_edit and not (reason or "").strip():
        raise InvalidAction(gettext("Please give a reason for editing someone else's post."), field="reason")
    _check_text(title, body, content_note)
    if before_write is not None:
        before_write()
    first = title is not None and post.is_first
    old_title = post.topic.title if first else None
    if (body, content_note) != (post.body, post.content_note) or (first and title != old_title):
        # The version being replaced, for the edit history its author and the moderators can read.
        db.session.add(
            PostRevision(
                post_id=post.id,
                body=post.body,
                title=old_title,
                content_note=post.content_note,
                written_at=post.edited_at or post.created_at,
                by_moderator=is_moderator_edit,
            )
        )
    forget_texts(post.body)
    post.body = body
    post.content_note = content_note
    post.edited_at = utcnow()
    if first:
        post.topic.title = title
    if is_moderator_edit:
        log_action(by, "edit_post", post=post, note=reason.strip())
    else:
        before = post.status
        screen_edit(post)
        if post.status != before and post.is_first:
            counts.set_topic_status(post.topic, post.status)
        # A name or quote added by the edit is told of, once the post is visible.
        notifications.post_published(post, edited=True)
    groups = _fragments_of(post)
    counts.bump_cache_epoch()
    db.session.commit()
    forget_fragments(*groups)
    return post


def delete_own_post(post: Post, by: User) -> None:
    """Remove one's own post, leaving a placeholder in the thread."""
    if not permissions.can_delete_post(by, post):
        raise NotAllowed()
    counts.set_post_status(post, PostStatus.REMOVED.value)
    forget_texts(post.body)
    # Earlier versions go with it: an author who removes a post removes what it said before too.
    db.session.execute(delete(PostRevision).where(PostRevision.post_id == post.id))
    groups = _fragments_of(post)
    counts.bump_cache_epoch()
    db.session.commit()
    forget_fragments(*groups)


def _fragments_of(post: Post) -> tuple[str, str]:
    """The cached fragments that may show this post's words: its topic's pages, its board's listing (titles)."""
    return topic_fragments(post.topic_id), board_fragments(post.topic.board_id)


def post_history(post: Post, viewer: User | None) -> list[PostRevision]:
    """A post's earlier versions, newest first, for its author and the moderators; NotAllowed otherwise."""
    if not permissions.can_view_post_history(viewer, post):
        raise NotAllowed()
    return list(
        db.session.scalars(select(PostRevision).where(PostRevision.post_id == post.id).order_by(PostRevision.id.desc()))
    )


# Reads behind the pages --------------------------------------------------------------


def _page_number(page: int, total: int, per_page: int) -> tuple[int, int]:
    pages = max((total + per_page - 1) // per_page, 1)
    return min(max(page, 1), pages), pages


def list_boards() -> list[Board]:
    """Every board in order, with its last post and that post's author loaded."""
    return list(
        db.session.scalars(
            select(Board)
            .options(
                joinedload(Board.last_post).joinedload(Post.author), joinedload(Board.last_post).joinedload(Post.topic)
            )
            .order_by(Board.position, Board.id)
        ).unique()
    )


def get_board(slug: str) -> Board:
    """The board with this slug; raises NotFound."""
    board = db.session.scalar(_board_by_slug(), {"slug": slug})
    if board is None:
        raise NotFound()
    return board


# The pages' statements are built once per process and run with bound values: building and
# hashing a fresh statement cost about as much as running it (~0.4 ms a query).
@cache
def _board_by_slug():
    return select(Board).where(Board.slug == bindparam("slug"))


def _rows(statement, values: dict):
    """Run a statement that selects columns (not models) on the session's connection.

    The ORM's execution layer adds ~60 µs a query and nothing these statements need; the session
    is flushed first, as its own execute would.
    """
    db.session.flush()
    return db.session.connection().execute(statement, values)


def board_topics(board: Board, viewer: User | None, page: int) -> Page:
    """One page of a board's topics (ListedTopic rows): pinned first, then by last activity."""
    per_page = current_app.config["TOPICS_PER_PAGE"]
    scope, values = viewer_scope(viewer)
    values["board_id"] = board.id
    count, listing = _board_topics_statements(scope)
    total = _rows(count, values).scalar()
    page, pages = _page_number(page, total, per_page)
    # A signed-in viewer's rows carry their read state too (reading.listing_columns).
    reader = scope != "public"
    if reader:
        values |= reading.listing_values(viewer)
    rows = _rows(listing, {**values, "limit": per_page, "offset": (page - 1) * per_page})
    topics = [listed_topic(row, reader=reader) for row in rows]
    return Page(topics, page, pages, total)


@cache
def _board_topics_statements(scope: str):
    where = (Topic.board_id == bindparam("board_id")) & scope_clause(Topic, scope)
    author, last_post, last_author = aliased(User), aliased(Post), aliased(User)
    listing = (
        select(
            *TOPIC_COLUMNS,
            author.pseudonym.label("author_pseudonym"),
            author.anonymous_handle.label("author_handle"),
            last_post.id.label("last_id"),
            last_post.author_id.label("last_author_id"),
            last_post.is_anonymous.label("last_is_anonymous"),
            last_author.pseudonym.label("last_pseudonym"),
            last_author.anonymous_handle.label("last_handle"),
        )
        .outerjoin(author, author.id == Topic.author_id)
        .outerjoin(last_post, last_post.id == Topic.last_post_id)
        .outerjoin(last_author, last_author.id == last_post.author_id)
        .where(where)
        .order_by(Topic.is_pinned.desc(), Topic.last_activity_at.desc(), Topic.id.desc())
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )
    if scope != "public":
        # Signed in: the read state of every row comes with the rows, in this one statement.
        listing = listing.add_columns(*reading.listing_columns()).outerjoin(*reading.listing_join())
    return select(func.count(Topic.id)).where(where), listing


def topic_posts(topic: Topic, viewer: User | None, page: int) -> Page:
    """One page of a topic's posts (ShownPost rows), oldest first, as this viewer may see them."""
    per_page = current_app.config["POSTS_PER_PAGE"]
    scope, values = viewer_scope(viewer)
    values["topic_id"] = topic.id
    count, listing = _topic_posts_statements(scope)
    total = _rows(count, values).scalar()
    page, pages = _page_number(page, total, per_page)
    reactor = viewer.id if viewer is not None and viewer.is_authenticated else 0
    rows = _rows(
        listing,
        {**values, "reactor_id": reactor, "reader_id": reactor, "limit": per_page, "offset": (page - 1) * per_page},
    ).all()
    kinds = list(REACTIONS)
    posts = [shown_post(row, kinds) for row in rows]
    # A signed-in viewer's rows carry their place in the topic (reading.place_column) and whether each
    # shown post has unread notifications for them (reading.unread_notification_column).
    read_up_to = rows[0].read_up_to if scope != "public" and rows else None
    notified = tuple(row.id for row in rows if row.notified) if scope != "public" else ()
    return Page(posts, page, pages, total, read_up_to, notified)


@cache
def _topic_posts_statements(scope: str):
    where = (Post.topic_id == bindparam("topic_id")) & scope_clause(Post, scope)
    listing = (
        select(
            *POST_COLUMNS,
            User.pseudonym,
            User.anonymous_handle,
            _has_risk_flag().label("flagged"),
            User.role,
            *_reaction_columns(),
        )
        .outerjoin(User, User.id == Post.author_id)
        .where(where)
        .order_by(Post.id)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )
    if scope != "public":
        listing = listing.add_columns(reading.place_column(), reading.unread_notification_column())
    return select(func.count(Post.id)).where(where), listing


def _reaction_columns():
    """Per post: how many of each reaction, then whether this viewer gave each (subqueries, no extra statement)."""
    counts = [
        select(func.count(Reaction.id))
        .where(Reaction.post_id == Post.id, Reaction.kind == kind)
        .scalar_subquery()
        .label(f"count_{kind}")
        for kind in REACTIONS
    ]
    mine = [
        select(Reaction.id)
        .where(Reaction.post_id == Post.id, Reaction.kind == kind, Reaction.user_id == bindparam("reactor_id"))
        .exists()
        .label(f"mine_{kind}")
        for kind in REACTIONS
    ]
    return [*counts, *mine]


def react(post: Post, by: User, kind: str) -> bool:
    """Give or take back a reaction (a toggle); True when it is now given. One transaction."""
    if not permissions.can_react(by, post):
        raise NotAllowed()
    if kind not in REACTIONS:
        raise InvalidAction(gettext("Choose a reaction."))
    existing = db.session.scalar(
        select(Reaction).where(Reaction.post_id == post.id, Reaction.user_id == by.id, Reaction.kind == kind)
    )
    if existing is not None:
        db.session.delete(existing)
    else:
        db.session.add(Reaction(post_id=post.id, user_id=by.id, kind=kind))
        notifications.reaction_given(post, kind)
    try:
        db.session.commit()
    except IntegrityError:
        # The same reaction sent twice at once: the unique constraint keeps one.
        db.session.rollback()
        return True
    return existing is None


# The crisis flag table as a plain table clause: boards read whether a post was flagged without
# importing the crisis package, which sits above boards.
_crisis_flag = table("crisis_flag", column("post_id"), column("feedback"))


def _has_risk_flag():
    return (
        select(_crisis_flag.c.post_id)
        .where(
            _crisis_flag.c.post_id == Post.id,
            or_(_crisis_flag.c.feedback.is_(None), _crisis_flag.c.feedback != "false_alarm"),
        )
        .exists()
    )


def post_page(post: Post, viewer: User | None) -> int:
    """Which page of its topic a post falls on, for this viewer."""
    per_page = current_app.config["POSTS_PER_PAGE"]
    scope, values = viewer_scope(viewer)
    before = db.session.scalar(
        select(func.count(Post.id)).where(Post.topic_id == post.topic_id, Post.id < post.id, scope_clause(Post, scope)),
        values,
    )
    return before // per_page + 1


def member_posts(member: User, viewer: User | None, limit: int = 20) -> list[Post]:
    """A member's recent public posts under their pseudonym; anonymous ones never appear."""
    return list(
        db.session.scalars(
            select(Post)
            .join(Topic)
            .options(joinedload(Post.topic))
            .where(Post.author_id == member.id, Post.is_anonymous.is_(False), Post.status == PostStatus.VISIBLE)
            .where(Topic.status == PostStatus.VISIBLE)
            .order_by(Post.id.desc())
            .limit(limit)
        )
    )


# A long-standing member may have thousands of posts: "Your activity" shows them a page at a time.
ACTIVITY_PER_PAGE = 50


def member_activity(member: User, page: int = 1) -> Page:
    """One page of all a member's own posts, newest first: anonymous, held, hidden and removed too.

    Only for the member themself (their "Your activity" page): it names their anonymous posts.
    """
    mine = Post.author_id == member.id
    total = db.session.scalar(select(func.count(Post.id)).where(mine))
    page, pages = _page_number(page, total, ACTIVITY_PER_PAGE)
    posts = db.session.scalars(
        select(Post)
        .options(joinedload(Post.topic))
        .where(mine)
        .order_by(Post.id.desc())
        .limit(ACTIVITY_PER_PAGE)
        .offset((page - 1) * ACTIVITY_PER_PAGE)
    )
    return Page(list(posts), page, pages, total)


def slugify(name: str) -> str:
    """A URL slug for a board name."""
    slug = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower())
    return slug.strip("-")[:60] or "board"


def add_board(name: str, description: str = "") -> Board:
    """Add a board at the end of the list; raises InvalidAction when the name is taken."""
    slug = slugify(name)
    if db.session.scalar(select(Board).where(Board.slug == slug)):
        raise InvalidAction(f"A board called {name} already exists.")
    position = (db.session.scalar(select(func.max(Board.position))) or 0) + 1
    board = Board(slug=slug, name=name, description=description, position=position)
    db.session.add(board)
    db.session.commit()
    return board


def rename_board(slug: str, name: str, description: str | None = None) -> Board:
    """Rename a board (its address stays the same)."""
    board = get_board(slug)
    board.name = name
    if description is not None:
        board.description = description
    db.session.commit()
    return board


def reorder_boards(slugs: list[str]) -> None:
    """Put the named boards first, in this order; the rest keep their order after them."""
    boards = {b.slug: b for b in db.session.scalars(select(Board).order_by(Board.position, Board.id))}
    unknown = [s for s in slugs if s not in boards]
    if unknown:
        raise InvalidAction(f"No board with slug {', '.join(unknown)}.")
    ordered = [boards[s] for s in slugs] + [b for s, b in boards.items() if s not in slugs]
    for position, board in enumerate(ordered, start=1):
        board.position = position
    db.session.commit()


def seed_default_boards() -> int:
    """Create any of the default boards that are missing; returns how many were added."""
    existing = set(db.session.scalars(select(Board.slug)))
    added = 0
    for position, (slug, name, description) in enumerate(DEFAULT_BOARDS, start=1):
        if slug not in existing:
            db.session.add(Board(slug=slug, name=name, description=description, position=position))
            added += 1
    db.session.commit()
    return added
