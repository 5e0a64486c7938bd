"""Boards, topics and posts: the posting workflow and the reads behind each page."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from flask import current_app
from sqlalchemy import bindparam, column, delete, func, or_, select, table, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from forum import permissions
from forum.accounts.models import User, utcnow
from forum.boards import counts, reading
from forum.boards.models import PUBLIC_STATUSES, REACTIONS, Board, Post, PostRevision, PostStatus, Reaction, Topic
from forum.errors import InvalidAction, NotAllowed, NotFound
from forum.extensions import db
from forum.notifications import services as notifications
from forum.notifications.models import TopicWatch

MAX_TITLE = 150
MAX_BODY = 20_000
MAX_CONTENT_NOTE = 100
ANONYMOUS_LABEL = "Anonymous member"
FORMER_MEMBER_LABEL = "Former member"

DEFAULT_BOARDS = (
    ("dual-diagnosis", "Dual diagnosis", "Living with a mental-health condition and a substance-use disorder at once."),
    ("stigma", "Stigma", "Shame, labels and being judged: what we've met and how we push back."),
    ("relapse-prevention", "Relapse prevention", "Warning signs, triggers, plans and what helps us stay on track."),
    ("introductions", "Introductions", "New here? Say hello and share as much or as little as you like."),
    (
        "coping-skills-wins",
        "Coping skills & wins",
        "What helps on hard days, and the wins worth celebrating, big or small.",
    ),
    ("milestones", "Milestones", "30 days, 90 days, a year: days that count, shared from members' check-ins."),
    (
        "family-friends",
        "Family & friends",
        "For those who love someone with a dual diagnosis, and for talking about them.",
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


def author_label(item: Post | Topic, viewer: User | None) -> str:
    """The name shown for an item's author to this viewer; never reveals an anonymous author."""
    if item.is_anonymous:
        # A deleted account's anonymous posts stay anonymous: turning them into "Former member"
        # together with its named posts would link the two.
        if item.author_id is None:
            return ANONYMOUS_LABEL
        if permissions.is_author(viewer, item):
            return f"{ANONYMOUS_LABEL} (you)"
        if permissions.can_see_anonymous_handle(viewer):
            return item.author.anonymous_label
        return ANONYMOUS_LABEL
    if item.author_id is None:
        return FORMER_MEMBER_LABEL
    return item.author.pseudonym


def public_author_label(item: Post | Topic) -> str:
    """The author's name as every reader sees it: the only label that may be copied into new text."""
    return author_label(item, None)


