"""The phrase matcher's trie scanner and per-prefix classifiers find what one plain alternation finds."""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

from forum.crisis.detector import _engine
from forum.crisis.matcher import PhraseMatcher
from tests.crisis.test_detector import CASES, SAMPLE

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from bench_crisis import make_post  # noqa: E402


def _reference_find(patterns: list[tuple[str, str]], text: str) -> list[tuple[str, int, int]]:
    """The matcher's contract written plainly: the leftmost phrase after a boundary, earlier category first."""
    by_category: dict[str, list[str]] = {}
    for category, src in patterns:
        by_category.setdefault(category, []).append(src)
    names = {f"c{i}": category for i, category in enumerate(by_category)}
    groups = "|".join(f"(?P<c{i}>{'|'.join(srcs)})" for i, srcs in enumerate(by_category.values()))
    plain = re.compile(f'[ .,!?;:"](?:{groups})(?![a-z0-9_])')
    out, pos = [], 0
    while m := plain.search(text, pos):
        out.append((names[m.lastgroup or ""], m.start() + 1, m.end()))
        pos = m.end()
    return out


def _texts() -> list[str]:
    texts = [json.loads(line)["text"] for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip()]
    if SAMPLE is not None:
        texts += [json.loads(line)["text"] for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line]
    rng = random.Random(11)
    texts += [make_post(rng, 600) + " " + rng.choice(texts) + " " + make_post(rng, 300) for _ in range(20)]
    return texts


def test_matcher_finds_what_one_plain_alternation_finds():
    eng = _engine()
    patterns = eng.matcher.patterns
    for text in _texts():
        folded = eng.normalizer.fold(text).text
        assert eng.matcher.find(folded) == _reference_find(patterns, folded), text


def test_classifiers_keep_lexicon_order_for_patterns_of_unknown_start():
    # "(?:x)*..." starts with a character the matcher cannot read ahead of time: it must be in every classifier.
    matcher = PhraseMatcher([("safe", "(?:big )*deal"), ("risk", "big deal"), ("risk", "bad day")])
    for text in (" big deal ", " big big deal ", " deal ", " bad day ", " a big deal. bad day "):
        assert matcher.find(text) == _reference_find(matcher.patterns, text), text
