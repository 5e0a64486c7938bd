"""What a moderator does to an item's post, topic or author. Each call logs itself and commits."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

from flask_babel import gettext
from sqlalchemy import bindparam, func, select

from forum.accounts.models import User, utcnow
from forum.boards import counts
from forum.boards.models import Board, PostStatus
from forum.caches import board_fragments, forget_fragments, forget_texts, topic_fragments
from forum.errors import InvalidAction, NotAllowed
from forum.extensions import db
from forum.i18n import in_language, written_moment
from forum.i18n import number as format_number
from forum.moderation.models import CARE_NOTE, ItemKind, ModerationAction, ModeratorMessage, QueueItem
from forum.moderation.services import log_action, require_free
from forum.notifications import services as notifications
from forum.permissions import (
    can_manage_members,
    can_restrict_anonymous_author,
    can_restrict_member,
    can_reveal_anonymous,
    can_review_queue,
)
from forum.translatable import translatable

# Guidelines a hidden post can cite; the author sees the label with the moderator's note.
# Marked with translatable(): the author reads the label in their own language.
GUIDELINES = {
    "kindness": translatable("Be kind: no harassment, hate or personal attacks"),
    "substances": translatable("No buying, selling or sourcing substances"),
    "medical": translatable("No unsafe medical advice"),
    "privacy": translatable("Protect privacy: no real names or contact details"),
    "graphic": translatable("Use content notes; no graphic detail of self-harm or use"),
    "spam": translatable("No spam or advertising"),
}
MAX_NOTE = 500
CARE_SUBJECT = translatable("We're here for you")
CARE_BODY = translatable(
    "Hi, I'm one of the volunteer moderators. I read your post and I wanted you to know it was seen, "
    "and that you matter here. For now only you can see it, while we make sure you have support.\n\n"
    "You're not in trouble. If things feel like too much right now, the people at the lines below "
    "are there any time of day or night, and talking to them is confidential. You can reply to this "
    "message too."
)
MAX_MESSAGE = 5000
# A suspension longer than a year is a ban and should be recorded as one.
MAX_SUSPENSION_DAYS = 365
REACH_OUT_SUBJECT = translatable("Checking in with you")
REACH_OUT_BODY = translatable(
    "Hi, I'm one of the volunteer moderators here. I noticed your recent post and wanted to check in: "
    "how are you doing right now?\n\n"
    "You're welcome to keep posting. If things feel like too much, the people at the lines below are "
    "there any time of day or night, and talking to them is confidential."
)


# What a refusal asks for when a required note is missing.
_WANTED = {
    "note": translatable("Please write a note: it goes in the log."),
    "log": translatable("Please write a note for the log: it goes in the log."),
    "author": translatable("Please write what the author should know: it goes in the log."),
    "warn": translatable("Please write the warning: it goes in the log."),
    "suspend": translatable("Please write the reason for the suspension: it goes in the log."),
    "ban": translatable("Please write the reason for the ban: it goes in the log."),
    "why": translatable("Please write why: it goes in the log."),
    "reveal": translatable("Please write why you need to know who wrote this: it goes in the log."),
}


def _note(note: str | None, *, required: bool, what: str = "note") -> str | None:
    note = (note or "").strip()
    if required and not note:
        raise InvalidAction(gettext(_WANTED[what]), field="note")
    if len(note) > MAX_NOTE:
        raise InvalidAction(gettext("Notes can be up to %(max)s characters.", max=MAX_NOTE), field="note")
    return note or None


def reach_out_template(item: QueueItem) -> tuple[str, str]:
    """The reaching-out message's subject and body, in the author's language (they will read it)."""
    author = item.post.author
    with in_language(author.language if author is not None else None):
        return gettext(REACH_OUT_SUBJECT), gettext(REACH_OUT_BODY)


def _moderator(by: User, item: QueueItem, now: datetime | None = None) -> None:
    if not can_review_queue(by):
        raise NotAllowed()
    require_free(item, by, now)


def _message(recipient: User, by: User, *, subject: str, body: str, kind: str, post=None, crisis_lines=False):
    message = ModeratorMessage(
        recipient=recipient,
        sender_id=by.id,
        post=post,
        kind=kind,
        subject=subject,
        body=body,
        include_crisis_lines=crisis_lines,
        created_at=utcnow(),
    )
    db.session.add(message)
    notifications.message_sent(message)
    return message


def hide_post(item: QueueItem, by: User, *, guideline: str, note: str | None) -> ModerationAction:
    """Hide the item's post and tell its author which guideline and why; the item stays open.

    A crisis item's post is kept out of view with care: its author reads a warm note and gets a
    message with the support lines, never a guideline; the moderator's note goes to the log.
    """
    _moderator(by, item)
    crisis = item.kind in (ItemKind.URGENT_CRISIS, ItemKind.CONCERN_CRISIS)
    if not crisis and guideline not in GUIDELINES:
        raise InvalidAction(gettext("Choose the guideline the post breaks."), field="guideline")
    note = _note(note, required=True, what="log" if crisis else "author")
    post = item.post
    if not crisis:
        with in_language(post.author.language if post.author is not None else None):
            post.moderator_note = f"{gettext(GUIDELINES[guideline])}. {note}"[:MAX_NOTE]
    else:
        post.moderator_note = CARE_NOTE
    counts.set_post_status(post, PostStatus.HIDDEN.value)
    forget_texts(post.body)
    if post.is_first:
        counts.set_topic_status(post.topic, PostStatus.HIDDEN.value)
    if crisis and post.author is not None:
        with in_language(post.author.language):
            subject, body = gettext(CARE_SUBJECT), gettext(CARE_BODY)
        _message(post.author, by, subject=subject, body=body, kind="care", post=post, crisis_lines=True)
    # The item stays open: the moderator resolves it when they are done (a crisis item has more steps).
    logged = f"care: {note}" if crisis else f"{guideline}: {note}"
    entry = log_action(by, "hide_post", post=post, item=item, note=logged)
    groups = topic_fragments(post.topic_id), board_fragments(post.topic.board_id)
    counts.bump_cache_epoch()
    db.session.commit()
    # The hidden words leave every cached page now, not at the topic's next view.
    forget_fragments(*groups)
    return entry


def set_topic_lock(item: QueueItem, by: User, *, locked: bool, note: str | None = None) -> ModerationAction:
    """Lock or unlock the item's topic."""
    _moderator(by, item)
    topic = item.post.topic
    if topic.is_locked == locked:
        raise InvalidAction(gettext("The topic is already locked.") if locked else gettext("The topic is not locked."))
    topic.is_locked = locked
    entry = log_action(
        by, "lock_topic" if locked else "unlock_topic", topic=topic, item=item, note=_note(note, required=False)
    )
    db.session.commit()
    return entry


