"""Compiles the lexicon's patterns into a regex that scans a 2,000-character post in well under a millisecond.

Python's regex engine has no trie: an alternation of hundreds of phrases is tried one by one at every
position. Folded text has exactly one space before every word, so the search anchors on that space and
then on the word's first character; each pattern is stored once per character it can start with, with
that character stripped ("derived"), so a branch is ruled out by one character comparison.
"""

from __future__ import annotations

import re
from functools import cache

from forum.crisis.compiled import compile_cached

_FIRST = frozenset('abcdefghijklmnopqrstuvwxyz0123456789_" ')
_QUANT = ("?", "*", "{", "+")
_SPECIAL = re.compile(r"[\\()|]")


# The three readers below are pure, and building the matcher asks them about the same sources tens of thousands of
# times: remembering their answers halves the lexicon's load. PhraseMatcher forgets them once built.
@cache
def _split_group(src: str) -> tuple[tuple[str, ...], str, str] | None:
    """For a source starting with "(?:", return (alternatives, quantifier, rest)."""
    depth, cut = 0, [2]
    for m in _SPECIAL.finditer(src):  # only the characters that matter, not every one
        i, ch = m.start(), m.group()
        if ch == "\\" or (i and src[i - 1] == "\\"):
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                cut.append(i)
                quant = src[i + 1] if src[i + 1 : i + 2] in _QUANT else ""
                alts = tuple(src[a + 1 : b] for a, b in zip(cut, cut[1:], strict=False))
                return alts, quant, src[i + 1 + len(quant) :]
        elif ch == "|" and depth == 1:
            cut.append(i)
    return None


_CLASS = re.compile(r"\[((?:[a-z0-9]-[a-z0-9]|[a-z0-9 ])+)\](\+|\{(\d+)(,?)(\d*)\})?")


def _char_class(src: str) -> tuple[frozenset[str], str] | None:
    """For a source starting with a plain class such as ``[0-9]{2,}``: (its characters, the source after one)."""
    m = _CLASS.match(src)
    if m is None:
        return None
    body, quant, low, comma, high = m.groups()
    if src[m.end() : m.end() + 1] in ("?", "*", "{", "+"):  # optional, or a quantifier we do not read
        return None
    chars = set()
    for a, dash, b in re.findall(r"(.)(-?)(.?)", body):
        chars.update(map(chr, range(ord(a), ord(b) + 1)) if dash else a + b)
    cls, rest = f"[{body}]", src[m.end() :]
    if not quant:
        after = rest
    elif quant == "+":
        after = f"{cls}*{rest}"
    elif int(low) == 0:
        return None
    else:  # {k}, {k,} or {k,m}: one character read leaves {k-1...}
        upper = str(int(high) - 1) if high else ""
        after = f"{cls}{{{int(low) - 1}{comma}{upper}}}{rest}"
    return frozenset(chars), after


@cache
def first_chars(src: str) -> frozenset[str] | None:
    """Characters a pattern can start with, read from its source; None when unsure."""
    if not src:
        return None
    if src[0] == "[":
        cc = _char_class(src)
        return cc[0] if cc else None
    if src[0] in _FIRST and src[0] != "\\":
        return None if src[1:2] in _QUANT else frozenset(src[0])
    if not src.startswith("(?:"):
        return None
    parts = _split_group(src)
    if parts is None or parts[1] in ("{", "+"):
        return None
    alts, quant, rest = parts
    out: set[str] = set()
    for alt in alts:
        f = first_chars(alt + rest) if not alt else first_chars(alt)
        if f is None:
            return None
        out |= f
    if quant:  # optional group: the rest may start the match too
        f = first_chars(rest)
        if f is None:
            return None
        out |= f
    return frozenset(out)


