"""Features of a folded post, shared by the model's training script and its runtime scorer.

Two kinds: words (``feature_set``: words, word pairs, negated words) and character 3-5-grams of the folded text
hashed into a fixed number of buckets (``char_buckets``), so a misspelt or obfuscated word still shares most of its
grams with the plain one. Both sides call these functions, so the model scores exactly what it was trained on.
"""

from __future__ import annotations

import json
from functools import lru_cache
from itertools import chain
from pathlib import Path
from zlib import crc32

# Folded text holds only a-z 0-9 _ " , : . ! ? ; and single spaces (normalize.py): a translate and str.split
# tokenise it about three times faster than a regex would.
_TO_SPLIT = str.maketrans({'"': " ", ",": " ", ":": " ", ".": "\n", "!": "\n", "?": "\n", ";": "\n"})
# The model's negators are data beside the lexicon (a few words, read at import).
_WORDS_PATH = Path(__file__).with_name("lexicon") / "features.json"
_NEGATORS = frozenset(json.loads(_WORDS_PATH.read_text(encoding="utf-8"))["negators"])
# How many words after a negator also count as negated ("not going to" ... "NOT_going", "NOT_to").
NEGATION_SPAN = 3
SENTENCE_START = "<s>"
# Character n-gram lengths: 3 is the shortest that tells words apart, past 5 a gram is nearly a whole word.
CHAR_NGRAMS = (3, 4, 5)
# Hash buckets for the grams (a power of two): 2**16 keeps model.json small; collisions cost little at this size.
CHAR_BUCKETS = 1 << 16
# The value a bucket feature has in training (a word's is 1): a word makes a dozen grams, and at 1 they crowded the
# words out under the shared regularisation (0.3 and 0.1 measured better). Exported bucket weights include it.
CHAR_VALUE = 0.1
# Distinct words whose buckets are kept (a few hundred bytes each): a forum's everyday vocabulary fits.
WORD_CACHE = 8192


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


def char_grams(folded_text: str) -> dict[int, str]:
    """Each bucket a character 3-5-gram of the text's words falls in, with the first gram that fell there.

    The gram is what a moderator is shown for a weighted bucket (``char_buckets`` is the fast path for scoring).
    """
    out: dict[int, str] = {}
    for word in dict.fromkeys(folded_text.translate(_TO_SPLIT).split()):
        for bucket, gram in _word_grams(word):
            out.setdefault(bucket, gram)
    return out


def char_buckets(folded_text: str) -> set[int]:
    """The hash buckets of the character 3-5-grams of the text's words, each word padded with a space either side.

    Grams stay inside a word, as fastText's do: a word's buckets are computed once and cached, so a post costs a
    set union per distinct word. An unseen word costs at most three hashes per character, so the work stays linear.
    """
    out: set[int] = set()
    for word in set(folded_text.translate(_TO_SPLIT).split()):
        out.update(_word_buckets(word))
    return out


@lru_cache(maxsize=WORD_CACHE)
def _word_buckets(word: str) -> frozenset[int]:
    return frozenset(b for b, _ in _word_grams(word))


def _word_grams(word: str) -> list[tuple[int, str]]:
    raw = f" {word} ".encode("ascii", "replace")
    mask = CHAR_BUCKETS - 1
    return [
        (crc32(raw[i : i + n]) & mask, raw[i : i + n].decode("ascii"))
        for n in CHAR_NGRAMS
        for i in range(len(raw) - n + 1)
    ]


def features(folded_text: str) -> dict[str, float]:
    """Both kinds as the mapping scikit-learn's DictVectorizer takes: a word 1, a bucket ("#" and its number) less."""
    out = dict.fromkeys(feature_set(folded_text), 1)
    out.update(dict.fromkeys((f"#{b}" for b in char_buckets(folded_text)), CHAR_VALUE))
    return out
