"""Notifications: who is told what, when a post goes live, a reaction is given, a moderator writes.

The hooks (`post_published`, `reaction_given`, `message_sent`, `message_answered`, `report_reviewed`)
run inside the caller's transaction, so a notification exists exactly when what it tells of does.
Nothing here names an anonymous author: the list reads each post's public label when it is shown.
Muted topics never notify, mentions and quotes inside them included (Discourse would still notify a
mention; here muting a painful thread means silence from it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import gettext
from sqlalchemy import and_, distinct, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import aliased

from forum import permissions
from forum.accounts.models import MemberMute, User, utcnow
from forum.boards.models import REACTIONS, Board, Post, PostStatus, Topic
from forum.errors import InvalidAction, NotAllowed, NotFound
from forum.extensions import db
from forum.i18n import LANGUAGES, in_language
from forum.meetings.models import Meeting
from forum.moderation.models import MessageReply, ModeratorMessage, Report
from forum.notifications.models import Notification, NotificationKind, TopicWatch, WatchLevel
from forum.translatable import ANONYMOUS_LABEL, translatable

FORMER_MEMBER_LABEL = "Former member"
# A post naming a crowd is a broadcast, not a conversation: only the first few @names notify.
MAX_MENTIONS = 10
# A post's author hears of reactions to it at most once a day, however many come.
REACTION_QUIET = timedelta(days=1)
# The header reads at most this many unread rows: past it the count says "99+" anyway, and a
# member with thousands unread would otherwise pay for each on every page (7 ms at 5,000 on SQLite).
UNREAD_SCAN = 500
# The list shows the newest unread groups and this many earlier items.
EARLIER_LIMIT = 30
NEW_LIMIT = 200

# A quote is looked for among the newest posts under its label only: a long thread is not read whole.
QUOTE_CANDIDATES = 200

MENTION_RE = re.compile(r"(?<![\w@/])@([A-Za-z0-9_-]{3,30})\b")
# A quote as the reply box writes it (forum/text.py quote_markdown): "<label> wrote:" ("<label> escribió:" on a
# Spanish page), a blank line, "> ...". tests/i18n checks every language's intro is read back.
QUOTE_RE = re.compile(r"^(?P<label>[^\n]{1,60}) (?:wrote|escribió):\n\n(?P<quoted>(?:>[^\n]*(?:\n|$))+)", re.M)

# The strongest reason wins when one post concerns a member several ways.
_PRECEDENCE = (NotificationKind.QUOTE, NotificationKind.MENTION, NotificationKind.REPLY)


def _topic_key(topic_id: int) -> str:
    return f"t{topic_id}"


# Hooks, called by the services that create what notifies ------------------------------


def watch_by_default(topic_id: int, user_id: int) -> None:
    """The member watches the topic (they started or answered it), unless they chose otherwise; no commit."""
    values = {"user_id": user_id, "topic_id": topic_id, "level": WatchLevel.WATCHING.value}
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(TopicWatch).values(**values).on_conflict_do_nothing())


def post_published(post: Post, *, new: bool = False, edited: bool = False) -> int:
    """A post became visible: tell its topic's watchers, the members it quotes and mentions. No commit.

    Safe to call again when a post is shown again: nobody is told twice about one post (`new` says
    it was just written, so nobody can have been told yet). An `edited` post tells only members it
    newly quotes or mentions, not watchers of an old reply. Returns how many notifications were added.
    """
    if post.status != PostStatus.VISIBLE:
        return 0
    topic = post.topic
    muted, watchers = _watch_levels(topic.id)
    told = set()
    if not new:
        told = set(db.session.scalars(select(Notification.user_id).where(Notification.post_id == post.id)))
    skip = muted | told | {post.author_id} | _muters_of(post)
    reasons: dict[int, NotificationKind] = {}
    for user_id in () if edited else watchers:
        reasons[user_id] = NotificationKind.REPLY
    for user_id in _mentioned(post.body):
        reasons[user_id] = _stronger(reasons.get(user_id), NotificationKind.MENTION)
    for user_id in _quoted(post):
        reasons[user_id] = _stronger(reasons.get(user_id), NotificationKind.QUOTE)
    rows = [
        {
            "user_id": user_id,
            "kind": kind.value,
            "group_key": _topic_key(topic.id),
            "topic_id": topic.id,
            "post_id": post.id,
        }
        for user_id, kind in reasons.items()
        if user_id not in skip
    ]
    if rows:
        # One executemany for every watcher: the ORM sent one INSERT per row on SQLite, most of a reply's statements.
        db.session.execute(insert(Notification), rows)
    return len(rows)


def reaction_given(post: Post, kind: str, now: datetime | None = None) -> bool:
    """Tell a post's author of a reaction, at most once a day per post, never who gave it. No commit.

    Nothing when the author muted the topic. Whether the author muted the member reacting makes no
    difference: the notice never names them, and silence would tell the author who reacted.
    """
    now = now or utcnow()
    author_id = post.author_id
    if author_id is None or post.status != PostStatus.VISIBLE:
        return False
    muted, _ = _watch_levels(post.topic_id)
    if author_id in muted:
        return False
    recent = db.session.scalar(
        select(Notification.id).where(
            Notification.user_id == author_id,
            Notification.post_id == post.id,
            Notification.kind == NotificationKind.REACTION.value,
            Notification.created_at > now - REACTION_QUIET,
        )
    )
    if recent is not None:
        return False
    db.session.add(
        Notification(
            user_id=author_id,
            kind=NotificationKind.REACTION.value,
            group_key=_topic_key(post.topic_id),
            topic_id=post.topic_id,
            post_id=post.id,
            detail=kind,
            created_at=now,
        )
    )
    return True


def message_sent(message: ModeratorMessage) -> None:
    """A moderator wrote to a member (a message, a care note, a reveal notice). No commit."""
    db.session.flush()
    kind = NotificationKind.REVEAL if message.kind == "reveal" else NotificationKind.MESSAGE
    db.session.add(
        Notification(user_id=message.recipient_id, kind=kind.value, group_key=f"m{message.id}", message_id=message.id)
    )


def message_answered(reply: MessageReply) -> None:
    """A moderator answered in a conversation: its member is told. No commit."""
    message = reply.message
    db.session.add(
        Notification(
            user_id=message.recipient_id,
            kind=NotificationKind.MESSAGE_REPLY.value,
            group_key=f"m{message.id}",
            message_id=message.id,
        )
    )


def message_read(member_id: int, message_id: int | None = None, now: datetime | None = None) -> None:
    """The member read a moderator's message (or all of them): its notifications are read too. No commit."""
    where = [
        Notification.user_id == member_id,
        Notification.message_id.is_not(None),
        Notification.read_at.is_(None),
    ]
    if message_id is not None:
        where.append(Notification.message_id == message_id)
    db.session.execute(update(Notification).where(*where).values(read_at=now or utcnow()))