@cache
def derive(src: str, c: str) -> str:
    """The pattern left after its first character ``c`` has been read (c must be in first_chars)."""
    if src[0] == "[":
        return _char_class(src)[1]  # type: ignore[index]
    if src[0] in _FIRST:
        return src[1:]
    alts, quant, rest = _split_group(src)  # type: ignore[misc]
    options = []
    inner = [derive(a, c) for a in alts if a and c in (first_chars(a) or ())]
    if inner:  # after one pass through a starred group, the whole starred group may come again
        options.append(f"(?:{'|'.join(inner)}){src if quant == '*' else rest}")
    for a in alts:
        if not a and c in (first_chars(rest) or ()):
            options.append(derive(rest, c))
    if quant and c in (first_chars(rest) or ()):
        options.append(derive(rest, c))
    return options[0] if len(options) == 1 else f"(?:{'|'.join(options)})"


# How many characters of copies reading one character off a pattern may add to the trie before the pattern is
# kept whole instead: past it the trie grows faster than it speeds up the scan.
_MAX_COPIED = 2000
# How many characters of the patterns kept whole their lookaheads read.
_GUARD_DEPTH = 3


def _guarded(whole: list[str]) -> list[str]:
    """Patterns kept whole, behind one lookahead on the strings of _GUARD_DEPTH characters they can start with.

    One lookahead for them all costs one test at each word; a word that passes it tries each pattern behind its own.
    """
    starts = [_starts(src, _GUARD_DEPTH) for src in whole]
    known = [(src, s) for src, s in zip(whole, starts, strict=True) if s and "" not in s]
    unsure = [src for src, s in zip(whole, starts, strict=True) if not (s and "" not in s)]
    if not known:
        return unsure
    every = set().union(*(s for _, s in known))
    inner = "|".join(f"(?={_trie(s)}){src}" for src, s in known)
    return [f"(?={_trie(every)})(?:{inner})", *unsure]


def _starts(src: str, depth: int) -> set[str] | None:
    """The strings of up to ``depth`` characters that every match of ``src`` starts with one of; None when unsure."""
    if depth == 0 or not src:
        return {""}
    chars = first_chars(src)
    if chars is None:
        return None
    out: set[str] = set()
    for c in chars:
        longer = _starts(derive(src, c), depth - 1)
        out |= {c} if longer is None else {c + s for s in longer}
    return out


def _trie(words: set[str]) -> str:
    """An alternation matching exactly ``words`` (none empty), with shared first characters factored out."""
    by_first: dict[str, set[str]] = {}
    for w in words:
        by_first.setdefault(w[0], set()).add(w[1:])
    parts = []
    for c, rests in sorted(by_first.items()):
        if "" in rests:  # a shorter start already allows every longer one
            parts.append(re.escape(c))
        else:
            parts.append(f"{re.escape(c)}(?:{_trie(rests)})")
    return "|".join(parts)


