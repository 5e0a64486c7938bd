"""Meetings: scheduling, the time-boxed room, posting in it, pausing, attendance and erasing.

Every function takes `now` (naive UTC) from its caller, so the time box is tested without a clock.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import format_decimal, gettext
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload

from forum import permissions
from forum.accounts.models import User
from forum.boards.models import Board
from forum.crisis.detector import Level
from forum.crisis.services import assess_text, keep_unposted_text, should_hold
from forum.errors import InvalidAction, NotFound
from forum.extensions import db
from forum.meetings.models import Meeting, MeetingPause, MeetingPost, MeetingVisit
from forum.moderation.services import log_action
from forum.permissions import Capability
from forum.translatable import ANONYMOUS_LABEL, translatable

MAX_TITLE = 150
MAX_READING = 5_000
MAX_POST = 5_000
MIN_LENGTH_MINUTES = 10
# Longer than any peer-support meeting runs; the room must not stay open by a typo.
MAX_LENGTH_MINUTES = 240
# A facilitator may let people in a little before the start, as a host unlocks the door.
EARLY_OPEN_MINUTES = 15
# A calendar feed keeps meetings this long after they started, so past events don't vanish at once.
CALENDAR_PAST = timedelta(days=30)
# How many posts one poll of the room returns at most.
POSTS_PER_POLL = 200
PASSED = translatable("That time has already passed; choose a time to come.")
FORMER_MEMBER_LABEL = translatable("Former member")


class RoomState(enum.StrEnum):
    UPCOMING = "upcoming"
    OPEN = "open"
    # Closed by the facilitator before the end; they may reopen it within the window.
    CLOSED = "closed"
    ENDED = "ended"
    CANCELLED = "cancelled"


def room_state(meeting: Meeting, now: datetime) -> RoomState:
    """Where the meeting stands at `now`: the server's clock decides, the facilitator only within the window."""
    if meeting.cancelled_at is not None:
        return RoomState.CANCELLED
    if now >= meeting.ends_at:
        return RoomState.ENDED
    if meeting.closed_at is not None:
        return RoomState.CLOSED
    if now >= meeting.starts_at or meeting.opened_at is not None:
        return RoomState.OPEN
    return RoomState.UPCOMING


def get_meeting(meeting_id: int) -> Meeting:
    """The meeting with this id; raises NotFound."""
    meeting = db.session.get(Meeting, meeting_id) if 0 < meeting_id < 2**31 else None
    if meeting is None:
        raise NotFound()
    return meeting


def get_meeting_post(meeting: Meeting, post_id: int) -> MeetingPost:
    """A post in this meeting; raises NotFound."""
    post = db.session.get(MeetingPost, post_id) if 0 < post_id < 2**31 else None
    if post is None or post.meeting_id != meeting.id:
        raise NotFound()
    return post


def upcoming_meetings(now: datetime) -> list[Meeting]:
    """Meetings not cancelled that haven't ended yet, soonest first."""
    candidates = db.session.scalars(
        select(Meeting)
        .where(Meeting.cancelled_at.is_(None), Meeting.starts_at > now - timedelta(minutes=MAX_LENGTH_MINUTES))
        .order_by(Meeting.starts_at, Meeting.id)
    )
    return [meeting for meeting in candidates if meeting.ends_at > now]


def calendar_meetings(now: datetime) -> list[Meeting]:
    """What the iCalendar feed lists: the last month's and upcoming meetings, cancelled ones marked so."""
    return list(
        db.session.scalars(select(Meeting).where(Meeting.starts_at >= now - CALENDAR_PAST).order_by(Meeting.starts_at))
    )


