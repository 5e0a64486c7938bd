"""Which milestones a recovery start date has reached: pure date arithmetic, no Flask, no database."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

# Day-counted milestones first, then calendar ones: "6 months" and "1 year" are dates, not 180 or 365 days.
DAY_MILESTONES = (30, 60, 90)
MONTH_MILESTONES = (6,)
# Yearly milestones are listed up to this many years; nobody's start date is older.
MAX_YEARS = 100


@dataclass(frozen=True)
class Milestone:
    key: str
    # English, as the tests read it; pages say it in the reader's language from `count` and `unit`.
    label: str
    reached_on: date
    count: int
    unit: str  # "days", "months" or "years"


def add_months(start: date, months: int) -> date:
    """The same day `months` later; the month's last day when it is shorter (31 Jan + 1 month = 28/29 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def all_milestones(started_on: date, years: int) -> list[Milestone]:
    """Every milestone from `started_on` up to `years` years, in order."""
    found = [
        Milestone(f"{n}d", f"{n} days", date.fromordinal(started_on.toordinal() + n), n, "days") for n in DAY_MILESTONES
    ]
    found += [Milestone(f"{n}m", f"{n} months", add_months(started_on, n), n, "months") for n in MONTH_MILESTONES]
    found += [
        Milestone(f"{n}y", "1 year" if n == 1 else f"{n} years", add_months(started_on, 12 * n), n, "years")
        for n in range(1, years + 1)
    ]
    return found


def reached_milestones(started_on: date, today: date) -> list[Milestone]:
    """The milestones reached by `today`, oldest first."""
    years = min(max(today.year - started_on.year, 0), MAX_YEARS)
    return [m for m in all_milestones(started_on, years) if m.reached_on <= today]


def next_milestone(started_on: date, today: date) -> Milestone | None:
    """The first milestone still ahead, or None past MAX_YEARS."""
    years = min(max(today.year - started_on.year, 0) + 1, MAX_YEARS)
    return next((m for m in all_milestones(started_on, years) if m.reached_on > today), None)


def find_milestone(started_on: date, today: date, key: str) -> Milestone | None:
    """The reached milestone with this key, or None (unknown key, or not reached yet)."""
    return next((m for m in reached_milestones(started_on, today) if m.key == key), None)


def days_since(started_on: date, today: date) -> int:
    """Whole days from the start date to today; a start date in the future counts as 0."""
    return max((today - started_on).days, 0)
