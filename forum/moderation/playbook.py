"""The crisis playbook for urgent and concern items: reach out, decide visibility, record the outcome,
and check back later. Each call logs itself in the audit log and commits."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext
from sqlalchemy import DateTime, column, func, select, table, update

from forum.accounts.models import User, utcnow
from forum.boards import counts
from forum.boards.models import Post, PostStatus
from forum.crisis.alerts import queue_crisis_alert
from forum.errors import InvalidAction, NotAllowed
from forum.extensions import db
from forum.moderation.models import CARE_NOTE, LEVEL_LABELS, ItemKind, ModerationAction, ModeratorMessage, QueueItem
from forum.moderation.rota import on_call_emails
from forum.moderation.services import close_item, log_action, require_free
from forum.notifications import services as notifications
from forum.permissions import can_review_queue
from forum.translatable import translatable

# What happens to the post. No choice is preselected: the form refuses to guess.
VISIBILITY = {
    "hold": translatable("Keep hidden while we reach out"),
    "publish_note": translatable("Publish with a note for peers"),
    "safe": translatable("The member is safe: publish"),
    "not_crisis": translatable("Not a crisis: publish"),
}
OUTCOMES = {
    "reached": translatable("Reached the member"),
    "no_answer": translatable("No answer yet"),
    "safe": translatable("Member says they are safe"),
    "contacted_help": translatable("Member contacted emergency services or a crisis line"),
    "referred": translatable("Referred to a professional service"),
}
MAX_FOLLOW_UP_HOURS = 168
MAX_NOTE = 500
CRISIS_KINDS = (ItemKind.URGENT_CRISIS, ItemKind.CONCERN_CRISIS)


def is_crisis_item(item: QueueItem) -> bool:
    return item.kind in CRISIS_KINDS


def _check(item: QueueItem, by: User, now: datetime | None = None) -> None:
    if not can_review_queue(by):
        raise NotAllowed()
    if item.post.author_id == by.id:
        raise NotAllowed()
    require_free(item, by, now)


def _note(note: str | None) -> str | None:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise InvalidAction(gettext("Notes can be up to %(max)s characters.", max=MAX_NOTE), field="note")
    return note or None


def _set_status(post: Post, status: PostStatus) -> None:
    if post.status == status.value:
        return
    counts.set_post_status(post, status.value)
    if post.is_first:
        counts.set_topic_status(post.topic, status.value)
    if status == PostStatus.VISIBLE:
        notifications.post_published(post)


def decide_visibility(item: QueueItem, by: User, *, choice: str | None, note: str | None = None) -> None:
    """Keep the post hidden while reaching out, or publish it; "not a crisis" also records a false alarm.

    Only "not a crisis" closes the item: the others leave it open for the outcome.
    """
    _check(item, by)
    if choice not in VISIBILITY:
        raise InvalidAction(gettext("Choose what happens to the post."), field="visibility")
    note = _note(note)
    post = item.post
    if choice == "hold":
        if post.status == PostStatus.VISIBLE:
            _set_status(post, PostStatus.HIDDEN)
            post.moderator_note = CARE_NOTE
    else:
        post.moderator_note = None
        _set_status(post, PostStatus.VISIBLE)
    if choice == "not_crisis":
        _record_false_alarm(post, by)
        close_item(item, by, "not_crisis")
    log_action(by, f"visibility_{choice}", post=post, item=item, note=note)
    db.session.commit()


def _record_false_alarm(post: Post, by: User) -> None:
    # The crisis flag table as a plain table clause: moderation sits below crisis.
    flags = table("crisis_flag", column("id"), column("post_id"), column("feedback"), column("feedback_by_id"))
    db.session.execute(
        update(flags).where(flags.c.post_id == post.id).values(feedback="false_alarm", feedback_by_id=by.id)
    )


def record_outcome(
    item: QueueItem, by: User, *, outcome: str | None, note: str | None = None, done: bool = False
) -> None:
    """Record what happened for the person; "done" closes the item."""
    _check(item, by)
    if outcome not in OUTCOMES:
        raise InvalidAction(gettext("Choose what happened."), field="outcome")
    log_action(by, f"outcome_{outcome}", post=item.post, item=item, note=_note(note))
    if done:
        close_item(item, by, f"outcome_{outcome}")
    db.session.commit()


def schedule_follow_up(
    item: QueueItem, by: User, *, hours: int | None, note: str | None = None, now: datetime | None = None
) -> None:
    """ "Check back in N hours": the item reopens then and alerts its holder, or on-call."""
    if not can_review_queue(by):
        raise NotAllowed()
    if not hours or not 1 <= hours <= MAX_FOLLOW_UP_HOURS:
        raise InvalidAction(gettext("Choose 1 to %(max)s hours.", max=MAX_FOLLOW_UP_HOURS), field="hours")
    now = now or utcnow()
    item.follow_up_at = now + timedelta(hours=hours)
    item.follow_up_by_id = by.id
    log_action(by, "follow_up", post=item.post, item=item, note=f"in {hours} h" + (f": {_note(note)}" if note else ""))
    db.session.commit()


def reopen_due_follow_ups(now: datetime | None = None) -> int:
    """Reopen items whose follow-up is due and alert whoever set it (or on-call); once per follow-up."""
    now = now or utcnow()
    due = db.session.scalars(select(QueueItem).where(QueueItem.follow_up_at <= now)).all()
    for item in due:
        item.follow_up_at = None
        item.resolved_at = None
        item.resolved_by_id = None
        item.resolution = None
        if item.kind == ItemKind.URGENT_CRISIS:
            # Escalation to everyone counts from the reopening.
            item.urgent_at = now
        holder = db.session.get(User, item.follow_up_by_id) if item.follow_up_by_id else None
        emails = [holder.alert_email] if holder is not None and holder.alert_email else on_call_emails(now)
        log_action(None, "follow_up_due", post=item.post, item=item, target=item.post.author)
        if emails:
            queue_crisis_alert(item, "urgent" if item.kind == ItemKind.URGENT_CRISIS else "concern", emails=emails)
    db.session.commit()
    return len(due)


def timeline(item: QueueItem) -> list[tuple[datetime, str]]:
    """Everything that happened on this item, oldest first: flags, log entries and messages both ways."""
    flags = table(
        "crisis_flag", column("post_id"), column("level"), column("created_at", DateTime), column("flagged_by_id")
    )
    events = [
        (
            at,
            gettext("Flagged %(level)s by a moderator", level=_level(level))
            if by
            else gettext("Flagged %(level)s by the flagger", level=_level(level)),
        )
        for at, level, by in db.session.execute(
            select(flags.c.created_at, flags.c.level, flags.c.flagged_by_id).where(flags.c.post_id == item.post_id)
        )
    ]
    entries = db.session.scalars(
        select(ModerationAction).where(
            (ModerationAction.queue_item_id == item.id) | (ModerationAction.post_id == item.post_id)
        )
    )
    events += [
        (
            e.created_at,
            f"{e.actor.pseudonym if e.actor else gettext('System')}: {e.action.replace('_', ' ')}"
            + (f" ({e.note})" if e.note else ""),
        )
        for e in entries
    ]
    messages = db.session.scalars(select(ModeratorMessage).where(ModeratorMessage.post_id == item.post_id))
    events += [(m.created_at, gettext("Message to the member: %(subject)s", subject=m.subject)) for m in messages]
    return sorted(events, key=lambda event: event[0])


def _level(level: str) -> str:
    return gettext(LEVEL_LABELS[level]) if level in LEVEL_LABELS else level


# Care for the volunteers ---------------------------------------------------------------------------

# Actions that mean a moderator worked an item (claims and releases alone don't count).
_WORK = ModerationAction.action.not_in(("claim", "release", "hand_off", "follow_up_due"))


def crisis_items_handled(since: datetime, by: User | None = None) -> dict[int, int]:
    """How many crisis items each moderator (or only `by`) worked since then: user id -> count."""
    query = (
        select(ModerationAction.actor_id, func.count(func.distinct(ModerationAction.queue_item_id)))
        .join(QueueItem, QueueItem.id == ModerationAction.queue_item_id)
        .where(
            ModerationAction.created_at >= since,
            ModerationAction.actor_id.is_not(None),
            QueueItem.priority.in_([kind.value for kind in CRISIS_KINDS]),
            _WORK,
        )
        .group_by(ModerationAction.actor_id)
    )
    if by is not None:
        query = query.where(ModerationAction.actor_id == by.id)
    return dict(db.session.execute(query).all())


def urgent_items_this_shift(by: User, now: datetime | None = None) -> int:
    """Urgent items this moderator worked since going on call (or in the last 12 hours when not on call)."""
    now = now or utcnow()
    started = db.session.scalar(
        select(func.max(ModerationAction.created_at)).where(
            ModerationAction.actor_id == by.id, ModerationAction.action == "on_call"
        )
    )
    if started is None or by.on_call_until is None or by.on_call_until <= now:
        started = now - timedelta(hours=12)
    return db.session.scalar(
        select(func.count(func.distinct(ModerationAction.queue_item_id)))
        .join(QueueItem, QueueItem.id == ModerationAction.queue_item_id)
        .where(
            ModerationAction.actor_id == by.id,
            ModerationAction.created_at >= started,
            QueueItem.priority == ItemKind.URGENT_CRISIS.value,
            _WORK,
        )
    )


def hand_off(item: QueueItem, by: User, *, note: str | None, now: datetime | None = None) -> list[str]:
    """Release an item with a note for the next moderator on call, who is alerted; returns who was."""
    if not can_review_queue(by):
        raise NotAllowed()
    require_free(item, by, now)
    note = _note(note)
    if not note:
        raise InvalidAction(gettext("Please leave a note for whoever takes it next."), field="note")
    item.claimed_by_id = None
    item.claimed_at = None
    log_action(by, "hand_off", post=item.post, item=item, note=note)
    emails = [email for email in on_call_emails(now) if email != by.alert_email]
    if emails:
        level = "urgent" if item.kind == ItemKind.URGENT_CRISIS else "concern"
        queue_crisis_alert(item, level, emails=emails)
    db.session.commit()
    return emails