def upcoming_reminders(now: datetime, lead: timedelta = timedelta(minutes=30)) -> list[Meeting]:
    """Meetings starting within `lead` of `now`, not cancelled: the hook for the notifications' reminders.

    It only answers the question; whoever sends reminders records what was sent.
    """
    return list(
        db.session.scalars(
            select(Meeting)
            .where(Meeting.cancelled_at.is_(None), Meeting.starts_at > now, Meeting.starts_at <= now + lead)
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )


def _clean(text: str | None) -> str:
    return (text or "").replace("\r\n", "\n").strip()


def _check_details(title: str, starts_at: datetime | None, length_minutes: int | None, reading: str) -> None:
    if not title:
        raise InvalidAction(gettext("Please give the meeting a title."), field="title")
    if len(title) > MAX_TITLE:
        raise InvalidAction(gettext("Titles can be up to %(max)s characters.", max=MAX_TITLE), field="title")
    if starts_at is None or not 2000 <= starts_at.year <= 2199:
        raise InvalidAction(gettext("Choose a start date and time (UTC)."), field="starts_at")
    if length_minutes is None or not MIN_LENGTH_MINUTES <= length_minutes <= MAX_LENGTH_MINUTES:
        raise InvalidAction(
            gettext(
                "A meeting runs between %(shortest)s and %(longest)s minutes.",
                shortest=MIN_LENGTH_MINUTES,
                longest=MAX_LENGTH_MINUTES,
            ),
            field="length_minutes",
        )
    if len(reading) > MAX_READING:
        raise InvalidAction(
            gettext("The reading can be up to %(max)s characters.", max=format_decimal(MAX_READING)), field="reading"
        )


def _check_facilitator(by: User, facilitator: User | None) -> User:
    facilitator = facilitator or by
    if not permissions.can_schedule_meetings(facilitator):
        raise InvalidAction(gettext("Choose a facilitator (or an admin) to run the meeting."), field="facilitator_id")
    if facilitator.id != by.id and not permissions.has_capability(by, Capability.RUN_ANY_MEETING):
        raise InvalidAction(gettext("You can schedule meetings you facilitate yourself."), field="facilitator_id")
    return facilitator


def schedule_meeting(
    by: User,
    *,
    title: str,
    board: Board,
    starts_at: datetime | None,
    length_minutes: int | None,
    reading: str = "",
    keep_posts: bool = False,
    facilitator: User | None = None,
    now: datetime,
) -> Meeting:
    """Schedule a meeting (facilitators and admins), its title and reading screened; raises InvalidAction."""
    if not permissions.can_schedule_meetings(by):
        raise InvalidAction(gettext("Only facilitators and admins schedule meetings."))
    title, reading = _clean(title), _clean(reading)
    _check_details(title, starts_at, length_minutes, reading)
    if starts_at + timedelta(minutes=length_minutes) <= now:
        raise InvalidAction(gettext(PASSED), field="starts_at")
    meeting = Meeting(
        title=title,
        board=board,
        facilitator=_check_facilitator(by, facilitator),
        starts_at=starts_at,
        length_minutes=length_minutes,
        reading=reading,
        keep_posts=keep_posts,
        created_at=now,
        updated_at=now,
    )
    db.session.add(meeting)
    db.session.flush()
    log_action(by, "schedule_meeting", note=f"meeting #{meeting.id}: {title}")
    db.session.commit()
    _screen_details(meeting, by, title, reading)
    return meeting


def _screen_details(meeting: Meeting, by: User, title: str, reading: str) -> None:
    # The title and reading are written by a person like any post: a crisis in them reaches the moderators.
    text = f"{title}\n{reading}".strip()
    keep_unposted_text(
        assess_text(text),
        text=text,
        author=by,
        kind="meeting description",
        path=f"/meetings/{meeting.id}",
        refusal=f"Not a board post: the title or reading of the meeting #{meeting.id}, shown to members.",
    )


def _has_posts(meeting: Meeting) -> bool:
    return db.session.scalar(select(MeetingPost.id).where(MeetingPost.meeting_id == meeting.id).limit(1)) is not None


def update_meeting(
    meeting: Meeting,
    by: User,
    *,
    title: str,
    board: Board,
    starts_at: datetime | None,
    length_minutes: int | None,
    reading: str,
    keep_posts: bool,
    facilitator: User | None = None,
    now: datetime,
) -> Meeting:
    """Change a meeting that hasn't ended; raises InvalidAction (the keep/erase promise can't change once
    someone has posted)."""
    _require_runner(meeting, by)
    if room_state(meeting, now) in (RoomState.ENDED, RoomState.CANCELLED):
        raise InvalidAction(gettext("This meeting is over or cancelled; it can't be changed."))
    title, reading = _clean(title), _clean(reading)
    _check_details(title, starts_at, length_minutes, reading)
    if starts_at + timedelta(minutes=length_minutes) <= now:
        raise InvalidAction(gettext(PASSED), field="starts_at")
    if keep_posts != meeting.keep_posts and _has_posts(meeting):
        raise InvalidAction(
            gettext(
                "People have posted under the promise made when they joined; whether posts are kept can't change now."
            ),
            field="keep_posts",
        )
    meeting.title, meeting.board, meeting.reading, meeting.keep_posts = title, board, reading, keep_posts
    meeting.starts_at, meeting.length_minutes = starts_at, length_minutes
    meeting.facilitator = _check_facilitator(by, facilitator or meeting.facilitator)
    meeting.updated_at = now
    log_action(by, "edit_meeting", note=f"meeting #{meeting.id}: {title}")
    db.session.commit()
    _screen_details(meeting, by, title, reading)
    return meeting


def _require_runner(meeting: Meeting, by: User) -> None:
    if not permissions.can_run_meeting(by, meeting):
        raise InvalidAction(gettext("Only the meeting's facilitator (or an admin) can do that."))


def cancel_meeting(meeting: Meeting, by: User, *, now: datetime) -> None:
    """Cancel a meeting that hasn't ended; raises InvalidAction."""
    _require_runner(meeting, by)
    if room_state(meeting, now) in (RoomState.ENDED, RoomState.CANCELLED):
        raise InvalidAction(gettext("This meeting is already over or cancelled."))
    meeting.cancelled_at = meeting.updated_at = now
    log_action(by, "cancel_meeting", note=f"meeting #{meeting.id}: {meeting.title}")
    db.session.commit()


def open_room(meeting: Meeting, by: User, *, now: datetime) -> None:
    """Open the room for posts: early (EARLY_OPEN_MINUTES before the start) or again after closing it."""
    _require_runner(meeting, by)
    state = room_state(meeting, now)
    if state == RoomState.OPEN:
        raise InvalidAction(gettext("The room is already open."))
    if state in (RoomState.ENDED, RoomState.CANCELLED):
        raise InvalidAction(gettext("This meeting is over; its room can't open again."))
    if now < meeting.starts_at - timedelta(minutes=EARLY_OPEN_MINUTES):
        raise InvalidAction(
            gettext("The room can open at most %(minutes)s minutes before the start.", minutes=EARLY_OPEN_MINUTES)
        )
    if now < meeting.starts_at:
        meeting.opened_at = now
    meeting.closed_at = None
    log_action(by, "open_meeting", note=f"meeting #{meeting.id}")
    db.session.commit()


def close_room(meeting: Meeting, by: User, *, now: datetime) -> None:
    """Close the room before its end; the facilitator may reopen it until the end."""
    _require_runner(meeting, by)
    if room_state(meeting, now) != RoomState.OPEN:
        raise InvalidAction(gettext("The room isn't open."))
    meeting.closed_at = now
    log_action(by, "close_meeting", note=f"meeting #{meeting.id}")
    db.session.commit()


def pin_reading(meeting: Meeting, by: User, *, pinned: bool) -> None:
    """Pin the reading above the room's posts, or unpin it."""
    _require_runner(meeting, by)
    if pinned and not meeting.reading:
        raise InvalidAction(gettext("This meeting has no reading to pin; add one by editing the meeting."))
    meeting.reading_pinned = pinned
    log_action(by, "pin_meeting_reading" if pinned else "unpin_meeting_reading", note=f"meeting #{meeting.id}")
    db.session.commit()


def is_paused(meeting: Meeting, user: User | None) -> bool:
    """Whether the facilitator paused this member for the rest of the meeting."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return (
        db.session.scalar(
            select(MeetingPause.id).where(MeetingPause.meeting_id == meeting.id, MeetingPause.member_id == user.id)
        )
        is not None
    )


def pause_participant(meeting: Meeting, post: MeetingPost, by: User, *, now: datetime) -> None:
    """Pause the author of `post` for the rest of the meeting; raises InvalidAction.

    Chosen by post, so an anonymous participant is paused without anyone learning who they are.
    """
    _require_runner(meeting, by)
    if post.meeting_id != meeting.id:
        raise InvalidAction(gettext("That post is not in this meeting."))
    if post.author_id == by.id:
        raise InvalidAction(gettext("You can't pause yourself."))
    if room_state(meeting, now) in (RoomState.ENDED, RoomState.CANCELLED):
        raise InvalidAction(gettext("This meeting is over."))
    if is_paused(meeting, post.author):
        # Done already, and said the same way: "already paused" would tell the facilitator that an
        # anonymous post and a named one (or two anonymous ones) share an author.
        return
    db.session.add(MeetingPause(meeting_id=meeting.id, member_id=post.author_id, created_at=now))
    # The log names the member only when their post did; an anonymous post's author stays unnamed.
    who = post.author.anonymous_label if post.is_anonymous else post.author.pseudonym
    log_action(
        by,
        "pause_meeting_member",
        target=None if post.is_anonymous else post.author,
        note=f"meeting #{meeting.id}: paused {who} (post #{post.id})",
    )
    db.session.commit()


def _meeting_refusal(meeting: Meeting, held: bool) -> str:
    shown = "held back from the room" if held else "shown in the room"
    return f"Not a board post: said in the meeting “{meeting.title}” (meeting #{meeting.id}), {shown}."


def post_in_meeting(
    meeting: Meeting,
    author: User,
    *,
    body: str,
    anonymous: bool,
    now: datetime,
    before_write: Callable[[], None] | None = None,
) -> MeetingPost:
    """Post in an open room, screened like any post; raises InvalidAction with a calm reason.

    A post that signals risk is held when a board post would be, and reaches the moderators' queue.
    """
    body = _clean(body)
    if not permissions.can_post(author):
        raise InvalidAction(gettext("Your account can't post at the moment."))
    state = room_state(meeting, now)
    if state != RoomState.OPEN:
        raise InvalidAction(gettext(_CLOSED_REASONS[state]))
    if is_paused(meeting, author):
        raise InvalidAction(gettext(PAUSED))
    if not body:
        raise InvalidAction(gettext("Please write a message."), field="body")
    if len(body) > MAX_POST:
        raise InvalidAction(
            gettext(
                "Meeting posts can be up to %(max)s characters; this one has %(length)s.",
                max=format_decimal(MAX_POST),
                length=format_decimal(len(body)),
            ),
            "body",
        )
    if before_write is not None:
        before_write()
    assessment = assess_text(body)
    level = Level(assessment.level)
    post = MeetingPost(meeting=meeting, author=author, is_anonymous=anonymous, body=body, created_at=now)
    if level != Level.NONE:
        post.crisis_level = level.value
        post.is_held = should_hold(level)
    db.session.add(post)
    db.session.flush()
    if level == Level.NONE:
        db.session.commit()
        return post
    keep_unposted_text(
        assessment,
        text=body,
        author=author,
        anonymous=anonymous,
        kind="meeting",
        path=f"/meetings/{meeting.id}",
        refusal=_meeting_refusal(meeting, post.is_held),
    )
    return post


PAUSED = translatable(
    "The facilitator has paused your posting for the rest of this meeting. You're welcome to keep reading, "
    "and the support lines are there if you need them."
)
_CLOSED_REASONS = {
    RoomState.UPCOMING: translatable("The room isn't open yet; it opens at the start time."),
    RoomState.CLOSED: translatable("The facilitator has closed the room for now, so posts can't be added."),
    RoomState.ENDED: translatable("This meeting has ended, so posts can't be added any more."),
    RoomState.CANCELLED: translatable("This meeting was cancelled."),
}


def room_posts(meeting: Meeting, viewer: User | None, *, after_id: int = 0) -> list[MeetingPost]:
    """The room's posts this viewer may read, oldest first: held ones only for their author and the staff."""
    query = (
        select(MeetingPost)
        .options(joinedload(MeetingPost.author))
        .where(MeetingPost.meeting_id == meeting.id, MeetingPost.id > after_id)
        .order_by(MeetingPost.id)
        .limit(POSTS_PER_POLL)
    )
    if not (permissions.can_review_queue(viewer) or permissions.can_run_meeting(viewer, meeting)):
        viewer_id = viewer.id if viewer is not None and viewer.is_authenticated else None
        query = query.where(MeetingPost.is_held.is_(False) | (MeetingPost.author_id == viewer_id))
    return list(db.session.scalars(query))


def meeting_author_label(post: MeetingPost, viewer: User | None) -> str:
    """The name shown for a meeting post's author; an anonymous one as a handle to the moderators, and as a
    handle valid in this meeting alone to its facilitator."""
    if post.is_anonymous:
        if viewer is not None and viewer.is_authenticated and post.author_id == viewer.id:
            return gettext("Anonymous member (you)")
        if permissions.can_see_anonymous_handle(viewer):
            return post.author.anonymous_label
        if permissions.can_run_meeting(viewer, post.meeting):
            return _meeting_handle(post.meeting, post.author_id)
        return gettext(ANONYMOUS_LABEL)
    return post.author.pseudonym if post.author is not None else gettext(FORMER_MEMBER_LABEL)


def _meeting_handle(meeting: Meeting, author_id: int) -> str:
    # The facilitator tells one anonymous participant from another within this meeting only: the
    # account's own handle (the moderators') would link their anonymous posts across meetings.
    secret = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(secret, f"meeting-handle:{meeting.id}:{author_id}".encode(), hashlib.sha256).hexdigest()
    return f"{gettext(ANONYMOUS_LABEL)} #{digest[:6]}"


def _visitor_key(meeting: Meeting, user: User) -> str:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, f"meeting-visit:{meeting.id}:{user.id}".encode(), hashlib.sha256).hexdigest()


