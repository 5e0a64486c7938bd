"""Meetings without HTTP: the time box with an explicit `now`, pausing, keep vs erase, attendance, iCalendar."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from forum.accounts.privacy import KEEP_AS_FORMER_MEMBER, delete_account
from forum.extensions import db
from forum.meetings import ical, services
from forum.meetings.models import MeetingPause, MeetingPost, MeetingVisit
from forum.meetings.services import RoomState
from forum.moderation.models import ModerationAction, UnpostedText
from forum.permissions import Role
from tests.factories import PASSWORD, make_board, make_meeting, make_user

START = datetime(2026, 12, 8, 19, 0)
URGENT_TEXT = "i've saved up my pills, tonight's the night. wanted to say goodbye to you all"
CONCERN_TEXT = "honestly i want to die lately. no plan, i just can't shake the thought"


@pytest.fixture
def meeting(app, facilitator):
    return make_meeting(facilitator=facilitator, starts_at=START, length_minutes=60)


def _at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def test_the_room_opens_at_the_start_and_closes_at_the_end(meeting):
    assert services.room_state(meeting, _at(-1)) == RoomState.UPCOMING
    assert services.room_state(meeting, _at(0)) == RoomState.OPEN
    assert services.room_state(meeting, _at(59.9)) == RoomState.OPEN
    assert services.room_state(meeting, _at(60)) == RoomState.ENDED


def test_posting_follows_the_server_clock(meeting, member):
    with pytest.raises(services.InvalidAction, match="isn't open yet"):
        services.post_in_meeting(meeting, member, body="early", anonymous=False, now=_at(-1))
    post = services.post_in_meeting(meeting, member, body="on time", anonymous=False, now=_at(1))
    assert post.id and post.crisis_level is None
    with pytest.raises(services.InvalidAction, match="has ended"):
        services.post_in_meeting(meeting, member, body="late", anonymous=False, now=_at(60))


def test_facilitator_opens_early_only_within_the_early_window(meeting, facilitator, member):
    with pytest.raises(services.InvalidAction, match="at most 15 minutes"):
        services.open_room(meeting, facilitator, now=_at(-16))
    services.open_room(meeting, facilitator, now=_at(-10))
    assert services.room_state(meeting, _at(-10)) == RoomState.OPEN
    services.post_in_meeting(meeting, member, body="early bird", anonymous=False, now=_at(-9))
    # Opening early never stretches the end.
    assert services.room_state(meeting, _at(60)) == RoomState.ENDED


def test_facilitator_closes_early_and_reopens_within_the_window(meeting, facilitator, member):
    services.close_room(meeting, facilitator, now=_at(10))
    assert services.room_state(meeting, _at(11)) == RoomState.CLOSED
    with pytest.raises(services.InvalidAction, match="closed the room"):
        services.post_in_meeting(meeting, member, body="hello?", anonymous=False, now=_at(11))
    services.open_room(meeting, facilitator, now=_at(20))
    assert services.room_state(meeting, _at(20)) == RoomState.OPEN
    services.close_room(meeting, facilitator, now=_at(30))
    with pytest.raises(services.InvalidAction, match="over"):
        services.open_room(meeting, facilitator, now=_at(61))
    actions = db.session.scalars(select(ModerationAction.action).order_by(ModerationAction.id)).all()
    assert actions == ["close_meeting", "open_meeting", "close_meeting"]


def test_only_the_meetings_facilitator_or_an_admin_runs_it(meeting, member, admin):
    other_facilitator = make_user("another_fac", role=Role.FACILITATOR)
    for who in (member, other_facilitator):
        with pytest.raises(services.InvalidAction, match="Only the meeting's facilitator"):
            services.close_room(meeting, who, now=_at(5))
    services.close_room(meeting, admin, now=_at(5))
    assert services.room_state(meeting, _at(5)) == RoomState.CLOSED


def test_a_paused_participant_cannot_post_for_the_rest_of_the_meeting(meeting, facilitator, member, other_member):
    post = services.post_in_meeting(meeting, member, body="rude words", anonymous=True, now=_at(5))
    services.pause_participant(meeting, post, facilitator, now=_at(6))
    assert services.is_paused(meeting, member) and not services.is_paused(meeting, other_member)
    with pytest.raises(services.InvalidAction, match="paused your posting"):
        services.post_in_meeting(meeting, member, body="again", anonymous=False, now=_at(7))
    services.post_in_meeting(meeting, other_member, body="fine", anonymous=False, now=_at(7))
    # The log of pausing an anonymous participant names their handle, never their account.
    entry = db.session.scalar(select(ModerationAction).where(ModerationAction.action == "pause_meeting_member"))
    assert entry.target_user_id is None and member.pseudonym not in entry.note
    assert member.anonymous_label in entry.note


def test_erase_meetings_delete_posts_after_the_end_and_keep_meetings_do_not(app, facilitator, member):
    erased = make_meeting(facilitator=facilitator, starts_at=START, keep_posts=False)
    kept = make_meeting(facilitator=facilitator, starts_at=START, keep_posts=True)
    for meeting in (erased, kept):
        services.post_in_meeting(meeting, member, body="my share", anonymous=False, now=_at(5))
    assert services.erase_ended_meetings(_at(59)) == 0
    assert services.erase_ended_meetings(_at(60)) == 1
    remaining = db.session.scalars(select(MeetingPost.meeting_id)).all()
    assert remaining == [kept.id]
    assert erased.erased_at == _at(60)
    # Once erased, it is not erased again.
    assert services.erase_ended_meetings(_at(90)) == 0


def test_lazy_erasure_on_view_erases_only_after_the_end(meeting, member):
    services.post_in_meeting(meeting, member, body="my share", anonymous=False, now=_at(5))
    assert not services.erase_if_ended(meeting, now=_at(30))
    assert services.erase_if_ended(meeting, now=_at(61))
    assert db.session.scalar(select(func.count(MeetingPost.id))) == 0


def test_the_keep_promise_cannot_change_once_someone_posted(meeting, facilitator, member):
    details = {
        "title": meeting.title,
        "board": meeting.board,
        "starts_at": meeting.starts_at,
        "length_minutes": 60,
        "reading": "",
        "now": _at(-30),
    }
    services.update_meeting(meeting, facilitator, keep_posts=True, **details)
    services.update_meeting(meeting, facilitator, keep_posts=False, **details)
    services.post_in_meeting(meeting, member, body="hi", anonymous=False, now=_at(1))
    with pytest.raises(services.InvalidAction, match="can't change now"):
        services.update_meeting(meeting, facilitator, keep_posts=True, **details | {"now": _at(2)})


def test_attendance_counts_distinct_members_while_open_and_stores_no_ids(meeting, member, other_member):
    services.record_visit(meeting, member, now=_at(-5))  # before it opens: not counted
    for who in (member, member, other_member):
        services.record_visit(meeting, who, now=_at(3))
    services.record_visit(meeting, make_user("latecomer"), now=_at(61))  # after the end: not counted
    assert services.attendance(meeting) == 2
    stored = db.session.scalars(select(MeetingVisit.visitor)).all()
    for visitor in stored:
        assert len(visitor) == 64 and str(member.id) != visitor and member.pseudonym not in visitor


def test_a_crisis_post_reaches_the_moderators_and_is_held_like_a_post(meeting, member, app):
    post = services.post_in_meeting(meeting, member, body=URGENT_TEXT, anonymous=True, now=_at(5))
    assert post.crisis_level == "urgent" and post.is_held
    item = db.session.scalar(select(UnpostedText))
    assert item.level == "urgent" and item.text == URGENT_TEXT and item.is_anonymous
    assert item.kind == "meeting" and item.path == f"/meetings/{meeting.id}" and "meeting" in item.refusal
    concern = services.post_in_meeting(meeting, member, body=CONCERN_TEXT, anonymous=False, now=_at(6))
    assert concern.crisis_level == "concern" and not concern.is_held
    # A held post is read only by its author and the staff.
    other = make_user("in_the_room")
    assert services.room_posts(meeting, other) == [concern]
    assert services.room_posts(meeting, member) == [post, concern]
    assert services.room_posts(meeting, meeting.facilitator) == [post, concern]


def test_anonymous_labels_show_the_handle_only_to_the_facilitator_and_moderators(meeting, member, moderator):
    post = services.post_in_meeting(meeting, member, body="quietly", anonymous=True, now=_at(5))
    assert services.meeting_author_label(post, make_user("peer")) == "Anonymous member"
    assert services.meeting_author_label(post, make_user("other_fac", role=Role.FACILITATOR)) == "Anonymous member"
    assert services.meeting_author_label(post, member) == "Anonymous member (you)"
    assert services.meeting_author_label(post, meeting.facilitator).startswith("Anonymous member #")
    assert services.meeting_author_label(post, moderator) == member.anonymous_label


def test_a_facilitator_cannot_link_anonymous_participants_across_meetings(app, facilitator, member, moderator):
    first = make_meeting(facilitator=facilitator, starts_at=START)
    second = make_meeting(facilitator=facilitator, starts_at=START + timedelta(days=1))
    post_one = services.post_in_meeting(first, member, body="quietly", anonymous=True, now=_at(5))
    post_two = services.post_in_meeting(second, member, body="again", anonymous=True, now=_at(5 + 24 * 60))
    again = services.post_in_meeting(first, member, body="and more", anonymous=True, now=_at(6))
    label_one = services.meeting_author_label(post_one, facilitator)
    # Within one meeting the facilitator tells participants apart; across meetings the handle changes,
    # and it is never the account's own handle, which the moderators see everywhere.
    assert services.meeting_author_label(again, facilitator) == label_one
    assert services.meeting_author_label(post_two, facilitator) != label_one
    assert member.anonymous_handle not in label_one + services.meeting_author_label(post_two, facilitator)
    assert services.meeting_author_label(post_two, moderator) == member.anonymous_label


def test_pausing_an_already_paused_author_says_nothing_about_who_wrote_it(meeting, facilitator, member):
    named = services.post_in_meeting(meeting, member, body="hello", anonymous=False, now=_at(5))
    hidden = services.post_in_meeting(meeting, member, body="quietly", anonymous=True, now=_at(5))
    services.pause_participant(meeting, named, facilitator, now=_at(6))
    # "Already paused" here would tell the facilitator the anonymous post is the named member's.
    services.pause_participant(meeting, hidden, facilitator, now=_at(7))
    assert services.is_paused(meeting, member)
    assert db.session.scalar(select(func.count()).select_from(MeetingPause)) == 1


def test_scheduling_checks_the_details(app, facilitator, member):
    board = make_board()
    good = {"title": "Friday group", "board": board, "starts_at": START, "length_minutes": 60, "now": _at(-60)}
    with pytest.raises(services.InvalidAction, match="Only facilitators"):
        services.schedule_meeting(member, **good)
    for change, message in (
        ({"title": " "}, "title"),
        ({"starts_at": None}, "start date"),
        ({"length_minutes": 5}, "between 10 and 240"),
        ({"now": _at(61)}, "already passed"),
        ({"facilitator": member}, "Choose a facilitator"),
    ):
        with pytest.raises(services.InvalidAction, match=message):
            services.schedule_meeting(facilitator, **good | change)
    meeting = services.schedule_meeting(facilitator, **good)
    assert meeting.facilitator == facilitator and not meeting.keep_posts


def test_upcoming_lists_running_and_future_meetings_and_reminders_find_the_soon_ones(app, facilitator):
    past = make_meeting(facilitator=facilitator, starts_at=_at(-120))
    running = make_meeting(facilitator=facilitator, starts_at=_at(-10))
    soon = make_meeting(facilitator=facilitator, starts_at=_at(20))
    later = make_meeting(facilitator=facilitator, starts_at=_at(24 * 60))
    cancelled = make_meeting(facilitator=facilitator, starts_at=_at(25), cancelled_at=_at(-60))
    assert services.upcoming_meetings(START) == [running, soon, later]
    assert services.upcoming_reminders(START) == [soon]
    long_ago = make_meeting(facilitator=facilitator, starts_at=START - timedelta(days=31))
    calendar = services.calendar_meetings(START)
    assert past in calendar and cancelled in calendar and long_ago not in calendar


def test_icalendar_escapes_text_folds_lines_and_ends_them_with_crlf():
    event = ical.Event(
        uid="meeting-1@forum.example",
        starts_at=START,
        ends_at=_at(60),
        stamp=datetime(2026, 12, 1, 8, 30),
        summary="Hope, grit; and \\ backslash\nnew line",
        description="é" * 80,
        url="https://forum.example/meetings/1",
        cancelled=True,
    )
    text = ical.calendar([event], name="Meetings")
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert "SUMMARY:Hope\\, grit\\; and \\\\ backslash\\nnew line\r\n" in text
    for key in ("UID:meeting-1@forum.example", "DTSTAMP:20261201T083000Z", "DTSTART:20261208T190000Z"):
        assert key + "\r\n" in text
    assert "DTEND:20261208T200000Z\r\n" in text and "STATUS:CANCELLED\r\n" in text
    lines = text.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    # Unfolding (CRLF + space removed) gives back the whole description, no character split.
    unfolded = text.replace("\r\n ", "")
    assert "DESCRIPTION:" + "é" * 80 + "\r\n" in unfolded


def test_the_cli_erases_ended_meetings(app, member):
    meeting = make_meeting(starts_at=datetime(2020, 1, 1, 19, 0))
    db.session.add(MeetingPost(meeting=meeting, author=member, body="old share"))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["meetings", "erase-ended"])
    assert result.exit_code == 0 and "Meetings erased: 1." in result.output
    assert db.session.scalar(select(func.count(MeetingPost.id))) == 0


def test_deleting_an_account_deletes_its_meeting_posts_and_pauses(meeting, facilitator, member):
    post = services.post_in_meeting(meeting, member, body="mine", anonymous=True, now=_at(5))
    services.pause_participant(meeting, post, facilitator, now=_at(6))
    delete_account(member, password=PASSWORD, posts=KEEP_AS_FORMER_MEMBER)
    assert db.session.scalar(select(func.count(MeetingPost.id))) == 0
    assert db.session.scalar(select(func.count(MeetingPause.id))) == 0
