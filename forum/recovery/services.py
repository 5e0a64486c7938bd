"""Check-ins, start dates and milestones: the rules, tested without HTTP.

Everything here is the member's own. Two things may leave the account, and only these: a line that
signals a crisis (screened like a post, so the moderators can reach out) and, when the member opted
in, a note that their check-ins look hard. The moderators get the line or the note, never the history.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext, ngettext
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from forum import permissions
from forum.accounts.models import User, utcnow
from forum.boards import services as boards
from forum.boards.models import Post
from forum.crisis.detector import Assessment, Level
from forum.crisis.services import assess_text, keep_unposted_text
from forum.errors import InvalidAction, NotAllowed, NotFound
from forum.extensions import db
from forum.recovery.milestones import Milestone, days_since, find_milestone, next_milestone, reached_milestones
from forum.recovery.models import CheckIn, Medication, MilestoneShare, RecoveryPreference, RecoveryStart
from forum.recovery.rules import HARD_DAYS, HARD_WINDOW, HIGH_CRAVINGS, LOW_MOOD, RECENT_DAYS, looks_hard
from forum.recovery.zones import TIME_ZONES, local_today, member_zone
from forum.validation import EARLIEST_PAST_DATE

MAX_NOTE = 200
MAX_LABEL = 60
MOOD_CHOICES = range(1, 6)
CRAVINGS_CHOICES = range(0, 11)
SLEEP_CHOICES = range(1, 6)
MILESTONES_BOARD = "milestones"

CHECK_IN_KIND = "check-in"
START_KIND = "start date"
PATTERN_KIND = "check-in summary"
# What the moderators read in the queue: the rule, never the check-ins themselves.
PATTERN_TEXT = (
    f"This member asked us to let a moderator know when their check-ins look hard: {HARD_DAYS} of their last "
    f"{HARD_WINDOW} check-ins (within {RECENT_DAYS} days) had cravings of {HIGH_CRAVINGS} or more and a mood "
    f"of {LOW_MOOD} or less. A kind message may help."
)
PRIVATE_REFUSAL = "Not a post: written in a private daily check-in. Only this line is shown to moderators."


@dataclass(frozen=True)
class SavedStart:
    """A saved start date, and the crisis level its name was screened at (None: no risk)."""

    start: RecoveryStart
    crisis_level: str | None


@dataclass(frozen=True)
class Saved:
    """A saved check-in and what left the account because of it."""

    check_in: CheckIn
    crisis_level: str | None
    concern_raised: bool


def _clean(text: str | None) -> str:
    text = "".join(ch for ch in (text or "") if unicodedata.category(ch) != "Cc")
    return " ".join(text.split())


def _screen(author: User, text: str, *, kind: str, path: str) -> str | None:
    """Screen a private text like a post: on risk it reaches the moderators (this commits)."""
    assessment = assess_text(text)
    if assessment.level == Level.NONE:
        return None
    keep_unposted_text(assessment, text=text, author=author, kind=kind, path=path, refusal=PRIVATE_REFUSAL)
    return Level(assessment.level).value


def _check_choice(value: int | None, choices: range, field: str, message: str) -> int:
    if value not in choices:
        raise InvalidAction(message, field=field)
    return value


def get_check_in(user: User, day: date) -> CheckIn | None:
    """The member's check-in for that day, if they made one."""
    return db.session.scalar(select(CheckIn).where(CheckIn.user_id == user.id, CheckIn.day == day))


def recent_check_ins(user: User, today: date, days: int) -> list[CheckIn]:
    """The member's check-ins of the last `days` days up to today, oldest first."""
    since = today - timedelta(days=days - 1)
    return list(
        db.session.scalars(
            select(CheckIn)
            .where(CheckIn.user_id == user.id, CheckIn.day >= since, CheckIn.day <= today)
            .order_by(CheckIn.day)
        )
    )


def save_check_in(
    user: User, *, today: date, mood: int, cravings: int, sleep: int, medication: str, note: str, path: str = ""
) -> Saved:
    """Record or update today's check-in; raises InvalidAction on a value outside its scale.

    The line is screened like a post; with the member's opt-in, a run of hard days reaches the moderators once.
    """
    if not permissions.can_keep_check_ins(user):
        raise NotAllowed()
    values = {
        "mood": _check_choice(mood, MOOD_CHOICES, "mood", gettext("Choose your mood, from 1 to 5.")),
        "cravings": _check_choice(
            cravings, CRAVINGS_CHOICES, "cravings", gettext("Choose your cravings, from 0 to 10.")
        ),
        "sleep": _check_choice(sleep, SLEEP_CHOICES, "sleep", gettext("Choose how you slept, from 1 to 5.")),
        "medication": medication,
        "note": _clean(note),
    }
    if medication not in set(Medication):
        raise InvalidAction(gettext("Choose yes, no or not applicable."), field="medication")
    if len(values["note"]) > MAX_NOTE:
        raise InvalidAction(gettext("One line: up to %(max)s characters.", max=MAX_NOTE), field="note")
    check_in = _upsert_check_in(user, today, values)
    concern = _follow_pattern(user, today, path)
    db.session.commit()
    level = _screen(user, check_in.note, kind=CHECK_IN_KIND, path=path) if check_in.note else None
    return Saved(check_in, level, concern)