def move_topic(item: QueueItem, by: User, *, board: Board, note: str | None = None) -> ModerationAction:
    """Move the item's topic to another board, moving its counts with it."""

    _moderator(by, item)
    topic = item.post.topic
    old = topic.board
    if old.id == board.id:
        raise InvalidAction(gettext("The topic is already on that board."), field="board")
    counts.move_topic(topic, board)
    note = _note(note, required=False)
    entry = log_action(by, "move_topic", topic=topic, item=item, note=f"{old.slug} -> {board.slug}: {note or ''}")
    db.session.commit()
    return entry


def message_author(
    item: QueueItem, by: User, *, subject: str, body: str, crisis_lines: bool = False
) -> ModeratorMessage:
    """Send the post's author a private message; their account gets it, an anonymous handle stays unlinked."""
    _moderator(by, item)
    author = _author(item)
    subject = (subject or "").strip()[:150]
    if not subject:
        with in_language(author.language):
            subject = gettext("A message from the moderators")
    body = (body or "").strip()
    if not body:
        raise InvalidAction(gettext("Please write a message."), field="body")
    if len(body) > MAX_MESSAGE:
        raise InvalidAction(
            gettext("Messages can be up to %(max)s characters.", max=format_number(MAX_MESSAGE)), field="body"
        )
    message = _message(
        author, by, subject=subject, body=body, kind="message", post=item.post, crisis_lines=crisis_lines
    )
    log_action(by, "message_author", post=item.post, item=item, note=subject)
    db.session.commit()
    return message