def _clean_text(text: str | None) -> str:
    # NUL and other control characters (but not newlines and tabs) have no place in a post.
    text = "".join(ch for ch in (text or "") if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    return text.replace("\r\n", "\n").strip()


def _check_text(title: str | None, body: str, content_note: str | None) -> None:
    if title is not None:
        if not title:
            raise InvalidAction("Please give your topic a title.", field="title")
        if len(title) > MAX_TITLE:
            raise InvalidAction(f"Titles can be up to {MAX_TITLE} characters.", field="title")
    if not body:
        raise InvalidAction("Please write a message.", field="body")
    if len(body) > MAX_BODY:
        raise InvalidAction(f"Messages can be up to {MAX_BODY:,} characters; this one has {len(body):,}.", field="body")
    if content_note and len(content_note) > MAX_CONTENT_NOTE:
        raise InvalidAction(f"Content notes can be up to {MAX_CONTENT_NOTE} characters.", field="content_note")


def _require_poster(user: User) -> None:
    if not permissions.can_post(user):
        if user.is_banned:
            raise InvalidAction("Your account has been closed by the moderators, so you can't post.")
        if user.is_suspended:
            until = user.suspended_until.strftime("%d %B %Y, %H:%M UTC")
            reason = f" Reason: {user.restriction_reason}." if user.restriction_reason else ""
            raise InvalidAction(f"Your account is suspended until {until}, so you can't post yet.{reason}")
        raise NotAllowed()


def _screen_new_post(post: Post) -> None:
    """Hold or flag the post as moderation and the crisis flagger decide."""
    from forum.crisis.services import screen_post
    from forum.moderation.services import hold_if_new_author

    hold_if_new_author(post)
    screen_post(post)


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
    _screen_new_post(post)
    topic.status = post.status
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
) -> Post:
    """Reply to a topic; raises InvalidAction on bad input, a locked topic or a restricted author.

    `before_write` is as for create_topic.
    """
    body, content_note = _clean_text(body), _clean_text(content_note) or None
    _require_poster(author)
    if topic.status != PostStatus.VISIBLE and not permissions.is_author(author, topic):
        raise InvalidAction("This topic is no longer open for replies.")
    if not permissions.can_reply(author, topic):
        raise InvalidAction("This topic is locked, so new replies can't be added.")
    _check_text(None, body, content_note)
    if before_write is not None:
        before_write()
    post = Post(topic=topic, author=author, is_anonymous=anonymous, body=body, content_note=content_note)
    db.session.add(post)
    db.session.flush()
    _screen_new_post(post)
    notifications.watch_by_default(topic.id, author.id)
    if post.status == PostStatus.VISIBLE:
        counts.post_shown(post)
        notifications.post_published(post, new=True)
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
        raise InvalidAction("Please give a reason for editing someone else's post.", field="reason")
    _check_text(title, body, content_note)
    if before_write is not None:
        before_write()
    first = title is not None and is_first_post(post)
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
    post.body = body
    post.content_note = content_note
    post.edited_at = utcnow()
    if first:
        post.topic.title = title
    if is_moderator_edit:
        from forum.moderation.services import log_action

        log_action(by, "edit_post", post=post, note=reason.strip())
    else:
        from forum.crisis.services import screen_post

        before = post.status
        screen_post(post, edited=True)
        if post.status != before and is_first_post(post):
            counts.set_topic_status(post.topic, post.status)
        # A name or quote added by the edit is told of, once the post is visible.
        notifications.post_published(post, edited=True)
    db.session.commit()
    return post


def delete_own_post(post: Post, by: User) -> None:
    """Remove one's own post, leaving a placeholder in the thread."""
    if not permissions.can_delete_post(by, post):
        raise NotAllowed()
    counts.set_post_status(post, PostStatus.REMOVED.value)
    # Earlier versions go with it: an author who removes a post removes what it said before too.
    db.session.execute(delete(PostRevision).where(PostRevision.post_id == post.id))
    db.session.commit()


def post_history(post: Post, viewer: User | None) -> list[PostRevision]:
    """A post's earlier versions, newest first, for its author and the moderators; NotAllowed otherwise."""
    if not permissions.can_view_post_history(viewer, post):
        raise NotAllowed()
    return list(
        db.session.scalars(select(PostRevision).where(PostRevision.post_id == post.id).order_by(PostRevision.id.desc()))
    )


def is_first_post(post: Post) -> bool:
    """True for the post that opened its topic."""
    first_id = db.session.scalar(select(func.min(Post.id)).where(Post.topic_id == post.topic_id))
    return first_id == post.id


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


def _viewer_scope(viewer: User | None) -> tuple[str, dict]:
    """Which rows this viewer may list ('all', 'public' or 'own': public plus their own), and its bound values."""
    if permissions.can_review_queue(viewer):
        return "all", {}
    if viewer is not None and viewer.is_authenticated:
        return "own", {"viewer_id": viewer.id}
    return "public", {}


def _scope_clause(model, scope: str):
    if scope == "all":
        return true()
    clause = model.status.in_(PUBLIC_STATUSES)
    if scope == "own":
        clause = or_(clause, model.author_id == bindparam("viewer_id"))
    return clause


def _visible_post_clause(viewer: User | None):
    if permissions.can_review_queue(viewer):
        return True
    clause = Post.status.in_(PUBLIC_STATUSES)
    if viewer is not None and viewer.is_authenticated:
        clause = or_(clause, Post.author_id == viewer.id)
    return clause


