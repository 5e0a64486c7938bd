"""Moderation: the queue, holds, claims, resolving and the audit log."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from flask_babel import gettext
from sqlalchemy import DateTime, column, func, or_, select, table
from sqlalchemy.orm import joinedload

from forum.accounts.models import User, utcnow
from forum.boards import counts
from forum.boards.models import Post, PostStatus, Topic
from forum.errors import InvalidAction, NotAllowed
from forum.extensions import db
from forum.i18n import written_moment
from forum.moderation.models import ItemKind, ModerationAction, QueueItem, Report, UnpostedText

# The queue's lowest layer lives in moderation/queue.py (the posting workflow writes through it);
# these names stay importable from here.
from forum.moderation.queue import (  # noqa: F401
    CLAIM_MINUTES,
    FIRST_POST_NOTICE,
    claim_expires_at,
    claim_minutes,
    current_holder,
    enqueue,
    hold_if_new_author,
    is_staff,
    log_action,
    next_post_held,
    open_item_for,
)
from forum.notifications import services as notifications

# The dashboard's "median time to resolve" looks back this far.
RESOLVE_WINDOW_DAYS = 7


def restriction_message(user: User) -> str | None:
    """Why and until when a member may not post or report; None when they may."""
    if not (user.is_banned or user.is_suspended):
        return None
    if user.is_banned:
        message = gettext("Your account has been closed by the moderators, so you can't post or report.")
    else:
        message = gettext(
            "Your account is suspended until %(until)s UTC, so you can't post or report until then.",
            until=written_moment(user.suspended_until),
        )
    if user.restriction_reason:
        message += " " + gettext("Reason: %(reason)s.", reason=user.restriction_reason)
    return message


def open_counts() -> tuple[int, int]:
    """How many queue items (and unposted texts) are open, and how many of them are urgent."""
    total, urgent = db.session.execute(_open_counts_statement()).one()
    unposted, unposted_urgent = db.session.execute(_open_unposted_statement()).one()
    return total + unposted, urgent + unposted_urgent


# Every moderator's page asks (the header's badge): built once per process, as building and
# hashing a fresh statement cost about as much as running it.
@cache
def _open_counts_statement():
    return select(
        func.count(QueueItem.id),
        func.count(QueueItem.id).filter(QueueItem.priority == ItemKind.URGENT_CRISIS.value),
    ).where(QueueItem.resolved_at.is_(None))


@cache
def _open_unposted_statement():
    return select(
        func.count(UnpostedText.id), func.count(UnpostedText.id).filter(UnpostedText.level == "urgent")
    ).where(UnpostedText.resolved_at.is_(None))


# The queue's filters: a kind of item, or the items a moderator holds.
QUEUE_FILTERS = {
    "urgent": ItemKind.URGENT_CRISIS,
    "concern": ItemKind.CONCERN_CRISIS,
    "report": ItemKind.REPORT,
    "held": ItemKind.HELD,
}
EXCERPT_CHARS = 200


def open_items(
    *, escalated_first: bool = False, kind: ItemKind | None = None, held_by: User | None = None
) -> list[QueueItem]:
    """Open queue items, most urgent first, then oldest first; admins see escalated ones on top."""
    order = [QueueItem.priority, QueueItem.created_at, QueueItem.id]
    if escalated_first:
        order.insert(0, QueueItem.escalated_at.is_(None))
    query = select(QueueItem).where(QueueItem.resolved_at.is_(None))
    if kind is not None:
        query = query.where(QueueItem.priority == kind.value)
    if held_by is not None:
        since = utcnow() - timedelta(minutes=claim_minutes())
        query = query.where(QueueItem.claimed_by_id == held_by.id, QueueItem.claimed_at > since)
    return list(
        db.session.scalars(
            query.options(
                joinedload(QueueItem.post).joinedload(Post.topic).joinedload(Topic.board),
                joinedload(QueueItem.post).joinedload(Post.author),
                joinedload(QueueItem.claimed_by),
            ).order_by(*order)
        ).unique()
    )


def open_items_about(member: User) -> list[QueueItem]:
    """Open items on this member's posts under their pseudonym (never their anonymous ones)."""
    return list(
        db.session.scalars(
            select(QueueItem)
            .join(Post, Post.id == QueueItem.post_id)
            .options(joinedload(QueueItem.post).joinedload(Post.topic))
            .where(QueueItem.resolved_at.is_(None), Post.author_id == member.id, Post.is_anonymous.is_(False))
            .order_by(QueueItem.priority, QueueItem.created_at)
        )
    )