def report_reviewed(report: Report) -> None:
    """The moderators dealt with a member's report: the reporter learns it was reviewed. No commit.

    Only that, as on their reports page: what was decided about another member's post is not theirs to read.
    """
    db.session.add(
        Notification(
            user_id=report.reporter_id,
            kind=NotificationKind.REPORT_OUTCOME.value,
            group_key=f"r{report.id}",
            report_id=report.id,
        )
    )


def mentoring_event(
    user_id: int | None, kind: NotificationKind, *, pairing_id: int | None = None, request_id: int | None = None
) -> None:
    """Tell one side of a mentoring request or pairing that the other acted. No commit.

    The line names nobody and never quotes a message: it links to the pairing (or the member's
    mentoring page for an offer), where the pair read each other under their pseudonyms.
    """
    if user_id is None:
        return
    key = f"p{pairing_id}" if pairing_id is not None else f"q{request_id}"
    db.session.add(Notification(user_id=user_id, kind=kind.value, group_key=key, pairing_id=pairing_id))


def pairing_read(user_id: int, pairing_id: int, now: datetime | None = None) -> None:
    """One of the pair opened their conversation: its notifications are read. No commit."""
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.pairing_id == pairing_id, Notification.read_at.is_(None))
        .values(read_at=now or utcnow())
    )