def record_visit(meeting: Meeting, user: User, *, now: datetime) -> None:
    """Count a member who opened the room while it ran, once per meeting, under a keyed hash only."""
    if room_state(meeting, now) != RoomState.OPEN:
        return
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(
        insert(MeetingVisit)
        .values(meeting_id=meeting.id, visitor=_visitor_key(meeting, user))
        .on_conflict_do_nothing(index_elements=["meeting_id", "visitor"])
    )
    db.session.commit()


def attendance(meeting: Meeting) -> int:
    """How many distinct members opened the room while it ran."""
    return db.session.scalar(select(func.count()).where(MeetingVisit.meeting_id == meeting.id)) or 0


def erase_if_ended(meeting: Meeting, *, now: datetime) -> bool:
    """Delete an ended erase-meeting's posts (and its pauses); True when something was erased now."""
    if meeting.keep_posts or meeting.erased_at is not None or now < meeting.ends_at:
        return False
    db.session.execute(delete(MeetingPost).where(MeetingPost.meeting_id == meeting.id))
    db.session.execute(delete(MeetingPause).where(MeetingPause.meeting_id == meeting.id))
    meeting.erased_at = now
    db.session.commit()
    return True


def erase_ended_meetings(now: datetime) -> int:
    """Erase the posts of every ended meeting that promised to; returns how many meetings were erased."""
    due = db.session.scalars(
        select(Meeting).where(Meeting.keep_posts.is_(False), Meeting.erased_at.is_(None), Meeting.starts_at < now)
    ).all()
    return sum(erase_if_ended(meeting, now=now) for meeting in due)


