"""Build the standing hits of a post by hand, to test one crisis rule at a time against the shipped lexicon."""

from __future__ import annotations

from forum.crisis.detector import load
from forum.crisis.rules import Found
from forum.crisis.verdict import Hit


def hit(category: str, text: str = "", *, sentence: int = 0, intent: bool = False, flags: tuple = ()) -> Hit:
    """A phrase of ``category`` left standing by the context rules (its text defaults to the category's name)."""
    return Hit(category, 0, 0, text or category, sentence, intent, set(flags))


def found(*hits: Hit | str, text: str = " ") -> Found:
    """The post's hits as the rules read them; a plain string is a hit of that category."""
    return Found([h if isinstance(h, Hit) else hit(h) for h in hits], text, load())