def meeting_reminder(user_id: int, meeting: Meeting) -> None:
    """A member who asked to be reminded of a meeting is told it starts soon. No commit."""
    db.session.add(
        Notification(
            user_id=user_id,
            kind=NotificationKind.MEETING_REMINDER.value,
            group_key=f"g{meeting.id}",
            meeting_id=meeting.id,
        )
    )


def _watch_levels(topic_id: int) -> tuple[set[int], set[int]]:
    rows = db.session.execute(select(TopicWatch.user_id, TopicWatch.level).where(TopicWatch.topic_id == topic_id))
    muted, watching = set(), set()
    for user_id, level in rows:
        (muted if level == WatchLevel.MUTED else watching).add(user_id)
    return muted, watching


def export_watches(user: User) -> list[dict]:
    """The topics the member chose to watch or mute, for their data export."""
    rows = db.session.execute(
        select(TopicWatch.topic_id, TopicWatch.level).where(TopicWatch.user_id == user.id).order_by(TopicWatch.id)
    )
    return [{"topic_id": topic_id, "level": level} for topic_id, level in rows]


def _muters_of(post: Post) -> set[int]:
    """Members who muted the post's author: not told of their named posts.

    An anonymous post tells them all the same: leaving them out would show that its author is
    someone they muted (as its post is never folded for them either, forum/accounts/mutes.py).
    """
    if post.is_anonymous or post.author_id is None:
        return set()
    return set(db.session.scalars(select(MemberMute.user_id).where(MemberMute.muted_id == post.author_id)))


def _stronger(current: NotificationKind | None, new: NotificationKind) -> NotificationKind:
    if current is None:
        return new
    return min(current, new, key=_PRECEDENCE.index)


def _mentioned(body: str) -> set[int]:
    """Members an @name in the text names (case ignored), the first MAX_MENTIONS names only."""
    keys = []
    for name in MENTION_RE.findall(body or ""):
        if name.lower() not in keys:
            keys.append(name.lower())
    if not keys:
        return set()
    return set(
        db.session.scalars(
            select(User.id).where(User.pseudonym_key.in_(keys[:MAX_MENTIONS]), User.is_banned.is_(False))
        )
    )


def _anonymous_labels() -> set[str]:
    """The anonymous label in every language a quote may have been written in."""
    labels = {ANONYMOUS_LABEL}
    for code in LANGUAGES:
        with in_language(code):
            labels.add(gettext(ANONYMOUS_LABEL))
    return labels


def _quoted(post: Post) -> set[int]:
    """Authors of the topic's posts this post quotes, matched by public label and quoted text."""
    quotes = [(m["label"].strip(), _unquote(m["quoted"])) for m in QUOTE_RE.finditer(post.body or "")]
    if not quotes:
        return set()
    anonymous_labels = _anonymous_labels()
    quotes = [(ANONYMOUS_LABEL if label in anonymous_labels else label, quoted) for label, quoted in quotes]
    labels = {label for label, _ in quotes}
    by_label = [and_(Post.is_anonymous.is_(False), User.pseudonym.in_(labels - {ANONYMOUS_LABEL}))]
    if ANONYMOUS_LABEL in labels:
        by_label.append(Post.is_anonymous.is_(True))
    rows = db.session.execute(
        select(Post.author_id, Post.is_anonymous, Post.body, User.pseudonym)
        .join(User, User.id == Post.author_id)
        .where(Post.topic_id == post.topic_id, Post.id < post.id, Post.status == PostStatus.VISIBLE, or_(*by_label))
        .order_by(Post.id.desc())
        .limit(QUOTE_CANDIDATES)
    ).all()
    found = set()
    for label, quoted in quotes:
        first_line = next((line for line in quoted.splitlines() if line.strip()), "")
        for author_id, anonymous, body, pseudonym in rows:
            public = ANONYMOUS_LABEL if anonymous else pseudonym
            if public == label and first_line in (body or ""):
                found.add(author_id)
                break
    return found


