"""Text normaliser for the crisis flagger: undoes the tricks people use to write around filters."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# A letter followed by the same letter is dropped: the last of each run stays. (Written to start with the
# letter rather than a lookbehind, which costs a third less per character.)
_SQUEEZE = re.compile(r"([a-z])(?=\1)")
# A regex source may contain escapes such as \bb; squeezing must leave them intact.
_SQUEEZE_SRC = re.compile(r"(\\.)|([a-z])\2+")
# A quote mark is an apostrophe with no letter on one side; written to start with the literal for speed.
_QUOTE_MARK = re.compile(r"'(?:(?![a-z0-9])|(?<![a-z0-9]'))")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789@$|*")
# Regexes below start with a literal or a character set where they can: the engine then skips ahead fast.
_LEET_HINT = re.compile(r"[0-9@$|*](?:(?=[a-z])|(?<=[a-z][0-9@$|*]))")
_BANG_IN_WORD = re.compile(r"!(?=[a-z])(?<=[a-z]!)")
_TRAILING_NUMBER = re.compile(r"[a-z]+\d{2,}")
# A "spaced" letter stands alone: no letter or digit touching it.
_SPACED_HINT = re.compile(r" [a-z] ?[ .\-_*~·] ?[a-z] ?[ .\-_*~·]")
# Runs of three or more such letters, then of two: each match starts with the character before the run
# (reading it is a quarter faster than looking behind), so they run on the text with a space in front.
_SPACED3_AFTER = re.compile(r"[^a-z0-9][a-z](?:(?: ?[.\-_*~·] ?| )[a-z](?![a-z0-9])){2,}")
_SPACED2_AFTER = re.compile(r"[^a-z0-9][a-z](?: ?[.\-_*~·] ?| )[a-z](?![a-z0-9])")
_MARK_SEP = re.compile(r"[.\-_*~·]")
# A space with no mark on either side splits words ("k.i.l.l m.e"); " - " inside "d - i - e" does not.
_BARE_SPACE = re.compile(r"(?<![.\-_*~·]) (?![.\-_*~·])")
_NOT_LETTER = re.compile(r"[^a-z]")
_NEWLINES = re.compile(r"[\r\n]+")
_JUNK = re.compile(r"[^a-z0-9_\"\s.!?;,:]")
# _JUNK as a byte table, for ASCII text (where str.translate of bytes is many times faster than the regex).
_JUNK_BYTES = bytes(ord(" ") if _JUNK.match(chr(b)) else b for b in range(256))


@dataclass(frozen=True, slots=True)
class Folded:
    """The two copies of a post the matcher needs."""

    readable: str  # decoded but not squeezed: used to show moderators whole words
    text: str  # squeezed: doubled letters collapsed, what the patterns run on


def squeeze(text: str) -> str:
    """Collapse every run of a repeated letter to one letter ("diiiie" and "die" meet)."""
    return _SQUEEZE.sub("", text)


def squeeze_pattern(source: str) -> str:
    """Squeeze the literal letters of a regex source without breaking its escapes."""
    return _SQUEEZE_SRC.sub(lambda m: m.group(1) or m.group(2), source)


class Normalizer:
    """Folds text into a plain lowercase ASCII form; built once from the lexicon's maps."""

    def __init__(self, spec: dict) -> None:
        table: dict[str, str] = {ch: "" for ch in spec["zero_width"]}
        table.update(spec["homoglyphs"])
        table.update(spec["punctuation"])
        emoji = {src: f" {dst} " for src, dst in spec["emoji"].items()}
        table.update((src, dst) for src, dst in emoji.items() if len(src) == 1)
        self._multi_emoji = [(src, dst) for src, dst in emoji.items() if len(src) > 1]
        self._chars = table  # grows as a cache of every non-ASCII character seen
        self._leet = str.maketrans(spec["leet"])
        self._leet_l = str.maketrans({**spec["leet"], "1": "l"})
        self._vocab = frozenset(spec["leet_vocab"])
        self._vocab_starts = frozenset(w[:i] for w in self._vocab for i in range(len(w) + 1))
        # A number with one of these after it ("800mg", "5pm", "day30" aside) is a number, not leetspeak.
        self._unit = re.compile(r"\d+(?:" + "|".join(map(re.escape, spec["units"])) + ")")
        # A star inside a word stands for a censored letter ("s*icidal", "k*ll"): tried as each of these.
        self._star_letters = spec["star_letters"]
        # Whole words written short or misspelt ("q" and "k" for "que", "xq" for "porque", "tmb"): each language's
        # "shorthand" map. One pass over the text; a stretched letter still matches ("kieeero"), so the copy that
        # is not squeezed keeps its words lined up with the squeezed one.
        self._shorthand = {squeeze(k): v for k, v in spec.get("shorthand", {}).items()}
        stretched = ("".join(re.escape(c) + "+" for c in k) for k in sorted(self._shorthand, key=len, reverse=True))
        self._shorthand_re = re.compile(" (" + "|".join(stretched) + ")(?= )") if self._shorthand else None
        self.emoji_names: dict[str, str] = {}
        for src, dst in emoji.items():
            self.emoji_names.setdefault(dst.strip(), src)

    def fold(self, text: str) -> Folded:
        """Return the readable and squeezed folded copies of ``text``."""
        t = text
        if not t.isascii():
            t = unicodedata.normalize("NFKC", t).lower()
            for src, dst in self._multi_emoji:
                if src in t:
                    t = t.replace(src, dst)
            t = _NON_ASCII.sub(self._char, t)
        else:
            t = t.lower()
        if "\n" in t or "\r" in t:
            t = _NEWLINES.sub(" . ", t)
        if "'" in t:
            t = _QUOTE_MARK.sub('"', t).replace("'", "")
        if _LEET_HINT.search(t):
            t = self._unleet_all(t)
        if "!" in t:
            t = _BANG_IN_WORD.sub("i", t)
        if _SPACED_HINT.search(" " + t):
            spaced = " " + t
            if _SPACED3_AFTER.search(spaced):
                spaced = _SPACED3_AFTER.sub(_join_letters_after, spaced)
                t = _SPACED2_AFTER.sub(_join_letters_after, spaced)[1:]
        # One space before every word (and at both ends) lets the matcher anchor on it.
        t = t.encode("ascii").translate(_JUNK_BYTES).decode("ascii") if t.isascii() else _JUNK.sub(" ", t)
        t = " " + " ".join(t.split()) + " "
        if self._shorthand_re is not None:
            t = self._shorthand_re.sub(self._spell_out, t)
        return Folded(readable=t, text=squeeze(t))

    def _spell_out(self, m: re.Match[str]) -> str:
        return " " + self._shorthand[squeeze(m.group(1))]

    def _char(self, m: re.Match[str]) -> str:
        c = m.group(0)
        out = self._chars.get(c)
        if out is None:
            # Drop accents so "tomé" and "tome" meet; other scripts become spaces.
            bare = "".join(x for x in unicodedata.normalize("NFKD", c) if not unicodedata.combining(x))
            out = bare if bare.isascii() else " "
            self._chars[c] = out
        return out

    def _unleet_all(self, t: str) -> str:
        """Decode only the few words that mix letters with digits or symbols."""
        pieces: list[str] = []
        last = 0
        for h in _LEET_HINT.finditer(t):
            if h.start() < last:
                continue
            s, e = h.start(), h.end()
            while s > 0 and t[s - 1] in _TOKEN_CHARS:
                s -= 1
            while e < len(t) and t[e] in _TOKEN_CHARS:
                e += 1
            pieces += (t[last:s], self._unleet(t[s:e]))
            last = e
        pieces.append(t[last:])
        return "".join(pieces)

    def _unleet(self, tok: str) -> str:
        plain = tok.replace("11", "ll").translate(self._leet)
        if "*" in plain.strip("*"):
            return self._uncensor(plain.strip("*")) or plain
        if "1" in tok:
            for cand in (tok.translate(self._leet_l), tok.translate(self._leet), plain):
                if cand in self._vocab or squeeze(cand) in self._vocab:
                    return cand
        elif plain in self._vocab:
            return plain
        # "800mg", "5pm", "day30", "covid19" are numbers, not leetspeak.
        if self._unit.fullmatch(tok) or _TRAILING_NUMBER.fullmatch(tok) or tok.isdigit():
            return tok
        return plain

    def _uncensor(self, word: str) -> str | None:
        """The vocabulary word that ``word`` spells with its stars read as letters, if any."""
        if word.count("*") > 3:
            return None
        return self._fill_stars(word, "", "")

    def _fill_stars(self, word: str, cand: str, squeezed: str) -> str | None:
        """The first reading, in star-letter order star by star, of ``word`` after ``cand`` (read so far).

        A reading counts when it, or it squeezed, is a vocabulary word; a start that begins no vocabulary word,
        read either way, is given up at once rather than tried with every letter for every later star.
        """
        i = len(cand)
        if i == len(word):
            return cand if cand in self._vocab or squeezed in self._vocab else None
        for c in self._star_letters if word[i] == "*" else word[i]:
            longer = cand + c
            longer_squeezed = squeezed if "a" <= c <= "z" and squeezed.endswith(c) else squeezed + c
            if longer in self._vocab_starts or longer_squeezed in self._vocab_starts:
                found = self._fill_stars(word, longer, longer_squeezed)
                if found is not None:
                    return found
        return None


def _join_letters_after(m: re.Match[str]) -> str:
    """Join the spaced letters of a match that starts with the character before the run."""
    before, run = m.group(0)[0], m.group(0)[1:]
    if _MARK_SEP.search(run):  # "k.i.l.l m.e": marks join letters, a bare space splits words
        return before + " ".join(_NOT_LETTER.sub("", part) for part in _BARE_SPACE.split(run))
    return before + _NOT_LETTER.sub("", run)