def _upsert_check_in(user: User, day: date, values: dict) -> CheckIn:
    check_in = get_check_in(user, day)
    if check_in is None:
        check_in = CheckIn(user_id=user.id, day=day, **values)
        try:
            # Two tabs sending at once: the unique (member, day) decides, and the second updates the first.
            with db.session.begin_nested():
                db.session.add(check_in)
        except IntegrityError:
            check_in = get_check_in(user, day)
        else:
            return check_in
    for key, value in values.items():
        setattr(check_in, key, value)
    check_in.updated_at = utcnow()
    return check_in


def get_preference(user: User) -> RecoveryPreference | None:
    """The member's check-in choices; None means the defaults."""
    return db.session.get(RecoveryPreference, user.id)


def time_zone_of(user: User) -> str:
    """The zone whose midnight starts the member's new check-in day."""
    preference = get_preference(user)
    return member_zone(preference.time_zone if preference else None, user.region)


def today_for(user: User) -> date:
    """The member's own date now: a check-in at 11 pm belongs to that evening wherever they are."""
    return local_today(time_zone_of(user), utcnow())


def set_preferences(user: User, *, tell_moderators: bool, time_zone: str | None) -> RecoveryPreference:
    """Save "Let a moderator know if my check-ins look hard" and the member's time zone (None: the region's).

    Raises InvalidAction for a zone outside the list.
    """
    if time_zone and time_zone not in TIME_ZONES:
        raise InvalidAction(gettext("Choose a time zone from the list."), field="time_zone")
    preference = get_preference(user)
    if preference is None:
        preference = RecoveryPreference(user_id=user.id)
        db.session.add(preference)
    preference.tell_moderators = tell_moderators
    preference.time_zone = time_zone or None
    if not tell_moderators:
        preference.concern_open_since = None
    db.session.commit()
    return preference


def _follow_pattern(user: User, today: date, path: str) -> bool:
    """With the opt-in: raise one concern per run of hard days; the run ends when the rule no longer holds."""
    preference = get_preference(user)
    if preference is None or not preference.tell_moderators:
        return False
    db.session.flush()
    if not looks_hard(recent_check_ins(user, today, RECENT_DAYS), today):
        preference.concern_open_since = None
        return False
    if preference.concern_open_since is not None:
        return False
    preference.concern_open_since = utcnow()
    assessment = Assessment(level=Level.CONCERN, reason="check-ins look hard")
    keep_unposted_text(
        assessment, text=PATTERN_TEXT, author=user, kind=PATTERN_KIND, path=path, refusal=PRIVATE_REFUSAL
    )
    return True


# Start dates -------------------------------------------------------------------------------------


def current_starts(user: User) -> list[RecoveryStart]:
    """The start dates the member counts from now, in the order they added them."""
    return list(
        db.session.scalars(
            select(RecoveryStart)
            .where(RecoveryStart.user_id == user.id, RecoveryStart.replaced_at.is_(None))
            .order_by(RecoveryStart.id)
        )
    )


@dataclass(frozen=True)
class StartSummary:
    """What the page shows for one start date: the days since, and the milestones either side of today."""

    start: RecoveryStart
    days: int
    latest: Milestone | None
    next: Milestone | None


def start_summaries(user: User, today: date) -> list[StartSummary]:
    """The member's current start dates with their day counts and milestones."""
    summaries = []
    for start in current_starts(user):
        reached = reached_milestones(start.started_on, today)
        latest = reached[-1] if reached else None
        summaries.append(
            StartSummary(start, days_since(start.started_on, today), latest, next_milestone(start.started_on, today))
        )
    return summaries


def earlier_starts(user: User) -> list[RecoveryStart]:
    """Start dates the member replaced with a new one, newest first: their own history."""
    return list(
        db.session.scalars(
            select(RecoveryStart)
            .where(RecoveryStart.user_id == user.id, RecoveryStart.replaced_at.is_not(None))
            .order_by(RecoveryStart.replaced_at.desc(), RecoveryStart.id.desc())
        )
    )


def get_own_start(user: User, start_id: int) -> RecoveryStart:
    """A current start date of this member; raises NotFound or NotAllowed."""
    start = db.session.get(RecoveryStart, start_id)
    if start is None or not start.is_current:
        raise NotFound()
    if not permissions.can_manage_start(user, start):
        raise NotAllowed()
    return start