def export_meeting_posts(user: User) -> list[dict]:
    """The member's posts in meetings (kept ones, and those not yet erased), for their data export."""
    rows = db.session.execute(
        select(MeetingPost, Meeting.title)
        .join(Meeting, Meeting.id == MeetingPost.meeting_id)
        .where(MeetingPost.author_id == user.id)
        .order_by(MeetingPost.id)
    )
    return [
        {
            "meeting": title,
            "body": post.body,
            "anonymous": post.is_anonymous,
            "held": post.is_held,
            "created_at": post.created_at.isoformat() + "Z",
        }
        for post, title in rows
    ]


def meeting_boards() -> list[Board]:
    """The boards a meeting may be held on, in the forum's order."""
    return list(db.session.scalars(select(Board).order_by(Board.position, Board.id)))


def meeting_hosts() -> list[User]:
    """Who may facilitate a meeting: everyone whose role schedules meetings, by pseudonym."""
    roles = [role.value for role, caps in permissions.ROLE_CAPABILITIES.items() if Capability.SCHEDULE_MEETINGS in caps]
    return list(db.session.scalars(select(User).where(User.role.in_(roles)).order_by(User.pseudonym_key)))


def find_board(board_id: int | None) -> Board:
    """The chosen board; raises InvalidAction when there is none such."""
    board = db.session.get(Board, board_id) if board_id and 0 < board_id < 2**31 else None
    if board is None:
        raise InvalidAction(gettext("Choose a board."), field="board_id")
    return board


def find_host(user_id: int | None) -> User | None:
    """The chosen facilitator, or None (the person scheduling) when none was chosen."""
    return db.session.get(User, user_id) if user_id and 0 < user_id < 2**31 else None
