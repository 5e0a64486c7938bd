"""The pure rules behind check-ins: milestones, "check-ins look hard", and the chart's geometry."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest

from forum.recovery import chart as chart_module
from forum.recovery.chart import build_chart
from forum.recovery.milestones import add_months, days_since, find_milestone, next_milestone, reached_milestones
from forum.recovery.rules import looks_hard
from forum.recovery.zones import local_today, member_zone

TODAY = date(2026, 12, 5)


@dataclass
class Reading:
    day: date
    mood: int
    cravings: int


def _days_ago(*values: tuple[int, int, int]) -> list[Reading]:
    """(days ago, mood, cravings) triples."""
    return [Reading(TODAY - timedelta(days=ago), mood, cravings) for ago, mood, cravings in values]


# Milestones ---------------------------------------------------------------------------------------


def test_milestones_are_30_60_90_days_then_6_months_1_year_then_yearly():
    start = date(2023, 1, 10)
    reached = reached_milestones(start, date(2026, 1, 10))
    assert [m.label for m in reached] == ["30 days", "60 days", "90 days", "6 months", "1 year", "2 years", "3 years"]
    assert [m.reached_on for m in reached][:4] == [
        date(2023, 2, 9),
        date(2023, 3, 11),
        date(2023, 4, 10),
        date(2023, 7, 10),
    ]


def test_a_milestone_is_reached_on_its_day_not_before():
    start = TODAY - timedelta(days=30)
    assert find_milestone(start, TODAY, "30d") is not None
    assert find_milestone(start, TODAY - timedelta(days=1), "30d") is None
    assert find_milestone(start, TODAY, "60d") is None
    assert find_milestone(start, TODAY, "bogus") is None


def test_next_milestone_is_the_first_still_ahead():
    start = TODAY - timedelta(days=100)
    assert next_milestone(start, TODAY).label == "6 months"
    assert next_milestone(TODAY, TODAY).label == "30 days"
    assert next_milestone(date(2020, 3, 1), date(2026, 3, 1)).label == "7 years"


def test_months_end_on_the_last_day_of_a_short_month():
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_days_since_counts_whole_days_and_never_below_zero():
    assert days_since(TODAY - timedelta(days=45), TODAY) == 45
    assert days_since(TODAY, TODAY) == 0
    assert days_since(TODAY + timedelta(days=3), TODAY) == 0


# "Check-ins look hard" ---------------------------------------------------------------------------


def test_three_hard_days_of_the_last_four_look_hard():
    assert looks_hard(_days_ago((0, 2, 7), (1, 1, 9), (2, 4, 2), (3, 2, 8)), TODAY)


def test_two_hard_days_of_four_do_not():
    assert not looks_hard(_days_ago((0, 2, 7), (1, 1, 9), (2, 4, 2), (3, 3, 8)), TODAY)


@pytest.mark.parametrize(
    ("mood", "cravings", "hard"),
    [(2, 7, True), (3, 7, False), (2, 6, False), (1, 10, True), (5, 10, False)],
)
def test_a_hard_day_needs_both_high_cravings_and_low_mood(mood, cravings, hard):
    assert looks_hard(_days_ago((0, mood, cravings), (1, mood, cravings), (2, mood, cravings)), TODAY) is hard


def test_only_the_last_four_check_ins_count():
    # Three hard days, then four calm ones since: the run is over.
    readings = _days_ago((0, 4, 1), (1, 4, 1), (2, 4, 1), (3, 4, 1), (4, 1, 9), (5, 1, 9), (6, 1, 9))
    assert not looks_hard(readings, TODAY)


def test_skipped_days_do_not_hide_a_run():
    # Four check-ins over a week (days missed between them): three were hard.
    assert looks_hard(_days_ago((0, 1, 8), (2, 2, 9), (4, 4, 3), (6, 1, 7)), TODAY)


def test_check_ins_older_than_a_week_say_nothing_about_now():
    assert not looks_hard(_days_ago((7, 1, 9), (8, 1, 9), (9, 1, 9)), TODAY)
    assert not looks_hard([], TODAY)


# Chart ---------------------------------------------------------------------------------------------


def test_missing_days_split_the_lines():
    chart = build_chart(_days_ago((0, 5, 0), (1, 4, 2), (3, 1, 10), (5, 3, 5)), TODAY, 30)
    assert [len(line) for line in chart.mood_lines] == [1, 1, 2]
    assert chart.checked_in == 4 and len(chart.rows) == 30
    assert chart.rows[-1].day == TODAY and chart.rows[-1].mood == 5 and chart.rows[-3].mood is None


def test_values_sit_at_their_scale():
    chart = build_chart(_days_ago((0, 5, 0), (1, 1, 10)), TODAY, 30)
    yesterday, today = chart.mood_lines[0]
    assert today.y == chart_module.TOP and yesterday.y == chart_module.BOTTOM
    assert today.x == chart_module.RIGHT
    low, high = chart.cravings_lines[0]
    assert low.y == chart_module.TOP and high.y == chart_module.BOTTOM


def test_check_ins_outside_the_period_are_left_out():
    chart = build_chart(_days_ago((0, 3, 3), (30, 3, 3), (-1, 3, 3)), TODAY, 30)
    assert chart.checked_in == 1 and chart.first_day == TODAY - timedelta(days=29)


# Time zones ----------------------------------------------------------------------------------------


def test_the_day_is_the_members_own():
    late_evening_in_california = datetime(2026, 12, 5, 6, 30)
    assert local_today("America/Los_Angeles", late_evening_in_california) == date(2026, 12, 4)
    assert local_today("Pacific/Auckland", late_evening_in_california) == date(2026, 12, 5)
    assert local_today("UTC", late_evening_in_california) == date(2026, 12, 5)
    assert local_today("Not/A_Zone", late_evening_in_california) == date(2026, 12, 5)


def test_a_chosen_zone_wins_then_the_region_then_utc():
    assert member_zone("Asia/Kolkata", "US") == "Asia/Kolkata"
    assert member_zone(None, "US") == "America/New_York" and member_zone(None, "UK") == "Europe/London"
    assert member_zone(None, "OTHER") == "UTC" and member_zone("Mars/Olympus", None) == "UTC"
