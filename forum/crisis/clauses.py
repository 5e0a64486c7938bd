"""The clauses, words and quote marks of one folded post, for the context rules, each worked out once.

The rules read every phrase against its clause (the text between two of . ! ? ; :), the words just before it
and the quote marks before it. Read afresh for each phrase, a long clause full of phrases cost the square of
its length (20,000 characters of "end it all " took 12 s). Here each clause-wide answer is computed once and
memoised, and what is read per phrase is a bounded window, so a post costs time in proportion to its length.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from re import _constants as _c
from re import _parser
from typing import Union

Searcher = Union["re.Pattern[str]", "Prefiltered"]
_BOUNDARY = re.compile(r"[.!?;:]")
_QUOTE = re.compile('"')
_TOKEN = re.compile(r"[^ ]+")
_SPACE = re.compile(" ")
# Longer than any entry of the lexicon's word lists (checked when the lexicon loads): a longer word is in none.
LONG_WORD = 40
# How far before a quote mark a "she texted ..." phrase, or an old-dose phrase's past marker, may start: its
# longest wording in a real post is under 100 characters.
REACH = 300
# How far past its end a past marker looks ahead ("at 15" but not "at 15 pm"), with a margin.
_PAST_PEEK = 12


class Clauses:
    """One folded post split into clauses; the per-phrase questions the context rules ask of it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.bounds = [m.start() for m in _BOUNDARY.finditer(text)]
        self._quotes = [m.start() for m in _QUOTE.finditer(text)]
        self._memo: dict[tuple, object] = {}
        self._found: dict[tuple[int, int], bool] = {}
        self._in_tail: dict[tuple[int, str], bool] = {}
        self._spaces: list[int] | None = None
        self._persons: dict[int, tuple[list[int], list[str]]] = {}
        # Characters handed to a regex or copied, summed over every question asked: a test holds it linear.
        self.chars_read = len(text)

    def index(self, pos: int) -> int:
        """The number of the clause holding ``pos``."""
        return bisect_right(self.bounds, pos)

    def start(self, si: int) -> int:
        return self.bounds[si - 1] + 1 if si else 0

    def end(self, si: int) -> int:
        return self.bounds[si] if si < len(self.bounds) else len(self.text)

    def _cached(self, key: tuple, compute):  # noqa: ANN001, ANN202 - a memo over a few result types
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = compute()
            return value

    def in_clause(self, si: int, pattern: Searcher) -> bool:
        """Whether ``pattern`` occurs in clause ``si``."""
        key = (si, id(pattern))  # a compiled pattern hashes its whole program: the id is cheaper
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = bool(pattern.search(self._clause(si)))
        return found

    def in_text(self, pattern: Searcher) -> bool:
        """Whether ``pattern`` occurs anywhere in the post."""

        def search() -> bool:
            self.chars_read += len(self.text)
            return bool(pattern.search(self.text))

        return self._cached(("t", id(pattern)), search)

    def clause_words(self, si: int) -> frozenset[str]:
        """The words of clause ``si``."""
        return self._cached(("w", si), lambda: frozenset(self._clause(si).split()))

    def _clause(self, si: int) -> str:
        start, end = self.start(si), self.end(si)
        self.chars_read += end - start
        return self.text[start:end]

    def tail(self, si: int, pos: int, size: int) -> str:
        """The last ``size`` characters of the clause before ``pos``."""
        start = max(self.start(si), pos - size)
        self.chars_read += pos - start
        return self.text[start:pos]

    def tail_has(self, pattern: Searcher, tail: str) -> bool:
        """Whether ``pattern`` occurs in ``tail`` (from ``tail()``): the same words before many phrases are read once."""
        key = (id(pattern), tail)
        found = self._in_tail.get(key)
        if found is None:
            self.chars_read += len(tail)
            found = self._in_tail[key] = pattern.search(tail) is not None
        return found

    def word_before(self, si: int, end: int) -> tuple[str, int]:
        """The clause's last word before ``end`` and where it starts (-1: there is none).

        A word longer than LONG_WORD reads as "" (it is in no word list), so no long word is ever copied.
        """
        lo = self.start(si)
        if end > lo and self.text[end - 1] == " ":
            end -= 1
        if end <= lo:
            return "", -1
        if self._spaces is None:
            self._spaces = [m.start() for m in _SPACE.finditer(self.text)]
        i = bisect_right(self._spaces, end - 1)
        start = max(self._spaces[i - 1] + 1 if i else 0, lo)
        self.chars_read += min(end - start, LONG_WORD + 1)
        return ("" if end - start > LONG_WORD else self.text[start:end]), start

    def quotes_before(self, si: int, pos: int) -> tuple[int, int]:
        """How many quote marks the clause has before ``pos``, and where the last of them is (-1: none)."""
        lo = bisect_right(self._quotes, self.start(si) - 1)
        hi = bisect_right(self._quotes, pos - 1)
        return hi - lo, self._quotes[hi - 1] if hi > lo else -1

    def ends_before(self, si: int, opening: int, pattern: Searcher) -> bool:
        """Whether a ``pattern`` anchored at its end ($) ends at the quote mark at ``opening``."""
        lo = max(self.start(si), opening - REACH)

        def search() -> bool:
            self.chars_read += opening - lo
            return pattern.search(self.text, lo, opening) is not None

        return self._cached(("q", opening, id(pattern)), search)

    def last_person(
        self, si: int, pos: int, first: frozenset[str], third: frozenset[str], not_subject: frozenset[str]
    ) -> str:
        """Whether the nearest person word before ``pos`` in its clause is "first", "third" or "" (none).

        Words in ``not_subject`` ("me", "mi") do not count as first person here ("he texted me from the bridge").
        """
        index = self._persons.get(si)
        if index is None:
            index = self._persons[si] = self._person_words(si, first - not_subject, third)
        ends, kinds = index
        # A word running into the phrase ends in a quote mark or comma, so it is in neither list.
        i = bisect_right(ends, pos)
        return kinds[i - 1] if i else ""

    def _person_words(self, si: int, first: frozenset[str], third: frozenset[str]) -> tuple[list[int], list[str]]:
        self.chars_read += self.end(si) - self.start(si)
        ends, kinds = [], []
        for m in _TOKEN.finditer(self.text, self.start(si), self.end(si)):
            w = m.group()
            kind = "first" if w in first else "third" if w in third else ""
            if kind:
                ends.append(m.end())
                kinds.append(kind)
        return ends, kinds

    def past_before(self, si: int, pos: int, past: re.Pattern[str]) -> bool:
        """``past.search(text, clause start, pos)``: a past marker in the clause before ``pos``.

        ``pos`` is where a phrase starts, so the character before it is a space, comma or quote mark: a marker
        that does not match on the whole clause does not match on the clause cut there either (its lookaheads
        forbid words such as "pm" or "sober", which no old-dose phrase starts with).
        """
        starts, ends = self._past_markers(si, past)
        i = bisect_left(starts, pos)
        if i and ends[i - 1] + _PAST_PEEK <= pos:  # a marker read in full before pos stands there too
            return True
        # Markers that run up to pos (none is REACH long): does one still match when the clause stops at pos?
        j = i - 1
        while j >= 0 and starts[j] >= pos - REACH:
            self.chars_read += pos - starts[j]
            if past.match(self.text, starts[j], pos):
                return True
            j -= 1
        return False

    def past_after(self, si: int, pos: int, past: re.Pattern[str]) -> bool:
        """``past.search(text, pos, clause end)``: a past marker in the clause from ``pos`` on."""
        starts, _ = self._past_markers(si, past)
        return bool(starts) and starts[-1] >= pos

    def _past_markers(self, si: int, past: re.Pattern[str]) -> tuple[list[int], list[int]]:
        """Every position in the clause where a past marker starts, and the least end of those up to each."""

        def find() -> tuple[list[int], list[int]]:
            starts, ends = [], []
            at, end = self.start(si), self.end(si)
            self.chars_read += end - at
            while m := past.search(self.text, at, end):
                starts.append(m.start())
                ends.append(min(m.end(), ends[-1]) if ends else m.end())
                at = m.start() + 1
            return starts, ends

        return self._cached(("past", si), find)


