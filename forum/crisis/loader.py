"""Reads the lexicon files, one per language (lexicon/en.json, lexicon/es.json), and turns their lists into regexes.

en.json holds every category with its metadata; each later language adds patterns to those categories (after the
English ones, so at one start an English phrase is tried first) and words to the context lists. A JSON list is a
group of alternatives; inside an alternative a list is a sequence of pieces, and inside a sequence a list is again a
group of alternatives. So no regex needs to be written as one long string.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from forum.crisis.normalize import squeeze_pattern

LEXICON_DIR = Path(__file__).with_name("lexicon")
LANGUAGES = ("en", "es")
_MACRO = re.compile(r"\{([A-Z][A-Z_]*)\}")
# How deep macros may refer to other macros.
_MACRO_DEPTH = 8

Value = str | list


def read_lexicon(folder: Path = LEXICON_DIR, languages: tuple[str, ...] = LANGUAGES) -> dict:
    """The first language's file with every later language's patterns and context words merged in."""
    merged = _read(folder / f"{languages[0]}.json")
    for lang in languages[1:]:
        _merge(merged, _read(folder / f"{lang}.json"), lang)
    return merged


def _read(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def _merge(base: dict, extra: dict, lang: str) -> None:
    for name, spec in extra.get("categories", {}).items():
        if name not in base["categories"]:
            raise ValueError(f"lexicon {lang}: category {name!r} is not in {LANGUAGES[0]}.json")
        base["categories"][name]["patterns"] = base["categories"][name]["patterns"] + spec["patterns"]
    for key, words in extra.get("context", {}).items():
        if not isinstance(words, list) or not isinstance(base["context"].get(key, []), list):
            raise ValueError(f"lexicon {lang}: context {key!r} must be a list in every language")
        base["context"][key] = base["context"].get(key, []) + words
    for key, value in extra.get("normalize", {}).items():
        if not isinstance(value, dict) or not isinstance(base["normalize"].get(key, {}), dict):
            raise ValueError(f"lexicon {lang}: normalize {key!r} must be a mapping in every language")
        base["normalize"][key] = {**base["normalize"].get(key, {}), **value}
    for name, value in extra.get("macros", {}).items():
        if name in base["macros"]:
            raise ValueError(f"lexicon {lang}: macro {name!r} is already defined")
        base["macros"][name] = value


def alternatives(value: Value) -> str:
    """A string as written, or a list as the group ``(?:a|b|...)`` of its alternatives (each a sequence)."""
    if isinstance(value, str):
        return value
    return "(?:" + "|".join(sequence(v) for v in value) + ")"


def sequence(value: Value) -> str:
    """A string as written, or a list as its pieces one after another (each a group of alternatives)."""
    if isinstance(value, str):
        return value
    return "".join(alternatives(v) for v in value)


def strip_accents(src: str) -> str:
    """Drop accents and the tilde from a pattern, as the folded text drops them ("última" reads "ultima")."""
    if src.isascii():
        return src
    return "".join(c for c in unicodedata.normalize("NFKD", src) if not unicodedata.combining(c))


class Expander:
    """Writes out the ``{NAME}`` macros of a pattern and squeezes its letters as the folded text is squeezed."""

    def __init__(self, macros: dict[str, Value]) -> None:
        self.macros = {name: alternatives(value) for name, value in macros.items()}

    def pattern(self, value: Value) -> str:
        """A category pattern or list entry: a sequence."""
        return self._expand(sequence(value))

    def cue(self, value: Value) -> str:
        """A whole context regex: a string, or its alternatives as a list."""
        return self._expand(alternatives(value))

    def _expand(self, src: str) -> str:
        for _ in range(_MACRO_DEPTH):
            if not _MACRO.search(src):
                return squeeze_pattern(strip_accents(src))
            src = _MACRO.sub(lambda m: self.macros[m.group(1)], src)
        raise ValueError(f"lexicon macros nest too deep: {src[:80]!r}")
