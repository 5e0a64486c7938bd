"""Check-ins, start dates and milestones as services: no HTTP."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from forum.accounts import privacy
from forum.boards.models import Topic
from forum.boards.services import seed_default_boards
from forum.errors import InvalidAction, NotAllowed
from forum.extensions import db
from forum.moderation.models import UnpostedText
from forum.moderation.unposted import resolve_unposted
from forum.permissions import ROLE_CAPABILITIES, Capability, can_keep_check_ins, can_manage_start
from forum.recovery import services
from forum.recovery.models import CheckIn, MilestoneShare, RecoveryPreference, RecoveryStart
from tests.factories import PASSWORD

TODAY = date(2026, 12, 5)
CRISIS = "i cant stop thinking about ending it. i have the rope in my car"


def _check_in(user, day=TODAY, *, mood=3, cravings=2, sleep=3, medication="yes", note=""):
    return services.save_check_in(
        user, today=day, mood=mood, cravings=cravings, sleep=sleep, medication=medication, note=note, path="/recovery"
    )


def _unposted(user) -> list[UnpostedText]:
    return list(db.session.scalars(select(UnpostedText).where(UnpostedText.author_id == user.id)))


# Check-ins ----------------------------------------------------------------------------------------


def test_one_check_in_per_day_editable_that_day(app, member):
    _check_in(member, mood=2, note="tired")
    saved = _check_in(member, mood=4, note="  better   after a walk ")
    assert db.session.scalar(select(func.count(CheckIn.id))) == 1
    assert saved.check_in.mood == 4 and saved.check_in.note == "better after a walk"
    _check_in(member, TODAY + timedelta(days=1))
    assert db.session.scalar(select(func.count(CheckIn.id))) == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("mood", 0),
        ("mood", 6),
        ("cravings", -1),
        ("cravings", 11),
        ("sleep", 0),
        ("medication", "maybe"),
        ("note", "x" * 201),
    ],
)
def test_values_outside_their_scale_are_refused(app, member, field, value):
    with pytest.raises(InvalidAction) as error:
        _check_in(member, **{field: value})
    assert error.value.field == field
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0


def test_a_calm_line_stays_private(app, member):
    saved = _check_in(member, note="Made it to my meeting today.")
    assert saved.crisis_level is None and _unposted(member) == []


def test_a_crisis_line_reaches_the_moderators_with_only_that_line(app, member):
    _check_in(member, TODAY - timedelta(days=1), note="slept badly, craving hard")
    saved = _check_in(member, note=CRISIS)
    assert saved.crisis_level == "urgent"
    [item] = _unposted(member)
    assert item.text == CRISIS and item.kind == services.CHECK_IN_KIND and item.resolved_at is None
    # The moderators get the line, not the check-in history.
    assert "slept badly" not in item.text and "mood" not in item.refusal.lower()
    # Saving the same line again (an edit of the day) adds no second item.
    _check_in(member, mood=1, note=CRISIS)
    assert len(_unposted(member)) == 1


# "Let a moderator know if my check-ins look hard" ------------------------------------------------


def _hard_days(member, days: int, start: date = TODAY):
    for ago in reversed(range(days)):
        saved = _check_in(member, start - timedelta(days=ago), mood=1, cravings=9)
    return saved


def test_without_the_opt_in_hard_days_leave_nothing(app, member):
    saved = _hard_days(member, 5)
    assert not saved.concern_raised and _unposted(member) == []


def test_with_the_opt_in_a_run_of_hard_days_raises_one_concern(app, member):
    services.set_preferences(member, tell_moderators=True, time_zone=None)
    _hard_days(member, 2)
    assert _unposted(member) == []
    saved = _hard_days(member, 1, TODAY + timedelta(days=1))
    assert saved.concern_raised
    [item] = _unposted(member)
    assert item.level == "concern" and item.kind == services.PATTERN_KIND and item.text == services.PATTERN_TEXT
    # The next hard days are the same episode: no daily spam.
    for ago in (2, 3, 4):
        assert not _hard_days(member, 1, TODAY + timedelta(days=ago)).concern_raised
    assert len(_unposted(member)) == 1


def test_a_new_run_after_calmer_days_raises_again(app, member, moderator):
    services.set_preferences(member, tell_moderators=True, time_zone=None)
    _hard_days(member, 3)
    resolve_unposted(_unposted(member)[0], moderator)
    for ago in (1, 2, 3, 4):
        _check_in(member, TODAY + timedelta(days=ago), mood=4, cravings=1)
    assert db.session.get(RecoveryPreference, member.id).concern_open_since is None
    assert _hard_days(member, 3, TODAY + timedelta(days=7)).concern_raised
    assert len(_unposted(member)) == 2


def test_turning_the_opt_in_off_stops_it(app, member):
    services.set_preferences(member, tell_moderators=True, time_zone=None)
    services.set_preferences(member, tell_moderators=False, time_zone=None)
    assert not _hard_days(member, 4).concern_raised and _unposted(member) == []


# Start dates --------------------------------------------------------------------------------------


def test_a_reset_keeps_the_old_date_in_the_members_history(app, member):
    start = services.add_start(member, label="clean and sober", started_on=date(2026, 1, 1), today=TODAY).start
    fresh = services.reset_start(start, started_on=date(2026, 11, 20), today=TODAY)
    assert services.current_starts(member) == [fresh] and fresh.label == "clean and sober"
    assert services.earlier_starts(member) == [start] and start.started_on == date(2026, 1, 1)


def test_a_correction_edits_in_place(app, member):
    start = services.add_start(member, label="alcohol", started_on=date(2026, 1, 1), today=TODAY).start
    services.correct_start(start, label="alcohol and cannabis", started_on=date(2026, 1, 2), today=TODAY)
    assert services.current_starts(member) == [start] and services.earlier_starts(member) == []
    assert start.label == "alcohol and cannabis" and start.started_on == date(2026, 1, 2)


@pytest.mark.parametrize(
    ("label", "started_on", "field"),
    [
        ("", date(2026, 1, 1), "label"),
        ("x" * 61, date(2026, 1, 1), "label"),
        ("alcohol", TODAY + timedelta(days=1), "started_on"),
        ("alcohol", None, "started_on"),
        ("alcohol", date(1800, 1, 1), "started_on"),
    ],
)
def test_bad_start_dates_are_refused(app, member, label, started_on, field):
    with pytest.raises(InvalidAction) as error:
        services.add_start(member, label=label, started_on=started_on, today=TODAY)
    assert error.value.field == field


def test_a_risky_label_is_screened_like_a_post(app, member):
    saved = services.add_start(member, label=CRISIS[:60], started_on=date(2026, 1, 1), today=TODAY)
    assert saved.crisis_level == "urgent"
    [item] = _unposted(member)
    assert item.kind == services.START_KIND


def test_another_members_start_date_is_not_theirs(app, member, other_member):
    start = services.add_start(member, label="alcohol", started_on=date(2026, 1, 1), today=TODAY).start
    with pytest.raises(NotAllowed):
        services.get_own_start(other_member, start.id)
    with pytest.raises(NotAllowed):
        services.share_milestone(start, other_member, key="30d", today=TODAY, anonymous=False)


# Milestones ---------------------------------------------------------------------------------------


@pytest.fixture
def started(app, member):
    seed_default_boards()
    return services.add_start(member, label="clean and sober", started_on=TODAY - timedelta(days=95), today=TODAY).start


def test_sharing_a_milestone_posts_a_topic_on_the_milestones_board(member, started):
    post = services.share_milestone(started, member, key="90d", today=TODAY, anonymous=True)
    topic = post.topic
    assert topic.board.slug == "milestones" and topic.is_anonymous and topic.title == "90 days: clean and sober"
    assert post.is_anonymous and member.pseudonym not in post.body
    assert services.shared_milestones(member) == {(started.id, "90d")}


def test_a_milestone_is_shared_once(member, started):
    services.share_milestone(started, member, key="30d", today=TODAY, anonymous=False)
    with pytest.raises(InvalidAction, match="already"):
        services.share_milestone(started, member, key="30d", today=TODAY, anonymous=False)
    assert db.session.scalar(select(func.count(Topic.id))) == 1


def test_a_milestone_not_reached_cannot_be_shared(member, started):
    with pytest.raises(InvalidAction, match="isn't reached"):
        services.share_milestone(started, member, key="6m", today=TODAY, anonymous=False)
    assert db.session.scalar(select(func.count(MilestoneShare.id))) == 0


def test_a_refused_share_can_be_tried_again(member, started):
    member.is_banned = True
    db.session.commit()
    with pytest.raises(InvalidAction):
        services.share_milestone(started, member, key="30d", today=TODAY, anonymous=False)
    assert db.session.scalar(select(func.count(MilestoneShare.id))) == 0
    member.is_banned = False
    db.session.commit()
    assert services.share_milestone(started, member, key="30d", today=TODAY, anonymous=False)


def test_without_the_milestones_board_sharing_says_so(app, member):
    start = services.add_start(member, label="alcohol", started_on=TODAY - timedelta(days=40), today=TODAY).start
    with pytest.raises(InvalidAction, match="Milestones board"):
        services.share_milestone(start, member, key="30d", today=TODAY, anonymous=False)


# The member's data ---------------------------------------------------------------------------------


def test_check_ins_and_start_dates_are_in_the_export_and_go_with_the_account(member, other_member, started):
    _check_in(member, note="a good day")
    services.set_preferences(member, tell_moderators=True, time_zone=None)
    services.share_milestone(started, member, key="90d", today=TODAY, anonymous=True)
    services.reset_start(started, started_on=TODAY, today=TODAY)
    _check_in(other_member, note="theirs")
    data = privacy.export_member_data(member)
    assert [c["note"] for c in data["check_ins"]] == ["a good day"] and data["check_ins"][0]["day"] == TODAY.isoformat()
    assert [s["started_on"] for s in data["recovery_start_dates"]] == [
        started.started_on.isoformat(),
        TODAY.isoformat(),
    ]
    assert data["milestones_shared"][0]["milestone"] == "90d"
    assert data["check_in_preferences"] == [{"tell_moderators": True, "concern_open_since": None, "time_zone": None}]
    privacy.delete_account(member, password=PASSWORD, posts=privacy.REMOVE_POSTS)
    for model in (CheckIn, RecoveryStart, MilestoneShare, RecoveryPreference):
        assert db.session.scalar(select(func.count()).select_from(model).where(model.user_id != other_member.id)) == 0
    assert db.session.scalar(select(func.count(CheckIn.id))) == 1


# Permissions --------------------------------------------------------------------------------------


def test_every_role_keeps_check_ins_and_only_the_owner_reaches_a_start_date(app, member, moderator, admin):
    assert all(Capability.KEEP_CHECK_INS in granted for granted in ROLE_CAPABILITIES.values())
    assert not can_keep_check_ins(None)
    start = services.add_start(member, label="alcohol", started_on=TODAY, today=TODAY).start
    assert can_manage_start(member, start)
    # No staff role reads or changes a member's start dates.
    assert not can_manage_start(moderator, start) and not can_manage_start(admin, start)


def test_the_check_in_day_follows_the_members_zone(app, member):
    member.region = "US"
    db.session.commit()
    assert services.time_zone_of(member) == "America/New_York"
    services.set_preferences(member, tell_moderators=False, time_zone="Pacific/Auckland")
    assert services.time_zone_of(member) == "Pacific/Auckland"
    with pytest.raises(InvalidAction):
        services.set_preferences(member, tell_moderators=False, time_zone="Europe/Nowhere")
    assert services.time_zone_of(member) == "Pacific/Auckland"