def _author(item: QueueItem) -> User:
    if item.post.author is None:
        raise InvalidAction(gettext("This post's author has left the forum."))
    return item.post.author


# A moderator's warning, suspension or ban of an anonymous post's author is logged under this
# prefix and escalated: an admin applies it.
REQUEST_PREFIX = "request_"
DONE_MESSAGE = translatable("Done; the member has been told.")
REQUESTED_MESSAGE = translatable("Sent to an admin for review: on an anonymous post an admin applies it.")


def _member_action(item: QueueItem, by: User) -> User | None:
    """The author to restrict, or None when the request must go to an admin.

    An anonymous post's author goes to an admin before anything about them is checked, so the
    answer is the same whoever wrote it (a refusal would tell the moderator the author is staff).
    """
    _moderator(by, item)
    if not can_manage_members(by):
        raise NotAllowed()
    author = _author(item)
    if author.id == by.id:
        raise NotAllowed()
    if item.post.is_anonymous and not can_restrict_anonymous_author(by):
        return None
    if not can_restrict_member(by, author):
        raise NotAllowed()
    return author


def _request_admin(item: QueueItem, by: User, action: str, note: str) -> ModerationAction:
    if item.escalated_at is None:
        item.escalated_at = utcnow()
    entry = log_action(by, REQUEST_PREFIX + action, post=item.post, item=item, note=note)
    db.session.commit()
    return entry


def member_action_message(entry: ModerationAction) -> str:
    """What the moderator is told after a warning, suspension or ban: applied, or sent to an admin."""
    return gettext(REQUESTED_MESSAGE if entry.action.startswith(REQUEST_PREFIX) else DONE_MESSAGE)


def warn_member(item: QueueItem, by: User, *, note: str | None) -> ModerationAction:
    """Warn the post's author: a message to their account and a line in the log (an admin's call if anonymous)."""
    author = _member_action(item, by)
    note = _note(note, required=True, what="warn")
    if author is None:
        return _request_admin(item, by, "warn", note)
    return _restrict(author, by, "warn", note=note, post=item.post, item=item)


def suspend_member(
    item: QueueItem, by: User, *, days: int, note: str | None, now: datetime | None = None
) -> ModerationAction:
    """Suspend the post's author for some days; they are told why and until when (an admin's call if anonymous)."""
    author = _member_action(item, by)
    note = _note(note, required=True, what="suspend")
    _check_days(days)
    if author is None:
        return _request_admin(item, by, "suspend", f"{days} days: {note}")
    return _restrict(author, by, "suspend", days=days, note=note, post=item.post, item=item, now=now)


def ban_member(item: QueueItem, by: User, *, note: str | None) -> ModerationAction:
    """Close the post's author's account; they can no longer sign in (an admin's call if anonymous)."""
    author = _member_action(item, by)
    note = _note(note, required=True, what="ban")
    if author is None:
        return _request_admin(item, by, "ban", note)
    return _restrict(author, by, "ban", note=note, post=item.post, item=item)


RESTRICTIONS = ("warn", "suspend", "ban")


def restrict_account(
    member: User, by: User, *, action: str, days: int | None = None, note: str | None, now: datetime | None = None
) -> ModerationAction:
    """Warn, suspend or ban a member from their page (no post involved); logged against the account."""
    if not can_restrict_member(by, member):
        raise NotAllowed()
    if action not in RESTRICTIONS:
        raise InvalidAction(gettext("Choose warn, suspend or ban."), field="action")
    note = _note(note, required=True, what=action)
    if action == "suspend":
        _check_days(days)
    return _restrict(member, by, action, days=days, note=note, post=None, item=None, now=now)


