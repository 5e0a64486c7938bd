"""The learned reader: two logistic regressions over word features and hashed character n-grams, in model.json.

The attention head says whether a post needs a moderator at all; the urgent head, whether it needs one now; the
false-alarm head, trained only on posts the rules flag, whether such a post was in fact safe. Read at thresholds
chosen on leave-one-writer-out scores: attention at or above ``attention.threshold`` raises a post the rules pass
over, urgent at or above ``urgent.threshold`` (with attention) raises to urgent, and false alarm at or above
``false_alarm.threshold`` reads a rules hit as safe, which may lower it (detector.py decides when). A post with
little to go on scores near the false-alarm head's base rate, not "safe": the rules' hits are mostly right.
Trained and exported by bench/crisis_model_eval.py (``--export``); this module only scores, in pure Python.
"""

from __future__ import annotations

import base64
import json
import math
import threading
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from forum.crisis.features import CHAR_BUCKETS, char_buckets, char_grams, feature_set

MODEL_PATH = Path(__file__).with_name("model.json")
# Where the rules see nothing, the urgent head must reach this to rate a post urgent. Chosen on leave-one-writer-out
# scores (0.7 to 0.3 tried: urgent recall +2.5 points at 0.4, precision the same); at the raise threshold of 0.25,
# short everyday lines of the test suite ("already pinned" 0.34, "Mine is on the fridge." 0.30) were rated urgent.
URGENT_ALONE = 0.4
# How many of a post's strongest features an explanation names, each way.
EXPLAIN_TOP = 4


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-500.0, min(500.0, z))))


class _Head:
    """One exported logistic regression: word weights, bucket weights, bias and the threshold it is read at."""

    def __init__(self, spec: dict) -> None:
        self.threshold = float(spec["threshold"])
        self.bias = float(spec["bias"])
        self.weights: dict[str, float] = spec["weights"]
        self.names = self.weights.keys()  # intersects a set as fast as a frozenset, without a second copy of the names
        # Bucket weights are int16 steps of ``char_scale``, little-endian, base64: 2**16 buckets in 175 kB.
        self.char_scale = float(spec.get("char_scale", 0.0))
        self.char = array("h")
        if self.char_scale:
            self.char.frombytes(base64.b64decode(spec["char_weights"]))
            if len(self.char) != CHAR_BUCKETS:
                raise ValueError(f"model has {len(self.char)} character buckets, features make {CHAR_BUCKETS}")

    def logit(self, feats: set[str], buckets: set[int]) -> float:
        z = self.bias + sum(map(self.weights.__getitem__, feats & self.names))
        if self.char_scale:
            z += self.char_scale * sum(map(self.char.__getitem__, buckets))
        return z

    def probability(self, feats: set[str], buckets: set[int] = frozenset()) -> float:  # type: ignore[assignment]
        return _sigmoid(self.logit(feats, buckets))

    def contributions(self, folded_text: str) -> list[tuple[str, float]]:
        """Every feature of the text with a weight: (the word feature, or the character fragment, its weight)."""
        out = [(f, self.weights[f]) for f in feature_set(folded_text) & self.names]
        if self.char_scale:
            out += [("#" + gram, self.char_scale * self.char[b]) for b, gram in char_grams(folded_text).items()]
        return [(name, w) for name, w in out if w]


@dataclass(frozen=True, slots=True)
class Opinion:
    """The model's reading of one post: both probabilities, and what they say at the shipped thresholds."""

    attention: float
    urgent: float
    needs_attention: bool
    is_urgent: bool  # only ever true together with needs_attention
    is_urgent_alone: bool  # urgent enough to rate a post urgent where the rules see nothing (a higher threshold)
    false_alarm: float
    reads_safe: bool  # false alarm at or above its threshold: a rules hit may be lowered


def opinion_at(probabilities: tuple[float, float, float], thresholds: tuple[float, float, float]) -> Opinion:
    """What the three heads' probabilities say at the given thresholds (the bench sweeps them)."""
    attention, urgent, false_alarm = probabilities
    attention_at, urgent_at, false_alarm_at = thresholds
    needs = attention >= attention_at
    alone = needs and urgent >= max(urgent_at, URGENT_ALONE)
    return Opinion(
        attention, urgent, needs, needs and urgent >= urgent_at, alone, false_alarm, false_alarm >= false_alarm_at
    )


class Model:
    """Both heads, built from a model.json mapping (the shipped file, or a bench's model trained on a fold)."""

    def __init__(self, spec: dict, featurize: Callable[[str], set[str]] = feature_set) -> None:
        self.featurize = featurize
        self.version = str(spec["version"])
        self.attention = _Head(spec["attention"])
        self.urgent = _Head(spec["urgent"])
        # Without a false-alarm head (a model from before it) the model never lowers a level.
        self.false_alarm = _Head(spec.get("false_alarm", {"threshold": 2.0, "bias": -500.0, "weights": {}}))
        self.heads = (self.attention, self.urgent, self.false_alarm)
        self.reads_chars = any(h.char_scale for h in self.heads)

    @property
    def thresholds(self) -> tuple[float, float, float]:
        return self.attention.threshold, self.urgent.threshold, self.false_alarm.threshold

    def probabilities(self, folded_text: str) -> tuple[float, float, float]:
        """Attention, urgent and false-alarm probabilities of a folded post."""
        feats = self.featurize(folded_text)
        buckets = char_buckets(folded_text) if self.reads_chars else set()
        a, u, f = (h.probability(feats, buckets) for h in self.heads)
        return a, u, f

    def opinion(self, folded_text: str) -> Opinion:
        return opinion_at(self.probabilities(folded_text), self.thresholds)

    def signals(self, folded_text: str, *, towards_risk: bool) -> list[str]:
        """The strongest features pushing towards risk (attention head) or towards safe (false-alarm head)."""
        head = self.attention if towards_risk else self.false_alarm
        picked = sorted((c for c in head.contributions(folded_text) if c[1] > 0), key=lambda c: -c[1])
        return [name for name, _ in picked[:EXPLAIN_TOP]]


class _Floats(dict):
    """One float object per number written in model.json. JSON makes one per occurrence: 96,000 for the heads'
    weights, which take some 1,600 values (exported to three decimals); sharing them saves a worker 2.2 MB."""

    def __missing__(self, text: str) -> float:
        value = self[text] = float(text)  # what json.load makes of the number by default
        return value


_lock = threading.Lock()
_loaded: list[Model] = []  # the model, once read: importing this module reads nothing


def load() -> Model:
    """Read model.json once per process (the detector's ``load`` calls this when the app starts)."""
    if not _loaded:
        with _lock:
            if not _loaded:
                with MODEL_PATH.open(encoding="utf-8") as fh:
                    _loaded.append(Model(json.load(fh, parse_float=_Floats().__getitem__)))
    return _loaded[0]


def __getattr__(name: str) -> Model:
    if name == "MODEL":  # ``model.MODEL`` reads the model on first use
        return load()
    raise AttributeError(name)


def opinion(folded_text: str) -> Opinion:
    """Both heads' reading of a post; ``folded_text`` is the normaliser's squeezed text."""
    return load().opinion(folded_text)


def score(folded_text: str) -> float:
    """Probability (0-1) that a post needs attention."""
    return load().probabilities(folded_text)[0]


def threshold() -> float:
    """The attention probability at or above which the model alone rates a post concern."""
    return load().attention.threshold