def _check_start(label: str, started_on: date | None, today: date) -> str:
    label = _clean(label)
    if not label:
        raise InvalidAction(gettext("Name what you count, for example “clean and sober” or “alcohol”."), field="label")
    if len(label) > MAX_LABEL:
        raise InvalidAction(gettext("Up to %(max)s characters.", max=MAX_LABEL), field="label")
    if started_on is None or started_on < EARLIEST_PAST_DATE:
        raise InvalidAction(gettext("Choose the date you count from."), field="started_on")
    if started_on > today:
        raise InvalidAction(gettext("The date can't be in the future."), field="started_on")
    return label


def add_start(user: User, *, label: str, started_on: date | None, today: date, path: str = "") -> SavedStart:
    """Start counting days from a date; the label is screened like a post. Raises InvalidAction."""
    if not permissions.can_keep_check_ins(user):
        raise NotAllowed()
    label = _check_start(label, started_on, today)
    start = RecoveryStart(user_id=user.id, label=label, started_on=started_on)
    db.session.add(start)
    db.session.commit()
    return SavedStart(start, _screen(user, label, kind=START_KIND, path=path))


def correct_start(
    start: RecoveryStart, *, label: str, started_on: date | None, today: date, path: str = ""
) -> SavedStart:
    """Fix a start date's name or a mistyped date in place (not a new start: nothing goes to the history)."""
    start.label = _check_start(label, started_on, today)
    start.started_on = started_on
    db.session.commit()
    return SavedStart(start, _screen(db.session.get(User, start.user_id), start.label, kind=START_KIND, path=path))


def reset_start(start: RecoveryStart, *, started_on: date | None, today: date) -> RecoveryStart:
    """Count again from a new date; the old one stays in the member's own history. Raises InvalidAction."""
    _check_start(start.label, started_on, today)
    fresh = RecoveryStart(user_id=start.user_id, label=start.label, started_on=started_on)
    db.session.add(fresh)
    db.session.flush()
    start.replaced_at = utcnow()
    start.replaced_by_id = fresh.id
    db.session.commit()
    return fresh


# Milestones --------------------------------------------------------------------------------------


def milestone_name(milestone: Milestone) -> str:
    """ "30 days", "6 months", "1 year" in the reader's language."""
    if milestone.unit == "days":
        return ngettext("%(num)s day", "%(num)s days", milestone.count)
    if milestone.unit == "months":
        return ngettext("%(num)s month", "%(num)s months", milestone.count)
    return ngettext("%(num)s year", "%(num)s years", milestone.count)


def shared_milestones(user: User) -> set[tuple[int, str]]:
    """(start id, milestone key) of every milestone the member has shared."""
    rows = db.session.execute(
        select(MilestoneShare.start_id, MilestoneShare.milestone).where(MilestoneShare.user_id == user.id)
    )
    return {(start_id, key) for start_id, key in rows}


def share_milestone(
    start: RecoveryStart,
    by: User,
    *,
    key: str,
    today: date,
    anonymous: bool,
    before_write: Callable[[], None] | None = None,
) -> Post:
    """Post a reached milestone to the Milestones board through the normal topic path (screened, moderated).

    Returns the topic's opening post.
    Raises InvalidAction when it isn't reached, was shared already, or the author may not post.
    """
    if not permissions.can_manage_start(by, start):
        raise NotAllowed()
    milestone = find_milestone(start.started_on, today, key)
    if milestone is None:
        raise InvalidAction(gettext("That milestone isn't reached yet."))
    try:
        board = boards.get_board(MILESTONES_BOARD)
    except NotFound:
        raise InvalidAction(gettext("The Milestones board isn't set up yet; please ask an admin.")) from None
    share = MilestoneShare(user_id=by.id, start_id=start.id, milestone=milestone.key)
    try:
        # The unique (start, milestone) row first: a double press shares once.
        db.session.add(share)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise InvalidAction(gettext("You have shared this milestone already.")) from None
    try:
        topic = boards.create_topic(
            board,
            by,
            # The fixed words in the author's language; what they count stays as they wrote it.
            title=f"{milestone_name(milestone)}: {start.label}",
            body=gettext(
                "I've reached %(milestone)s (%(label)s). Every day counts.",
                milestone=milestone_name(milestone),
                label=start.label,
            ),
            anonymous=anonymous,
            before_write=before_write,
        )
    except Exception:
        db.session.rollback()
        db.session.execute(delete(MilestoneShare).where(MilestoneShare.id == share.id))
        db.session.commit()
        raise
    share.topic_id = topic.id
    db.session.commit()
    return db.session.scalar(select(Post).where(Post.topic_id == topic.id).order_by(Post.id).limit(1))
