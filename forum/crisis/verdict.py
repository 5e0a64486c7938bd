"""What the flagger says about a post: the level, the phrases that counted and the hits the rules read."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Level(str, Enum):
    """How soon a moderator needs to look at a post."""

    NONE = "none"
    CONCERN = "concern"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        """0, 1 or 2, so levels compare by severity."""
        return _RANK[self]

    def __lt__(self, other: object) -> bool:
        if isinstance(other, Level):
            return self.rank < other.rank
        return NotImplemented

    def __le__(self, other: object) -> bool:
        if isinstance(other, Level):
            return self.rank <= other.rank
        return NotImplemented

    def __gt__(self, other: object) -> bool:
        if isinstance(other, Level):
            return self.rank > other.rank
        return NotImplemented

    def __ge__(self, other: object) -> bool:
        if isinstance(other, Level):
            return self.rank >= other.rank
        return NotImplemented


_RANK = {Level.NONE: 0, Level.CONCERN: 1, Level.URGENT: 2}


@dataclass(frozen=True, slots=True)
class Match:
    """One phrase that counted towards the assessment."""

    phrase: str
    category: str
    level: Level


@dataclass(frozen=True, slots=True)
class Assessment:
    """The flagger's verdict on one post."""

    level: Level
    matches: tuple[Match, ...] = ()
    reason: str = ""

    @property
    def is_flagged(self) -> bool:
        """True when a moderator should look at the post."""
        return self.level != Level.NONE


@dataclass(slots=True)
class Hit:
    """One lexicon phrase found in a post and left standing by the context rules."""

    category: str
    start: int
    end: int
    text: str
    sentence: int
    intent: bool = False
    flags: set[str] = field(default_factory=set)
