"""The check-in chart as plain geometry: the template draws it as inline SVG, with no script or library."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from forum.recovery.rules import DayReading

# Drawn at a phone's width, so 12-unit text is 12 px there; wider screens scale it up to the CSS cap.
WIDTH, HEIGHT = 360, 200
LEFT, RIGHT, TOP, BOTTOM = 28, 334, 12, 168
LABEL_Y = 186
MOOD_RANGE = (1, 5)
CRAVINGS_RANGE = (0, 10)


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class Row:
    day: date
    mood: int | None
    cravings: int | None


@dataclass(frozen=True)
class Chart:
    days: int
    first_day: date
    last_day: date
    # Each run of consecutive check-ins is one line; a missing day leaves a gap between runs.
    mood_lines: list[list[Point]]
    cravings_lines: list[list[Point]]
    x_labels: list[tuple[float, date]]
    rows: list[Row]
    checked_in: int
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    label_y: int = LABEL_Y

    @property
    def cravings_ticks(self) -> list[tuple[int, float]]:
        return [(value, y_for_cravings(value)) for value in (0, 5, 10)]

    @property
    def mood_ticks(self) -> list[tuple[int, float]]:
        return [(value, y_for_mood(value)) for value in (1, 3, 5)]

    @property
    def mood_points(self) -> list[Point]:
        return [p for line in self.mood_lines for p in line]

    @property
    def cravings_points(self) -> list[Point]:
        return [p for line in self.cravings_lines for p in line]


def _y(value: int, low: int, high: int) -> float:
    return round(BOTTOM - (value - low) / (high - low) * (BOTTOM - TOP), 1)


def _x(index: int, days: int) -> float:
    return round(LEFT + index * (RIGHT - LEFT) / max(days - 1, 1), 1)


def _lines(points: list[Point | None]) -> list[list[Point]]:
    lines: list[list[Point]] = [[]]
    for point in points:
        if point is None:
            if lines[-1]:
                lines.append([])
        else:
            lines[-1].append(point)
    return [line for line in lines if line]


def y_for_mood(mood: int) -> float:
    return _y(mood, *MOOD_RANGE)


def y_for_cravings(cravings: int) -> float:
    return _y(cravings, *CRAVINGS_RANGE)


def build_chart(readings: Sequence[DayReading], today: date, days: int) -> Chart:
    """The last `days` days up to today: where each check-in's mood and cravings sit, and the gaps."""
    first = today - timedelta(days=days - 1)
    by_day = {r.day: r for r in readings if first <= r.day <= today}
    mood: list[Point | None] = []
    cravings: list[Point | None] = []
    rows = []
    for index in range(days):
        day = first + timedelta(days=index)
        reading = by_day.get(day)
        x = _x(index, days)
        mood.append(Point(x, y_for_mood(reading.mood)) if reading else None)
        cravings.append(Point(x, y_for_cravings(reading.cravings)) if reading else None)
        rows.append(Row(day, reading.mood if reading else None, reading.cravings if reading else None))
    middle = days // 2
    labels = [(_x(0, days), first), (_x(middle, days), first + timedelta(days=middle)), (_x(days - 1, days), today)]
    return Chart(days, first, today, _lines(mood), _lines(cravings), labels, rows, len(by_day))