class Prefiltered:
    """A regex that is run only on text holding one of the literals every match must contain.

    The context patterns read before each phrase are alternations of words that Python's engine tries one by
    one at every position; most windows hold none of the words, and a substring test rules them out ten times
    faster than the regex does.
    """

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        # Literals are compared as written, so a case-blind pattern gets no prefilter.
        self.needles = None if pattern.flags & re.IGNORECASE else required_literals(pattern.pattern)

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        """``pattern.search(text, pos, endpos)``."""
        end = len(text) if endpos is None else endpos
        if self.needles is not None:
            for needle in self.needles:
                if text.find(needle, pos, end) >= 0:
                    return self.pattern.search(text, pos, end)
            return None
        return self.pattern.search(text, pos, end)


def required_literals(source: str) -> tuple[str, ...] | None:
    """Strings one of which every match of ``source`` contains; None when the pattern guarantees none."""
    found = _factors(_parser.parse(source))
    if found is None:
        return None
    # A literal holding a shorter one adds nothing: wherever it occurs, so does the shorter.
    return tuple(n for n in found if not any(m != n and m in n for m in found))


def _factors(items) -> tuple[str, ...] | None:  # noqa: ANN001 - a parsed pattern (re._parser.SubPattern)
    candidates: list[tuple[str, ...]] = []
    run = ""
    for op, arg in items:
        if op is _c.LITERAL:
            run += chr(arg)
            continue
        if run:
            candidates.append((run,))
            run = ""
        found: tuple[str, ...] | None = None
        if op is _c.SUBPATTERN:
            found = _factors(arg[-1])
        elif op is _c.BRANCH:
            alts = [_factors(alt) for alt in arg[1]]
            if all(alt is not None for alt in alts):
                found = tuple(dict.fromkeys(n for alt in alts for n in alt))  # type: ignore[union-attr]
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT) and arg[0] >= 1:
            found = _factors(arg[2])
        if found:
            candidates.append(found)
    if run:
        candidates.append((run,))
    # Any candidate is a true requirement; the one whose shortest literal is longest rules out the most text.
    return max(candidates, key=lambda c: min(map(len, c)), default=None)
