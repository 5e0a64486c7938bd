"""Statistical second opinion: two logistic regressions over word features, weights in model.json.

The attention head says whether a post needs a moderator at all; the urgent head, whether it needs one now.
Trained and exported by bench/crisis_model_eval.py (``--export``); this module only scores, in pure Python.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from forum.crisis.features import feature_set

MODEL_PATH = Path(__file__).with_name("model.json")


class _Head:
    """One exported logistic regression: feature weights, bias and the threshold it is read at."""

    def __init__(self, spec: dict) -> None:
        self.threshold = float(spec["threshold"])
        self.bias = float(spec["bias"])
        self.weights: dict[str, float] = spec["weights"]
        self.names = frozenset(self.weights)

    def probability(self, feats: set[str]) -> float:
        z = self.bias + sum(map(self.weights.__getitem__, feats & self.names))
        return 1.0 / (1.0 + math.exp(-max(-500.0, min(500.0, z))))


@dataclass(frozen=True, slots=True)
class Opinion:
    """The model's reading of one post: both probabilities, and what they say at the shipped thresholds."""

    attention: float
    urgent: float
    needs_attention: bool
    is_urgent: bool  # only ever true together with needs_attention


class Model:
    """Both heads, built from a model.json mapping (the shipped file, or a bench's model trained on a fold)."""

    def __init__(self, spec: dict, featurize: Callable[[str], set[str]] = feature_set) -> None:
        self.featurize = featurize  # bench/crisis_lowo.py measures other feature sets through the detector
        self.version = str(spec["version"])
        self.attention = _Head(spec["attention"])
        self.urgent = _Head(spec["urgent"])

    def opinion(self, folded_text: str) -> Opinion:
        feats = self.featurize(folded_text)
        att = self.attention.probability(feats)
        urg = self.urgent.probability(feats)
        needs = att >= self.attention.threshold
        return Opinion(att, urg, needs, needs and urg >= self.urgent.threshold)


_lock = threading.Lock()
_loaded: list[Model] = []  # the model, once read: importing this module reads nothing


def load() -> Model:
    """Read model.json once per process (the detector's ``load`` calls this when the app starts)."""
    if not _loaded:
        with _lock:
            if not _loaded:
                with MODEL_PATH.open(encoding="utf-8") as fh:
                    _loaded.append(Model(json.load(fh)))
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
    return load().attention.probability(feature_set(folded_text))


def threshold() -> float:
    """The attention probability at or above which the model alone rates a post concern."""
    return load().attention.threshold