# A board page lists topics as plain rows: loading them as ORM objects (topic, post and two
# authors a row) took over half of the page's time. author_label reads these as it reads models.
# The row classes are not frozen: a frozen dataclass sets each field through object.__setattr__,
# which made building a 25-topic page's ~100 rows cost ~0.15 ms instead of ~0.03 ms.


@dataclass(slots=True)
class ListedAuthor:
    pseudonym: str
    anonymous_handle: str
    # Only the topic page's rows carry it (for the staff badge); other listings leave it None.
    role: str | None = None
    anonymous_label = User.anonymous_label


@dataclass(slots=True)
class ListedPost:
    id: int
    author_id: int | None
    is_anonymous: bool
    author: ListedAuthor | None


@dataclass(slots=True)
class ListedTopic:
    id: int
    title: str
    status: str
    author_id: int | None
    is_anonymous: bool
    is_pinned: bool
    is_announcement: bool
    is_locked: bool
    post_count: int
    last_activity_at: datetime
    author: ListedAuthor | None
    last_post: ListedPost | None
    # For a signed-in viewer (reading.py): posts new since their last visit and the first of them, or
    # whether a topic they never opened is recent enough to read "new". Guests' rows keep the defaults.
    new_posts: int | None = None
    first_new_id: int | None = None
    unopened_new: bool = False
    reply_count = Topic.reply_count


_TOPIC_COLUMNS = (
    Topic.id,
    Topic.title,
    Topic.status,
    Topic.author_id,
    Topic.is_anonymous,
    Topic.is_pinned,
    Topic.is_announcement,
    Topic.is_locked,
    Topic.post_count,
    Topic.last_activity_at,
)


def _listed_author(pseudonym: str | None, handle: str | None, role: str | None = None) -> ListedAuthor | None:
    return ListedAuthor(pseudonym, handle, role) if pseudonym is not None else None


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
    scope, values = _viewer_scope(viewer)
    values["board_id"] = board.id
    count, listing = _board_topics_statements(scope)
    total = _rows(count, values).scalar()
    page, pages = _page_number(page, total, per_page)
    # A signed-in viewer's rows end with their read state (reading.listing_columns); a guest's stop at 17.
    reader = scope != "public"
    if reader:
        values |= reading.listing_values(viewer)
    rows = _rows(listing, {**values, "limit": per_page, "offset": (page - 1) * per_page})
    topics = [
        ListedTopic(
            *row[:10],
            author=_listed_author(row[10], row[11]),
            last_post=ListedPost(row[12], row[13], row[14], _listed_author(row[15], row[16]))
            if row[12] is not None
            else None,
            new_posts=row[17] if reader else None,
            first_new_id=row[18] if reader else None,
            unopened_new=bool(row[19]) if reader else False,
        )
        for row in rows
    ]
    return Page(topics, page, pages, total)