def excerpt(post: Post) -> str:
    """The start of a post for the queue list, on one line."""
    text = " ".join(post.body.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rstrip() + "…"


def items_per_member(items: list[QueueItem]) -> dict[int, int]:
    """For each item, how many listed items concern the same member under the same name (item id -> count).

    Anonymous posts are counted with anonymous ones and named with named, so the count never links
    an anonymous post to its author's pseudonym.
    """
    key = {item.id: (item.post.author_id, item.post.is_anonymous) for item in items if item.post.author_id}
    counts = Counter(key.values())
    return {item_id: counts[name] for item_id, name in key.items()}


# Claims -------------------------------------------------------------------------------------


def require_free(item: QueueItem, by: User, now: datetime | None = None) -> None:
    """Raise InvalidAction when the item is closed or someone else holds a live claim on it."""
    if not item.is_open:
        raise InvalidAction(gettext("This item has already been dealt with."))
    holder = current_holder(item, now)
    if holder is not None and holder.id != by.id:
        raise InvalidAction(
            gettext("%(name)s is working on this item; wait until they release it.", name=holder.pseudonym)
        )


def claim_item(item: QueueItem, by: User, *, now: datetime | None = None) -> None:
    """Take an item so that no one else acts on it; raises InvalidAction when someone else holds it."""
    now = now or utcnow()
    require_free(item, by, now)
    item.claimed_by = by
    item.claimed_at = now
    log_action(by, "claim", post=item.post, item=item)
    db.session.commit()


def release_item(item: QueueItem, by: User, *, now: datetime | None = None) -> None:
    """Give an item back to the queue; raises InvalidAction when the claim is someone else's."""
    require_free(item, by, now)
    item.claimed_by_id = None
    item.claimed_at = None
    log_action(by, "release", post=item.post, item=item)
    db.session.commit()


# Resolving ----------------------------------------------------------------------------------


def close_item(item: QueueItem, by: User, resolution: str, now: datetime | None = None) -> None:
    """Mark an item resolved and its reports reviewed, in the caller's transaction."""
    now = now or utcnow()
    item.resolved_at = now
    item.resolved_by = by
    item.resolution = resolution
    item.claimed_by_id = None
    item.claimed_at = None
    for report in db.session.scalars(select(Report).where(Report.queue_item_id == item.id)):
        if report.reviewed_at is None:
            notifications.report_reviewed(report)
        report.reviewed_at = now
        report.outcome = resolution


def resolve_item(
    item: QueueItem, by: User, *, resolution: str, note: str | None = None, now: datetime | None = None
) -> None:
    """Approve a held post or keep a post visible, closing its item; NotAllowed for one's own post."""

    if resolution not in ("approve", "keep", "resolve"):
        raise InvalidAction(gettext("Choose approve, keep or resolve."))
    require_free(item, by, now)
    if item.post.author_id == by.id:
        raise NotAllowed()
    post = item.post
    if resolution == "approve" and post.status == PostStatus.HELD:
        counts.set_post_status(post, PostStatus.VISIBLE.value)
        if post.is_first:
            counts.set_topic_status(post.topic, PostStatus.VISIBLE.value)
        notifications.post_published(post)
    close_item(item, by, resolution, now)
    log_action(by, resolution, post=post, item=item, note=(note or "").strip() or None)
    db.session.commit()


# What the item page shows --------------------------------------------------------------------


@dataclass(frozen=True)
class AuthorHistory:
    posts: list[Post]
    items: list[QueueItem]
    actions: list[ModerationAction]


HISTORY_LIMIT = 10


def author_history(post: Post) -> AuthorHistory:
    """The author's recent record under the name this post shows: anonymous posts only for an anonymous one."""
    if post.author_id is None:
        return AuthorHistory([], [], [])
    same_name = (Post.author_id == post.author_id) & (Post.is_anonymous.is_(post.is_anonymous))
    post_ids = select(Post.id).where(same_name)
    posts = db.session.scalars(
        select(Post).options(joinedload(Post.topic)).where(same_name, Post.id != post.id).order_by(Post.id.desc())
    ).all()[:HISTORY_LIMIT]
    items = db.session.scalars(
        select(QueueItem)
        .where(QueueItem.post_id.in_(post_ids), QueueItem.post_id != post.id)
        .order_by(QueueItem.id.desc())
        .limit(HISTORY_LIMIT)
    ).all()
    about_member = ModerationAction.post_id.in_(post_ids)
    if not post.is_anonymous:
        # Account-wide actions taken without a post belong to the pseudonym.
        about_member = or_(
            about_member, (ModerationAction.target_user_id == post.author_id) & ModerationAction.post_id.is_(None)
        )
    actions = db.session.scalars(
        select(ModerationAction)
        .where(about_member, ModerationAction.action.not_in(("claim", "release")))
        .where(or_(ModerationAction.post_id.is_(None), ModerationAction.post_id != post.id))
        .order_by(ModerationAction.id.desc())
        .limit(HISTORY_LIMIT)
    ).all()
    return AuthorHistory(list(posts), list(items), list(actions))


def item_reports(item: QueueItem) -> list[Report]:
    """Every report of the item's post, oldest first."""
    return list(db.session.scalars(select(Report).where(Report.post_id == item.post_id).order_by(Report.id)))


def recent_flagged_posts(post: Post, days: int = 30, limit: int = HISTORY_LIMIT) -> list[Post]:
    """The author's other posts with risk lately, under the name this post shows (never linking names)."""
    if post.author_id is None:
        return []
    flags = table("crisis_flag", column("post_id"), column("created_at", DateTime))
    since = utcnow() - timedelta(days=days)
    return list(
        db.session.scalars(
            select(Post)
            .options(joinedload(Post.topic))
            .where(
                Post.author_id == post.author_id,
                Post.is_anonymous.is_(post.is_anonymous),
                Post.id != post.id,
                Post.id.in_(select(flags.c.post_id).where(flags.c.created_at >= since)),
            )
            .order_by(Post.id.desc())
            .limit(limit)
        )
    )


def pseudonyms(counts: dict[int, int]) -> dict[str, int]:
    """A user id -> count mapping keyed by pseudonym instead, for pages."""
    names = dict(db.session.execute(select(User.id, User.pseudonym).where(User.id.in_(counts))).all())
    return {
        names[user_id]: count for user_id, count in sorted(counts.items(), key=lambda kv: -kv[1]) if user_id in names
    }


def item_history(item: QueueItem) -> list[ModerationAction]:
    """The audit log rows about this item or its post, oldest first."""
    return list(
        db.session.scalars(
            select(ModerationAction)
            .options(joinedload(ModerationAction.actor))
            .where(or_(ModerationAction.queue_item_id == item.id, ModerationAction.post_id == item.post_id))
            .order_by(ModerationAction.id)
        )
    )


# Dashboard -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueStats:
    open_by_kind: dict[ItemKind, int]
    oldest_wait: timedelta | None
    median_resolve: timedelta | None


def queue_stats(now: datetime | None = None) -> QueueStats:
    """Open items by kind, the oldest wait, and the median time to resolve over the last week."""
    now = now or utcnow()
    by_kind = dict.fromkeys(ItemKind, 0)
    rows = db.session.execute(
        select(QueueItem.priority, func.count(QueueItem.id), func.min(QueueItem.created_at))
        .where(QueueItem.resolved_at.is_(None))
        .group_by(QueueItem.priority)
    ).all()
    oldest = None
    for priority, count, first in rows:
        by_kind[ItemKind(priority)] = count
        oldest = first if oldest is None else min(oldest, first)
    durations = [
        (resolved - created).total_seconds()
        for created, resolved in db.session.execute(
            select(QueueItem.created_at, QueueItem.resolved_at).where(
                QueueItem.resolved_at >= now - timedelta(days=RESOLVE_WINDOW_DAYS), QueueItem.resolved_at <= now
            )
        )
    ]
    median = timedelta(seconds=statistics.median(durations)) if durations else None
    return QueueStats(by_kind, now - oldest if oldest else None, median)


def format_wait(delta: timedelta | None) -> str:
    """A short human duration: 45s, 12 min, 3 h 5 min, 2 d 4 h."""
    if delta is None:
        return "—"
    seconds = max(int(delta.total_seconds()), 0)
    if seconds < 60:
        return f"{seconds}s"
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if hours == 0:
        return f"{minutes} min"
    if days == 0:
        return f"{hours} h {minutes % 60} min"
    return f"{days} d {hours % 24} h"


# Audit log -----------------------------------------------------------------------------------

LOG_PAGE_SIZE = 100


ADMIN_ONLY_ACTIONS = ("set_role", "save_hotline", "alert_email", "on_call", "off_call")


def audit_log(
    *,
    action: str | None = None,
    moderator: str | None = None,
    member: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    everything: bool = True,
) -> list[ModerationAction]:
    """The newest audit log rows matching every filter given (pseudonyms match case-insensitively).

    The member filter never matches an anonymous post's rows, whoever wrote it.
    """
    query = select(ModerationAction).options(
        joinedload(ModerationAction.actor), joinedload(ModerationAction.target_user), joinedload(ModerationAction.post)
    )
    if not everything:
        # Moderators read what concerns items, posts and members; admin-only records (roles, crisis
        # lines, staff alert addresses) stay with the admins.
        query = query.where(
            or_(
                ModerationAction.queue_item_id.is_not(None),
                ModerationAction.post_id.is_not(None),
                ModerationAction.target_user_id.is_not(None),
            ),
            ModerationAction.action.not_in(ADMIN_ONLY_ACTIONS),
        )
    if action:
        query = query.where(ModerationAction.action == action)
    if moderator:
        query = query.where(
            ModerationAction.actor_id.in_(select(User.id).where(User.pseudonym_key == moderator.strip().lower()))
        )
    if member:
        # Only what was public under that pseudonym: actions on the account itself and on its named
        # posts. Matching its anonymous posts too would reveal their author, unlogged.
        query = query.where(
            ModerationAction.target_user_id.in_(select(User.id).where(User.pseudonym_key == member.strip().lower())),
            or_(ModerationAction.post_id.is_(None), ModerationAction.post.has(Post.is_anonymous.is_(False))),
        )
    if since:
        query = query.where(ModerationAction.created_at >= since)
    if until:
        query = query.where(ModerationAction.created_at < until)
    return list(db.session.scalars(query.order_by(ModerationAction.id.desc()).limit(LOG_PAGE_SIZE)).unique())


def logged_actions() -> list[str]:
    """Every action name that appears in the log, for the filter's choices."""
    return list(db.session.scalars(select(ModerationAction.action).distinct().order_by(ModerationAction.action)))
