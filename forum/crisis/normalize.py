"""Text normaliser for the crisis flagger: undoes the tricks people use to write around filters."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_SQUEEZE = re.compile(r"([a-z])\1+")
# A regex source may contain escapes such as \bb; squeezing must leave them intact.
_SQUEEZE_SRC = re.compile(r"(\\.)|([a-z])\2+")
_QUOTE_MARK = re.compile(r"(?<![a-z0-9])'|'(?![a-z0-9])")
_LEET_HINT = re.compile(r"[a-z][0-9@$|]|[0-9@$|][a-z]")
_LEET_TOKEN = re.compile(r"(?<![a-z0-9@$|])[a-z0-9@$|]*(?:[a-z][0-9@$|]|[0-9@$|][a-z])[a-z0-9@$|]*")
_BANG_IN_WORD = re.compile(r"(?<=[a-z])!(?=[a-z])")
_UNIT = re.compile(
    r"\d+(?:st|nd|rd|th|s|mg|mgs|ml|g|k|x|am|pm|h|hr|hrs|min|mins|m|yr|yrs|y|lb|lbs|kg|oz|mcg|ish|d|wk|wks|mo|day|days)"
)
_TRAILING_NUMBER = re.compile(r"[a-z]+\d{2,}")
# A "spaced" letter stands alone: no letter or digit touching it.
_SPACED3 = re.compile(r"(?<![a-z0-9])[a-z](?:(?:[.\-_*~·] ?| )[a-z](?![a-z0-9])){2,}")
_SPACED2 = re.compile(r"(?<![a-z0-9])[a-z](?:[.\-_*~·] ?| )[a-z](?![a-z0-9])")
_NOT_LETTER = re.compile(r"[^a-z]")
_NEWLINES = re.compile(r"[\r\n]+")
_JUNK = re.compile(r"[^a-z0-9_\"\s.!?;,:]")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Folded:
    """The two copies of a post the matcher needs."""

    readable: str  # decoded but not squeezed: used to show moderators whole words
    text: str  # squeezed: doubled letters collapsed, what the patterns run on


def squeeze(text: str) -> str:
    """Collapse every run of a repeated letter to one letter ("diiiie" and "die" meet)."""
    return _SQUEEZE.sub(r"\1", text)


def squeeze_pattern(source: str) -> str:
    """Squeeze the literal letters of a regex source without breaking its escapes."""
    return _SQUEEZE_SRC.sub(lambda m: m.group(1) or m.group(2), source)


class Normalizer:
    """Folds text into a plain lowercase ASCII form; built once from the lexicon's maps."""

    def __init__(self, spec: dict) -> None:
        table: dict[int, str | None] = {ord(ch): None for ch in spec["zero_width"]}
        for src, dst in spec["homoglyphs"].items():
            table[ord(src)] = dst
        for src, dst in spec["punctuation"].items():
            table[ord(src)] = dst
        self._emoji = {src: f" {dst} " for src, dst in spec["emoji"].items()}
        for src, dst in self._emoji.items():
            if len(src) == 1:
                table[ord(src)] = dst
        self._multi_emoji = [(s, d) for s, d in self._emoji.items() if len(s) > 1]
        self._table = table
        self._leet = str.maketrans(spec["leet"])
        self._leet_l = str.maketrans({**spec["leet"], "1": "l"})
        self._vocab = frozenset(spec["leet_vocab"])
        self.emoji_names = {dst.strip(): src for src, dst in self._emoji.items()}

    def fold(self, text: str) -> Folded:
        """Return the readable and squeezed folded copies of ``text``."""
        t = text
        if not t.isascii():
            t = unicodedata.normalize("NFKC", t)
            for src, dst in self._multi_emoji:
                if src in t:
                    t = t.replace(src, dst)
            t = t.lower().translate(self._table)
            if not t.isascii():
                # Drop accents so "tomé" and "tome" meet; other scripts fall away as junk below.
                t = "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
        else:
            t = t.lower()
        t = _NEWLINES.sub(" . ", t)
        t = _QUOTE_MARK.sub('"', t).replace("'", "")
        if _LEET_HINT.search(t):
            t = _LEET_TOKEN.sub(self._unleet, t)
        if "!" in t:
            t = _BANG_IN_WORD.sub("i", t)
        if _SPACED3.search(t):
            t = _SPACED3.sub(_join_letters, t)
            t = _SPACED2.sub(_join_letters, t)
        t = _SPACES.sub(" ", _JUNK.sub(" ", t)).strip()
        return Folded(readable=t, text=squeeze(t))

    def _unleet(self, m: re.Match[str]) -> str:
        tok = m.group(0)
        if _UNIT.fullmatch(tok) or _TRAILING_NUMBER.fullmatch(tok) or tok.isdigit():
            return tok
        as_i = tok.translate(self._leet)
        if "1" not in tok:
            return as_i
        as_l = tok.translate(self._leet_l)
        for cand in (as_l, as_i, tok.replace("11", "ll").translate(self._leet)):
            if cand in self._vocab or squeeze(cand) in self._vocab:
                return cand
        return tok.replace("11", "ll").translate(self._leet)


def _join_letters(m: re.Match[str]) -> str:
    return _NOT_LETTER.sub("", m.group(0))
