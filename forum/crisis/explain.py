"""The model's signals in plain words for moderators: "past tense ("ago", "was"), the fragment "suic"".

A word feature is shown as the word, with the theme it belongs to when lexicon/features.json names one; a hashed
character n-gram is shown as the fragment of the post that fell in the bucket.
"""

from __future__ import annotations

import json
from pathlib import Path

from forum.crisis.normalize import squeeze

_THEMES_PATH = Path(__file__).with_name("lexicon") / "features.json"
# Word -> theme, squeezed as the model's features are ("goodbye" is read as "godbye").
_THEMES: dict[str, str] = {
    squeeze(word): theme
    for theme, words in json.loads(_THEMES_PATH.read_text(encoding="utf-8"))["themes"].items()
    for word in words
}


def describe(feature: str) -> str:
    """One model feature in words: a fragment, a negated word, a sentence opening or the word itself."""
    if feature.startswith("#"):
        return f'the fragment "{feature[1:].strip()}"'
    if feature.startswith("NOT_"):
        return f'"{feature[4:]}" after a negation'
    if feature.startswith("<s> "):
        return f'"{feature[4:]}" opening a sentence'
    return f'"{feature}"'


def explain(features: list[str]) -> str:
    """Features in their order, those of one theme together: 'past tense ("ago", "was"), "tonight"'."""
    groups: dict[tuple[str, str], list[str]] = {}  # (theme, "") or ("", the feature); first seen first
    for f in features:
        word = f[4:] if f.startswith(("NOT_", "<s> ")) else f
        theme = "" if f.startswith("#") else _THEMES.get(word, "")
        groups.setdefault((theme, "" if theme else f), []).append(describe(f))
    parts = [f"{theme} ({', '.join(said)})" if theme else said[0] for (theme, _), said in groups.items()]
    return ", ".join(parts) or "none"
