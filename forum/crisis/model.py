"""Statistical second opinion: a logistic regression over word features, weights in model.json.

Trained and exported by bench/crisis_model_eval.py (``--export``); this module only scores, in pure Python.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from forum.crisis.features import feature_set

MODEL_PATH = Path(__file__).with_name("model.json")


class _Model:
    """The exported attention head: feature weights, bias and the threshold chosen by cross-validation."""

    def __init__(self, spec: dict) -> None:
        self.version = str(spec["version"])
        self.threshold = float(spec["threshold"])
        self.bias = float(spec["bias"])
        self.weights: dict[str, float] = spec["weights"]
        self.names = frozenset(self.weights)

    def score(self, folded_text: str) -> float:
        """Probability that a post needs attention, from its folded text."""
        z = self.bias + sum(map(self.weights.__getitem__, feature_set(folded_text) & self.names))
        return 1.0 / (1.0 + math.exp(-max(-500.0, min(500.0, z))))


def _load() -> _Model:
    with MODEL_PATH.open(encoding="utf-8") as fh:
        return _Model(json.load(fh))


MODEL = _load()


def score(folded_text: str) -> float:
    """Probability (0-1) that a post needs attention; ``folded_text`` is the normaliser's squeezed text."""
    return MODEL.score(folded_text)


def threshold() -> float:
    """The score at or above which the model alone rates a post concern."""
    return MODEL.threshold