def _unquote(block: str) -> str:
    return "\n".join(line[2:] if line.startswith("> ") else line[1:] for line in block.splitlines())


# Watching and muting ----------------------------------------------------------------------


def watch_level(topic_id: int, user: User | None) -> str | None:
    """The member's choice for a topic: "watching", "muted", or None (told only of quotes and mentions)."""
    if user is None or not user.is_authenticated:
        return None
    return db.session.scalar(
        select(TopicWatch.level).where(TopicWatch.topic_id == topic_id, TopicWatch.user_id == user.id)
    )


def set_watch(topic: Topic, user: User, level: str) -> None:
    """Watch or mute a topic; raises NotAllowed for visitors, InvalidAction for another level."""
    if not permissions.can_watch_topics(user):
        raise NotAllowed()
    if level not in set(WatchLevel):
        raise InvalidAction(gettext("Choose Watch or Mute."))
    watch = db.session.scalar(select(TopicWatch).where(TopicWatch.topic_id == topic.id, TopicWatch.user_id == user.id))
    if watch is None:
        db.session.add(TopicWatch(topic_id=topic.id, user_id=user.id, level=level))
    else:
        watch.level = level
    db.session.commit()


# Reading ----------------------------------------------------------------------------------


def _shown_clause():
    """A notification about a post shows while the post and its topic are visible; others always."""
    return or_(Notification.post_id.is_(None), and_(Post.status == "visible", Topic.status == "visible"))


def unread_count_of(user_id):
    """How many unread things (topics, messages, reports) a member has, as a scalar subquery.

    `user_id` is a value or a bound parameter (the user load passes its own). Only the first
    UNREAD_SCAN unread rows are read, so a member who never reads costs every page the same.
    """
    unread = (
        select(Notification.group_key)
        .outerjoin(Post, Post.id == Notification.post_id)
        .outerjoin(Topic, Topic.id == Post.topic_id)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None), _shown_clause())
        .limit(UNREAD_SCAN)
        .subquery()
    )
    return select(func.count(distinct(unread.c.group_key))).scalar_subquery()


def unread_count(user: User) -> int:
    """How many unread things the member has (the header's count); pages read it with the member instead."""
    return db.session.scalar(select(unread_count_of(user.id)))


@dataclass
class Line:
    """One notification as the list shows it."""

    id: int
    kind: str
    detail: str | None
    created_at: datetime
    read_at: datetime | None
    group_key: str
    post_id: int | None
    topic_title: str | None
    board_slug: str | None
    actor: str | None
    message_id: int | None
    message_subject: str | None
    report_id: int | None
    pairing_id: int | None = None
    meeting_id: int | None = None
    meeting_title: str | None = None
    meeting_starts_at: datetime | None = None

    @property
    def reaction_label(self) -> str:
        return REACTIONS.get(self.detail or "", translatable("a reaction"))


@dataclass
class Group:
    """Unread notifications about one topic, message or report: one line in the list, one in the count."""

    lines: list[Line] = field(default_factory=list)

    @property
    def newest(self) -> Line:
        return self.lines[0]

    @property
    def first(self) -> Line:
        """What the group's link opens: the earliest unread reply, quote or mention, else the earliest line."""
        replies = [line for line in self.lines if line.kind != NotificationKind.REACTION]
        return (replies or self.lines)[-1]


@dataclass
class Inbox:
    new: list[Group]
    earlier: list[Line]


