"""Tests for the model second opinion: the exported weights, the shared features and how detector.assess uses it."""

from __future__ import annotations

import json
import math

import pytest

from forum.crisis import model
from forum.crisis.detector import Level, _engine, assess
from forum.crisis.features import feature_set, features


def _fold(text: str) -> str:
    return _engine().normalizer.fold(text).text


def test_model_file_has_its_fields() -> None:
    spec = json.loads(model.MODEL_PATH.read_text(encoding="utf-8"))
    for key in ("version", "trained", "training_posts", "training_data", "prune_below", "attention", "urgent"):
        assert key in spec
    assert spec["training_posts"] >= 600
    for name in ("attention", "urgent"):
        head = spec[name]
        for key in ("threshold", "threshold_rule", "bias", "weights"):
            assert key in head
        assert 0.5 <= head["threshold"] < 1
        assert len(head["weights"]) > 1000
        assert all(abs(w) >= spec["prune_below"] for w in head["weights"].values())
    assert model.MODEL_PATH.stat().st_size < 1_500_000  # loaded once per process
    assert model.threshold() == spec["attention"]["threshold"]


@pytest.mark.parametrize(
    "text",
    [
        "I'm NOT okay... didn't sleep; won't eat. Nothing helps!",
        'goodbye everyone: thanks for everything, "really".',
        "",
        "k1ll m3 n0w 💊💊",
    ],
)
def test_training_and_runtime_read_the_same_features(text: str) -> None:
    folded = _fold(text)
    assert set(features(folded)) == feature_set(folded)
    assert set(features(folded).values()) <= {1}
    op = model.opinion(folded)
    for head, p in ((model.MODEL.attention, op.attention), (model.MODEL.urgent, op.urgent)):
        z = head.bias + sum(head.weights.get(k, 0.0) for k in features(folded))
        assert p == pytest.approx(1 / (1 + math.exp(-z)))
    assert model.score(folded) == op.attention


def test_features_mark_negated_words_and_sentence_starts() -> None:
    got = feature_set(_fold("I am not going to do it. Tired"))
    assert {"NOT_going", "NOT_to", "NOT_do", "<s> i", "<s> tired", "not going"} <= got
    assert "NOT_it" not in got and "NOT_tired" not in got  # three words, and never past the sentence end


@pytest.mark.parametrize(
    "text",
    [
        "this workout is killing me lol",
        "I'd kill for a coffee right now",
        "my phone died on the bus",
        "I carry naloxone in my bag, everyone should learn how to use it",
        "Two years ago I was in a really dark place and wanted to die. Today I'm two years sober and grateful.",
        "Not suicidal, just really tired after a long shift",
        "Going on vacation next week, see you all when I'm back!",
    ],
)
def test_safe_posts_stay_none(text: str) -> None:
    assert assess(text).level == Level.NONE


@pytest.mark.parametrize(
    "text",
    [
        "everyone would honestly be better off if i just stopped being around. i am so tired of being a burden",
        "nobody would even notice if i was gone. i am so tired of fighting",
        "i relapsed hard last night and honestly i dont care what happens to me anymore",
    ],
)
def test_model_flags_risk_worded_past_the_lexicon(text: str) -> None:
    assert assess(text, use_model=False).level == Level.NONE  # the rules miss it
    a = assess(text)
    assert a.level == Level.CONCERN
    assert [(m.phrase, m.category) for m in a.matches] == [("wording like posts that needed support", "model")]
    assert a.reason.startswith("Concern: no listed phrase, but the wording resembles posts that needed support")


def test_model_never_lowers_a_rules_level() -> None:
    text = "i've saved up my pills, tonight's the night"
    assert assess(text).level == assess(text, use_model=False).level == Level.URGENT
    assert all(m.category != "model" for m in assess(text).matches)
    calm = "i want to die. the house is empty tonight"  # the urgent head is unsure: the rules' concern stands
    assert model.opinion(_fold(calm)).urgent < model.MODEL.urgent.threshold
    assert assess(calm).level == assess(calm, use_model=False).level == Level.CONCERN


def test_urgent_head_raises_what_the_rules_rate_concern() -> None:
    text = "i keep wishing i wouldnt wake up. the house is empty tonight and i have what i need"
    assert assess(text, use_model=False).level == Level.CONCERN
    op = model.opinion(_fold(text))
    assert op.is_urgent and op.urgent >= model.MODEL.urgent.threshold
    a = assess(text)
    assert a.level == Level.URGENT
    assert a.matches[0].category != "model"  # the rules' phrases come first, then the model's
    assert (a.matches[-1].category, a.matches[-1].level) == ("model", Level.URGENT)
    assert a.reason.startswith('Urgent: thoughts of dying or not wanting to exist ("wishing i wouldnt wake up")')
    assert "the wording also resembles posts that needed a moderator at once" in a.reason


def test_model_alone_can_rate_urgent_where_the_rules_see_nothing() -> None:
    text = "i have what i need and the house is empty tonight"
    assert assess(text, use_model=False).level == Level.NONE
    a = assess(text)
    assert a.level == Level.URGENT
    assert [(m.category, m.level) for m in a.matches] == [("model", Level.URGENT)]
    assert a.reason.startswith("Urgent: no listed phrase, but the wording resembles posts that needed a moderator")


def test_model_does_not_overrule_a_phrase_the_rules_set_aside() -> None:
    text = "not going to kill myself, just really tired of everything"
    assert model.score(_fold(text)) >= model.threshold()  # the wording alone looks like risk
    assert assess(text).level == Level.NONE  # the rules read the negation on purpose