class PhraseMatcher:
    """Finds non-overlapping lexicon phrases; at one start the earlier category in the lexicon wins."""

    def __init__(self, patterns: list[tuple[str, str]], depth: int = 3) -> None:
        self.patterns = list(patterns)  # (category, regex source), as given
        by_category: dict[str, list[str]] = {}
        for category, src in patterns:
            by_category.setdefault(category, []).append(src)
        # Capturing groups make every attempt save and restore marks, which costs more than the whole
        # scan; so the scanner has none, and a second regex with one group per category names the phrase.
        self._scanner = compile_cached(f'[ .,!?;:"](?:{self._build(patterns, depth)})(?![a-z0-9_])')
        if self._scanner.groups:  # the scanner holds every pattern: one of them has a capturing group
            bad = next(src for _, src in patterns if re.compile(src).groups)
            raise ValueError(f"lexicon patterns must use (?:...) groups only: {bad!r}")
        self._names = [f"c{i}" for i in range(len(by_category))]
        self._categories = dict(zip(self._names, by_category, strict=True))
        # The classifier would try every pattern in turn at each hit, and most fail on their first two
        # characters. So there is one classifier per two-character prefix, holding in lexicon order only
        # the patterns that can start with it (and those whose start is unknown): at a hit with that prefix
        # it picks the same pattern, so the same category and end, that the whole alternation would.
        keys: dict[str, set[str]] = {}  # prefix ("s" or "su") -> the patterns it keeps beyond the fallback's
        wild: set[str] = set()  # patterns whose first character is unknown: in every classifier
        for _, src in patterns:
            starts = first_chars(src)
            if starts is None:
                wild.add(src)
                continue
            for c in starts:
                rest = derive(src, c)
                seconds = first_chars(rest) if rest else None
                keys.setdefault(c, set())
                for key in [c] if seconds is None else [c + c2 for c2 in seconds]:
                    keys.setdefault(key, set()).add(src)
        # Compiling them all would double the lexicon's load time, so each is compiled when first needed.
        self._sources = {"": self._classifier_source(by_category, wild)}  # "": no prefix has its own
        for key, srcs in keys.items():
            if len(key) == 2:  # the two-character classifier also holds its first character's unsure ones
                srcs = srcs | keys[key[0]]
            self._sources[key] = self._classifier_source(by_category, srcs | wild)
        self._classifiers: dict[str, re.Pattern[str] | None] = {}
        for reader in (_split_group, first_chars, derive):
            reader.cache_clear()

    def _classifier_source(self, by_category: dict[str, list[str]], keep: set[str]) -> str | None:
        """A regex with a named group per category, over the patterns in ``keep``; None when there are none."""
        groups = []
        for name, srcs in zip(self._names, by_category.values(), strict=True):
            kept = [src for src in srcs if src in keep]
            if kept:
                groups.append(f"(?P<{name}>{'|'.join(kept)})")
        return f"(?:{'|'.join(groups)})(?![a-z0-9_])" if groups else None

    def _classifier(self, prefix: str) -> re.Pattern[str] | None:
        """The classifier for a hit starting with ``prefix`` (two characters), compiled on first use."""
        key = prefix if prefix in self._sources else prefix[:1] if prefix[:1] in self._sources else ""
        try:
            return self._classifiers[key]
        except KeyError:
            src = self._sources[key]
            pattern = self._classifiers[key] = compile_cached(src) if src is not None else None
            return pattern

    def _build(self, alts: list[tuple[str, str]], depth: int) -> str:
        """A trie over the first ``depth`` characters of the patterns.

        Reading a character off a pattern that starts with a group copies the rest of the pattern once per
        character the group can start with; for a few long patterns that made the trie nearly a million characters
        (2 s and 100 MB to compile). Those stay whole, behind a lookahead on the few characters they can start with.
        """
        if depth == 0:
            return "|".join(src for _, src in alts)
        known: dict[str, list[tuple[str, str]]] = {}
        whole: list[str] = []
        for category, src in alts:
            starts = first_chars(src) if src else None
            if starts is None:
                whole.append(src)
                continue
            derived = {c: derive(src, c) for c in sorted(starts)}
            if sum(map(len, derived.values())) - len(src) > _MAX_COPIED:
                whole.append(src)
                continue
            for c, rest in derived.items():
                known.setdefault(c, []).append((category, rest))
        parts = [f"{re.escape(c)}(?:{self._build(sub, depth - 1)})" for c, sub in sorted(known.items())]
        return "|".join(parts + _guarded(whole))

    def find(self, text: str) -> list[tuple[str, int, int]]:
        """(category, start, end) of each phrase in ``text``, which must be folded (a space or mark before each word)."""
        out = []
        pos = 0
        while m := self._scanner.search(text, pos):
            start, end = m.start() + 1, m.end()
            pos = end  # the next word's leading space is still unread
            # The classifier tries categories in lexicon order, so a safe idiom wins over a risk phrase.
            classifier = self._classifier(text[start : start + 2])
            c = classifier.match(text, start) if classifier is not None else None
            if c is None:  # the trie took a branch the classifier ranks lower; trust the scanner's span
                continue
            out.append((self._categories[c.lastgroup or ""], start, c.end()))
            pos = c.end()
        return out