def notifications_for(user: User) -> Inbox:
    """The member's unread notifications grouped (newest group first), then their earlier ones."""
    rows = _lines(user, unread=True, limit=NEW_LIMIT)
    groups: dict[str, Group] = {}
    for line in rows:
        groups.setdefault(line.group_key, Group()).lines.append(line)
    return Inbox(list(groups.values()), _lines(user, unread=False, limit=EARLIER_LIMIT))


def _lines(user: User, *, unread: bool, limit: int) -> list[Line]:
    author = aliased(User)
    read = Notification.read_at.is_(None) if unread else Notification.read_at.is_not(None)
    statement = (
        select(
            Notification.id,
            Notification.kind,
            Notification.detail,
            Notification.created_at,
            Notification.read_at,
            Notification.group_key,
            Notification.post_id,
            Topic.title,
            Board.slug,
            Post.is_anonymous,
            Post.author_id,
            author.pseudonym,
            Notification.message_id,
            ModeratorMessage.subject,
            Notification.report_id,
            Notification.pairing_id,
            Notification.meeting_id,
            Meeting.title,
            Meeting.starts_at,
        )
        .outerjoin(Post, Post.id == Notification.post_id)
        .outerjoin(Topic, Topic.id == Post.topic_id)
        .outerjoin(Board, Board.id == Topic.board_id)
        .outerjoin(author, author.id == Post.author_id)
        .outerjoin(ModeratorMessage, ModeratorMessage.id == Notification.message_id)
        .outerjoin(Meeting, Meeting.id == Notification.meeting_id)
        .where(Notification.user_id == user.id, read, _shown_clause())
        .order_by(Notification.id.desc())
        .limit(limit)
    )
    lines = []
    for row in db.session.execute(statement):
        (nid, kind, detail, created, read_at, key, post_id, title, slug, anonymous, author_id, pseudonym) = row[:12]
        actor = None
        if post_id is not None:
            actor = _public_label(anonymous, author_id, pseudonym)
        lines.append(Line(nid, kind, detail, created, read_at, key, post_id, title, slug, actor, *row[12:19]))
    return lines


def _public_label(anonymous: bool, author_id: int | None, pseudonym: str | None) -> str:
    # The label every reader sees: an anonymous post's author is never named, not even to staff here.
    if anonymous:
        return ANONYMOUS_LABEL
    return pseudonym if author_id is not None else FORMER_MEMBER_LABEL


def get_notification(notification_id: int, user: User) -> Notification:
    """The member's own notification; raises NotFound, or NotAllowed when it is someone else's."""
    notification = db.session.get(Notification, notification_id) if 0 < notification_id < 2**31 else None
    if notification is None:
        raise NotFound()
    if not permissions.can_read_notification(user, notification):
        raise NotAllowed()
    return notification


def mark_read(notification: Notification, user: User, now: datetime | None = None) -> None:
    """Mark a notification and the unread ones in its group (topic, message, report) read; NotAllowed if not theirs."""
    if not permissions.can_read_notification(user, notification):
        raise NotAllowed()
    db.session.execute(
        update(Notification)
        .where(
            Notification.user_id == user.id,
            Notification.group_key == notification.group_key,
            Notification.read_at.is_(None),
        )
        .values(read_at=now or utcnow())
    )
    db.session.commit()


def mark_all_read(user: User, now: datetime | None = None) -> int:
    """Mark every notification of the member read; returns how many were unread."""
    if not permissions.can_watch_topics(user):
        raise NotAllowed()
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now or utcnow())
    )
    db.session.commit()
    return result.rowcount


def is_shown(notification: Notification) -> bool:
    """False when the post it tells of was hidden or removed since (the link then says so)."""
    if notification.post_id is None:
        return True
    post = db.session.get(Post, notification.post_id)
    return post is not None and post.status == PostStatus.VISIBLE and post.topic.status == PostStatus.VISIBLE