def _check_days(days: int | None) -> None:
    if not 1 <= (days or 0) <= MAX_SUSPENSION_DAYS:
        raise InvalidAction(gettext("Suspend for 1 to %(max)s days.", max=MAX_SUSPENSION_DAYS), field="days")


def _restrict(author: User, by: User, action: str, *, note: str, post, item, days=None, now=None) -> ModerationAction:
    """Apply a warning, suspension or ban, tell the member, and log it, in one transaction."""
    logged = note
    if action == "warn":
        with in_language(author.language):
            subject = gettext("A warning from the moderators")
        _message(author, by, subject=subject, body=note, kind="warning", post=post)
    elif action == "suspend":
        author.suspended_until = (now or utcnow()) + timedelta(days=days)
        author.restriction_reason = note
        # Written in the member's language: the message is stored, and read later.
        with in_language(author.language):
            subject = gettext("Your account is suspended")
            body = gettext(
                "Your account is suspended until %(until)s UTC: you can read but not post or report.\n\nWhy: %(why)s",
                until=written_moment(author.suspended_until),
                why=note,
            )
        _message(author, by, subject=subject, body=body, kind="suspension", post=post)
        logged = f"{days} days: {note}"
    else:
        author.is_banned = True
        author.restriction_reason = note
        author.session_version += 1
    entry = log_action(by, action, post=post, item=item, target=author, note=logged)
    db.session.commit()
    return entry


def escalate_item(item: QueueItem, by: User, *, note: str | None) -> ModerationAction:
    """Ask the admins to look at an item; it goes to the top of their queue."""
    _moderator(by, item)
    if item.escalated_at is not None:
        raise InvalidAction(gettext("This item is already with the admins."))
    item.escalated_at = utcnow()
    entry = log_action(by, "escalate", post=item.post, item=item, note=_note(note, required=True, what="why"))
    db.session.commit()
    return entry


def reveal_author(item: QueueItem, by: User, *, reason: str | None) -> str:
    """Return an anonymous author's pseudonym; needs a written reason, is logged, and the member is told."""
    if not can_reveal_anonymous(by):
        raise NotAllowed()
    # A closed item hides the form; the route refuses too, as for every other action on the item.
    require_free(item, by)
    if not item.post.is_anonymous:
        raise InvalidAction(gettext("This post is not anonymous."))
    author = _author(item)
    reason = _note(reason, required=True, what="reveal")
    log_action(by, "reveal_author", post=item.post, item=item, note=reason)
    with in_language(author.language):
        subject = gettext("A moderator saw who wrote your anonymous post")
        body = gettext(
            "A moderator looked up which account wrote one of your anonymous posts. "
            "Only moderators can do this, only with a written reason, and it is recorded.\n\n"
            "The reason given: %(reason)s",
            reason=reason,
        )
    _message(author, by, subject=subject, body=body, kind="reveal")
    db.session.commit()
    return author.pseudonym


def messages_for(member: User) -> list[ModeratorMessage]:
    """A member's messages from the moderators, newest first."""
    return list(
        db.session.scalars(
            select(ModeratorMessage)
            .where(ModeratorMessage.recipient_id == member.id)
            .order_by(ModeratorMessage.id.desc())
        )
    )


def unread_count(member: User) -> int:
    """How many moderator messages the member has not opened."""
    return db.session.scalar(_unread_count_statement(), {"member_id": member.id})


# Every signed-in page asks (the header's badge): the statement is built once per process and run
# with a bound id, as building and hashing a fresh one cost about as much as running it.
@cache
def _unread_count_statement():
    return select(func.count(ModeratorMessage.id)).where(
        ModeratorMessage.recipient_id == bindparam("member_id"), ModeratorMessage.read_at.is_(None)
    )


def mark_read(member: User) -> None:
    """Mark every message to the member as read."""
    now = utcnow()
    for message in messages_for(member):
        if message.read_at is None:
            message.read_at = now
    notifications.message_read(member.id, now=now)
    db.session.commit()
