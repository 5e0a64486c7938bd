"""Word features of a folded post, shared by the model's training script and its runtime scorer.

Both sides call ``feature_set``, so the model scores exactly the features it was trained on.
"""

from __future__ import annotations

import json
from itertools import chain
from pathlib import Path

# Folded text holds only a-z 0-9 _ " , : . ! ? ; and single spaces (normalize.py): a translate and str.split
# tokenise it about three times faster than a regex would.
_TO_SPLIT = str.maketrans({'"': " ", ",": " ", ":": " ", ".": "\n", "!": "\n", "?": "\n", ";": "\n"})
# The model's negators are data beside the lexicon (a few words, read at import).
_WORDS_PATH = Path(__file__).with_name("lexicon") / "features.json"
_NEGATORS = frozenset(json.loads(_WORDS_PATH.read_text(encoding="utf-8"))["negators"])
# How many words after a negator also count as negated ("not going to" ... "NOT_going", "NOT_to").
NEGATION_SPAN = 3
SENTENCE_START = "<s>"


def feature_set(folded_text: str) -> set[str]:
    """Words, word pairs ("<s> word" at a sentence start) and NOT_word for up to 3 words after a negator.

    ``folded_text`` is the normaliser's folded (squeezed) text. Built with set operations and C-level joins rather
    than a Python loop per word: this runs on every post.
    """
    out: set[str] = set()
    for sentence in folded_text.translate(_TO_SPLIT).split("\n"):
        words = sentence.split()
        if not words:
            continue
        out.update(words)
        out.update(map(" ".join, zip(chain((SENTENCE_START,), words), words, strict=False)))
        if _NEGATORS.isdisjoint(words):
            continue
        neg = 0
        for w in words:
            if neg:
                out.add("NOT_" + w)
                neg -= 1
            if w in _NEGATORS:
                neg = NEGATION_SPAN
    return out


def features(folded_text: str) -> dict[str, int]:
    """``feature_set`` as the 0/1 mapping scikit-learn's DictVectorizer takes."""
    return dict.fromkeys(feature_set(folded_text), 1)
