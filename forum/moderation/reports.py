"""Members report posts; the reporter's name never leaves the moderators' pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from flask_babel import gettext
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from forum.accounts.models import User, utcnow
from forum.boards.models import Post, PostStatus
from forum.crisis import alerts
from forum.errors import InvalidAction, NotAllowed
from forum.extensions import db
from forum.moderation.models import ItemKind, Report, ReportReason
from forum.moderation.services import enqueue, open_item_for, restriction_message
from forum.permissions import can_report_post, is_author
from forum.translatable import translatable

# "Worried" reports are a care channel, not a weapon: a few a day is plenty for one member.
WORRIED_REPORTS_PER_DAY = 5
MAX_REPORT_NOTE = 1000
ALREADY_REPORTED = translatable("You've already reported this post, thank you. The moderators will look at it.")


def report_post(
    post: Post,
    by: User,
    *,
    reason: str,
    note: str | None = None,
    now: datetime | None = None,
    before_write: Callable[[], None] | None = None,
) -> Report:
    """Report a post to the moderators; raises InvalidAction (restricted, repeated, too many) or NotAllowed.

    `before_write` runs once every rule has passed, before the report is stored (a rate limit).
    """
    now = now or utcnow()
    message = restriction_message(by)
    if message:
        raise InvalidAction(message)
    if is_author(by, post) or not can_report_post(by, post) or post.status == PostStatus.REMOVED:
        raise NotAllowed()
    if reason not in set(ReportReason):
        raise InvalidAction(gettext("Choose a reason."), field="reason")
    note = (note or "").strip() or None
    if note and len(note) > MAX_REPORT_NOTE:
        raise InvalidAction(gettext("Notes can be up to %(max)s characters.", max=MAX_REPORT_NOTE), field="note")
    if has_reported(post, by):
        raise InvalidAction(gettext(ALREADY_REPORTED))
    if reason == ReportReason.WORRIED:
        _take_reporter_lock(by)
    if reason == ReportReason.WORRIED and _worried_since(by, now - timedelta(days=1)) >= WORRIED_REPORTS_PER_DAY:
        raise InvalidAction(
            gettext(
                "You've sent several \"I'm worried\" reports today. Thank you for caring; the moderators are looking "
                "at them. If someone is in danger right now, the crisis lines under Get help can help at once."
            )
        )
    if before_write is not None:
        before_write()
    report = Report(post=post, reporter=by, reason=reason, note=note, created_at=now)
    db.session.add(report)
    # A member's worry is a care signal: it reaches the queue as a crisis item, at least concern.
    worried = reason == ReportReason.WORRIED
    try:
        was_crisis = _open_crisis_item(post)
        item = enqueue(post, ItemKind.CONCERN_CRISIS if worried else ItemKind.REPORT)
    except IntegrityError:
        # Two submissions at once: the unique constraint keeps one.
        db.session.rollback()
        raise InvalidAction(gettext(ALREADY_REPORTED)) from None
    report.queue_item_id = item.id
    if worried and not was_crisis:
        alerts.queue_worry_alert(item)
    db.session.commit()
    return report


def _open_crisis_item(post: Post) -> bool:
    item = open_item_for(post)
    return item is not None and item.kind in (ItemKind.URGENT_CRISIS, ItemKind.CONCERN_CRISIS)


def has_reported(post: Post, by: User) -> bool:
    """True when this member has already reported this post."""
    return (
        db.session.scalar(select(Report.id).where(Report.post_id == post.id, Report.reporter_id == by.id)) is not None
    )


def _take_reporter_lock(by: User) -> None:
    """Hold the reporter's row until commit, so that their reports sent at once are counted one by one.

    Without it, ten reports arriving together each count the day's reports before any is stored, and
    all ten pass. A no-op UPDATE rather than SELECT ... FOR UPDATE, because SQLite has no row locks:
    as the transaction's first write it takes SQLite's single write lock (waiting for, then seeing,
    another report's commit); on PostgreSQL it locks the row.
    """
    db.session.execute(
        update(User).where(User.id == by.id).values(id=User.id).execution_options(synchronize_session=False)
    )


def _worried_since(by: User, since: datetime) -> int:
    return db.session.scalar(
        select(func.count(Report.id)).where(
            Report.reporter_id == by.id, Report.reason == ReportReason.WORRIED.value, Report.created_at >= since
        )
    )


def reports_by(member: User) -> list[Report]:
    """A member's own reports, newest first, with whether they were reviewed."""
    return list(db.session.scalars(select(Report).where(Report.reporter_id == member.id).order_by(Report.id.desc())))
