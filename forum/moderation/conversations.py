"""Talking back: the conversation under each moderator's message, read state included.

A member answers the message in their inbox; any moderator answers from the item page or the staff
list of conversations. A member's reply is screened like a post, and on an open crisis item it
alerts the moderator holding it (on call when nobody does).
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from forum.accounts.models import User, utcnow
from forum.errors import InvalidAction, NotAllowed, NotFound
from forum.extensions import db
from forum.i18n import number as format_number
from forum.moderation.actions import MAX_MESSAGE
from forum.moderation.models import MessageReply, ModeratorMessage, QueueItem
from forum.moderation.queue import log_action
from forum.notifications import services as notifications
from forum.permissions import can_read_message, can_review_queue, can_see_anonymous_handle
from forum.text import plain_text
from forum.translatable import ANONYMOUS_LABEL
from forum.urls import MAX_ID
from forum.workflow import screen_member_reply

# The staff list shows this many conversations, the most recently active first.
STAFF_LIST_LIMIT = 100


def get_message(message_id: int) -> ModeratorMessage:
    """A moderator's message by id; raises NotFound."""
    message = db.session.get(ModeratorMessage, message_id) if 0 < message_id <= MAX_ID else None
    if message is None:
        raise NotFound()
    return message


def message_for_member(message_id: int, member: User) -> ModeratorMessage:
    """A message the member may read; raises NotFound, or NotAllowed when it was sent to someone else."""
    message = get_message(message_id)
    if not can_read_message(member, message):
        raise NotAllowed()
    return message


def _body(body: str | None) -> str:
    body = plain_text(body)
    if not body:
        raise InvalidAction(gettext("Please write a reply."), field="body")
    if len(body) > MAX_MESSAGE:
        raise InvalidAction(
            gettext(
                "Replies can be up to %(max)s characters; this one has %(count)s.",
                max=format_number(MAX_MESSAGE),
                count=format_number(len(body)),
            ),
            field="body",
        )
    return body


def reply_to_message(
    message: ModeratorMessage, member: User, *, body: str, now: datetime | None = None
) -> MessageReply:
    """The member answers a moderator's message; screened like a post. Raises NotAllowed or InvalidAction."""
    if not can_read_message(member, message):
        raise NotAllowed()
    reply = MessageReply(
        message=message, author_id=member.id, from_member=True, body=_body(body), created_at=now or utcnow()
    )
    db.session.add(reply)
    # Writing back is reading what came before.
    _mark_read_by_member(message, now)
    db.session.flush()
    screen_member_reply(reply, now)
    db.session.commit()
    return reply


def answer_member(message: ModeratorMessage, by: User, *, body: str, now: datetime | None = None) -> MessageReply:
    """A moderator answers in a conversation; the member's inbox shows it as unread. Raises NotAllowed."""
    if not can_review_queue(by):
        raise NotAllowed()
    now = now or utcnow()
    reply = MessageReply(message=message, author_id=by.id, from_member=False, body=_body(body), created_at=now)
    db.session.add(reply)
    message.read_at = None
    _mark_read_by_staff(message, now)
    notifications.message_answered(reply)
    log_action(by, "message_reply", post=message.post, target=message.recipient, note=message.subject)
    db.session.commit()
    return reply


def _mark_read_by_member(message: ModeratorMessage, now: datetime | None) -> None:
    now = now or utcnow()
    if message.read_at is None:
        message.read_at = now
    notifications.message_read(message.recipient_id, message.id, now)
    db.session.execute(
        update(MessageReply)
        .where(
            MessageReply.message_id == message.id, MessageReply.from_member.is_(False), MessageReply.read_at.is_(None)
        )
        .values(read_at=now)
    )


def _mark_read_by_staff(message: ModeratorMessage, now: datetime) -> None:
    db.session.execute(
        update(MessageReply)
        .where(
            MessageReply.message_id == message.id, MessageReply.from_member.is_(True), MessageReply.read_at.is_(None)
        )
        .values(read_at=now)
    )


def open_message(message: ModeratorMessage, member: User, *, now: datetime | None = None) -> set[int]:
    """The member opens a message: it and the moderators' answers become read. Returns the ids that were new."""
    if not can_read_message(member, message):
        raise NotAllowed()
    new = {r.id for r in message.replies if not r.from_member and r.read_at is None}
    if message.read_at is None and not new:
        # 0 stands for the message itself, new until first opened (an answer makes it unread again).
        new.add(0)
    _mark_read_by_member(message, now)
    db.session.commit()
    return new


def mark_message_read(message: ModeratorMessage, member: User) -> None:
    """The member marks one message (and its answers) read without opening it."""
    open_message(message, member)


def staff_opens(message: ModeratorMessage, by: User, *, now: datetime | None = None) -> set[int]:
    """A moderator opens a conversation: the member's replies become read. Returns the ids that were new."""
    if not can_review_queue(by):
        raise NotAllowed()
    new = {r.id for r in message.replies if r.from_member and r.read_at is None}
    _mark_read_by_staff(message, now or utcnow())
    db.session.commit()
    return new


def staff_conversations() -> list[ModeratorMessage]:
    """Messages members have answered, the most recent reply first."""
    last = (
        select(MessageReply.message_id, func.max(MessageReply.id).label("last_id"))
        .group_by(MessageReply.message_id)
        .subquery()
    )
    return list(
        db.session.scalars(
            select(ModeratorMessage)
            .join(last, last.c.message_id == ModeratorMessage.id)
            .options(selectinload(ModeratorMessage.replies), selectinload(ModeratorMessage.post))
            .order_by(last.c.last_id.desc())
            .limit(STAFF_LIST_LIMIT)
        )
    )


def unread_replies_count() -> int:
    """Member replies no moderator has opened yet."""
    return db.session.scalar(
        select(func.count(MessageReply.id)).where(MessageReply.from_member.is_(True), MessageReply.read_at.is_(None))
    )


def item_conversations(item: QueueItem) -> list[ModeratorMessage]:
    """Messages sent about the item's post, with their replies, oldest first."""
    return list(
        db.session.scalars(
            select(ModeratorMessage)
            .options(selectinload(ModeratorMessage.replies))
            .where(ModeratorMessage.post_id == item.post_id)
            .order_by(ModeratorMessage.id)
        )
    )


def member_label(message: ModeratorMessage, viewer: User) -> str:
    """The name staff see for the member: the anonymous handle when the message is about anonymous writing."""
    anonymous = message.kind == "reveal" or (message.post is not None and message.post.is_anonymous)
    if not anonymous:
        return message.recipient.pseudonym
    return message.recipient.anonymous_label if can_see_anonymous_handle(viewer) else ANONYMOUS_LABEL
