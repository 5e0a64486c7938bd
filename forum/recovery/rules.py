"""When check-ins "look hard": one plain rule, so a moderator hears only when a member asked for it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Protocol

# The rule reads the member's last few check-ins, not a calendar week: people skip days when it's worst.
HARD_WINDOW = 4
# Three hard days of the last four, not one: a single bad day is part of recovery, a run of them is a pattern.
HARD_DAYS = 3
# Cravings of 7 or more on the 0-10 scale: the top third, where members describe them as hard to resist.
HIGH_CRAVINGS = 7
# Mood 1 or 2 on the 1-5 scale: "very low" and "low".
LOW_MOOD = 2
# Check-ins older than this say nothing about now: a hard week last spring is not an episode today.
RECENT_DAYS = 7


class DayReading(Protocol):
    day: date
    mood: int
    cravings: int


def is_hard_day(reading: DayReading) -> bool:
    """High cravings together with a low mood on the same day."""
    return reading.cravings >= HIGH_CRAVINGS and reading.mood <= LOW_MOOD


def looks_hard(readings: Sequence[DayReading], today: date) -> bool:
    """True when at least HARD_DAYS of the last HARD_WINDOW check-ins within RECENT_DAYS were hard days."""
    since = today - timedelta(days=RECENT_DAYS - 1)
    recent = sorted((r for r in readings if since <= r.day <= today), key=lambda r: r.day, reverse=True)
    return sum(1 for r in recent[:HARD_WINDOW] if is_hard_day(r)) >= HARD_DAYS