@cache
def _board_topics_statements(scope: str):
    where = (Topic.board_id == bindparam("board_id")) & _scope_clause(Topic, scope)
    author, last_post, last_author = aliased(User), aliased(Post), aliased(User)
    listing = (
        select(
            *_TOPIC_COLUMNS,
            author.pseudonym,
            author.anonymous_handle,
            last_post.id,
            last_post.author_id,
            last_post.is_anonymous,
            last_author.pseudonym,
            last_author.anonymous_handle,
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


def get_topic(topic_id: int, viewer: User | None) -> Topic:
    """The topic if this viewer may see it; raises NotFound."""
    reader = viewer.id if viewer is not None and viewer.is_authenticated else 0
    row = db.session.execute(_topic_by_id(), {"topic_id": topic_id, "reader_id": reader}).first()
    if row is None:
        raise NotFound()
    # The reader's Watch / Mute choice comes with the topic: the topic page's buttons cost no query.
    topic, topic.watch_level = row
    visible = (
        topic.status in PUBLIC_STATUSES or permissions.can_review_queue(viewer) or permissions.is_author(viewer, topic)
    )
    if not visible:
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


# A topic page shows its posts as plain rows too: loading 20 posts and their authors as ORM
# objects cost ~0.5 ms a page. templates/_partials/post.html, author_label and the can_*_post
# checks read these as they read Post models.


@dataclass(slots=True)
class ShownPost:
    id: int
    author_id: int | None
    is_anonymous: bool
    body: str
    content_note: str | None
    status: str
    created_at: datetime
    edited_at: datetime | None
    moderator_note: str | None
    author: ListedAuthor | None
    # The flagger found risk in it (and no moderator called it a false alarm): readers get the peer note.
    flagged: bool = False
    # Reaction counts by kind, and the kinds this viewer gave (never who else reacted).
    reactions: dict | None = None
    reacted: frozenset = frozenset()
    is_removed_by_author = Post.is_removed_by_author
    is_held = Post.is_held
    is_hidden = Post.is_hidden


_POST_COLUMNS = (
    Post.id,
    Post.author_id,
    Post.is_anonymous,
    Post.body,
    Post.content_note,
    Post.status,
    Post.created_at,
    Post.edited_at,
    Post.moderator_note,
)


def topic_posts(topic: Topic, viewer: User | None, page: int) -> Page:
    """One page of a topic's posts (ShownPost rows), oldest first, as this viewer may see them."""
    per_page = current_app.config["POSTS_PER_PAGE"]
    scope, values = _viewer_scope(viewer)
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
    end = 13 + 2 * len(kinds)
    posts = [
        ShownPost(
            *row[:9],
            author=_listed_author(row[9], row[10], row[12]),
            flagged=bool(row[11]),
            reactions=dict(zip(kinds, row[13 : 13 + len(kinds)], strict=True)),
            reacted=frozenset(k for k, mine in zip(kinds, row[13 + len(kinds) : end], strict=True) if mine),
        )
        for row in rows
    ]
    # A signed-in viewer's rows end with their place in the topic (reading.place_column).
    read_up_to = rows[0][end] if scope != "public" and rows else None
    notified = tuple(row[0] for row in rows if row[end + 1]) if scope != "public" else ()
    return Page(posts, page, pages, total, read_up_to, notified)


@cache
def _topic_posts_statements(scope: str):
    where = (Post.topic_id == bindparam("topic_id")) & _scope_clause(Post, scope)
    listing = (
        select(*_POST_COLUMNS, User.pseudonym, User.anonymous_handle, _has_risk_flag(), User.role, *_reaction_columns())
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
        select(func.count(Reaction.id)).where(Reaction.post_id == Post.id, Reaction.kind == kind).scalar_subquery()
        for kind in REACTIONS
    ]
    mine = [
        select(Reaction.id)
        .where(Reaction.post_id == Post.id, Reaction.kind == kind, Reaction.user_id == bindparam("reactor_id"))
        .exists()
        for kind in REACTIONS
    ]
    return [*counts, *mine]


def react(post: Post, by: User, kind: str) -> bool:
    """Give or take back a reaction (a toggle); True when it is now given. One transaction."""
    if not permissions.can_react(by, post):
        raise NotAllowed()
    if kind not in REACTIONS:
        raise InvalidAction("Choose a reaction.")
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


def get_post(post_id: int, viewer: User | None) -> Post:
    """The post if this viewer may see it; raises NotFound."""
    post = db.session.get(Post, post_id)
    if post is None:
        raise NotFound()
    get_topic(post.topic_id, viewer)
    if post.status not in PUBLIC_STATUSES and not (
        permissions.is_author(viewer, post) or permissions.can_review_queue(viewer)
    ):
        raise NotFound()
    return post


def post_page(post: Post, viewer: User | None) -> int:
    """Which page of its topic a post falls on, for this viewer."""
    per_page = current_app.config["POSTS_PER_PAGE"]
    before = db.session.scalar(
        select(func.count(Post.id)).where(
            Post.topic_id == post.topic_id, Post.id < post.id, _visible_post_clause(viewer)
        )
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
