"""Tests for the model second opinion: the exported weights, the shared features and how detector.assess uses it."""

from __future__ import annotations

import json
import math
from zlib import crc32

import pytest

from forum.crisis import model
from forum.crisis.detector import Level, RulesReading, _engine, assess, combine
from forum.crisis.explain import explain
from forum.crisis.features import CHAR_BUCKETS, CHAR_VALUE, char_buckets, char_grams, feature_set, features


def _fold(text: str) -> str:
    return _engine().normalizer.fold(text).text


def test_model_file_has_its_fields() -> None:
    spec = json.loads(model.MODEL_PATH.read_text(encoding="utf-8"))
    for key in ("version", "trained", "training_posts", "training_data", "prune_below", "attention", "urgent"):
        assert key in spec
    assert spec["training_posts"] >= 5000
    assert "round 12" not in spec["training_data"]  # the held-out round is never trained on
    assert {"round 13", "round 14", "round 14es", "cases"} <= set(spec["training_data"])
    for name in ("attention", "urgent", "false_alarm"):
        head = spec[name]
        for key in ("threshold", "threshold_rule", "bias", "weights"):
            assert key in head
        assert 0.05 <= head["threshold"] <= 2
        assert len(head["weights"]) > 1000
        assert all(abs(w) >= spec["prune_below"] for w in head["weights"].values())
    assert model.MODEL_PATH.stat().st_size < 2_000_000  # loaded once per process
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
    trained = features(folded)
    assert set(trained) == feature_set(folded) | {f"#{b}" for b in char_buckets(folded)}
    assert set(trained.values()) <= {1, CHAR_VALUE}
    op = model.opinion(folded)
    heads = (model.MODEL.attention, op.attention), (model.MODEL.urgent, op.urgent)
    for head, p in (*heads, (model.MODEL.false_alarm, op.false_alarm)):
        z = head.bias + sum(head.weights.get(k, 0.0) for k in trained)
        if model.MODEL.reads_chars:  # a model trained with --char; the shipped one reads words only
            z += sum(head.char_scale * head.char[int(k[1:])] for k in trained if k.startswith("#"))
        assert p == pytest.approx(1 / (1 + math.exp(-z)))
        assert sum(w for _, w in head.contributions(folded)) == pytest.approx(z - head.bias)
    assert model.score(folded) == op.attention


def test_the_heads_share_one_float_per_weight_value() -> None:
    # JSON makes one float object per number: 96,000 of them, 2.2 MB a worker, for some 1,600 values.
    weights = [w for head in model.MODEL.heads for w in head.weights.values()]
    assert len({id(w) for w in weights}) == len(set(weights)) < len(weights) // 20


def test_shared_weights_score_exactly_as_the_file_reads() -> None:
    spec = json.loads(model.MODEL_PATH.read_text(encoding="utf-8"))
    for text in ("I can't do this anymore, goodbye everyone", "Day 43 and the mornings are hard", "k1ll m3 n0w"):
        folded = _fold(text)
        feats = feature_set(folded)
        expected = []
        for name in ("attention", "urgent", "false_alarm"):
            weights = spec[name]["weights"]  # as JSON built them, summed in the order the model sums
            z = spec[name]["bias"] + sum(map(weights.__getitem__, feats & weights.keys()))
            expected.append(1.0 / (1.0 + math.exp(-max(-500.0, min(500.0, z)))))
        assert model.MODEL.probabilities(folded) == tuple(expected)  # exactly, not approximately


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


def test_model_keeps_the_rules_level_when_unsure() -> None:
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
    assert "the model also read it as needing a moderator at once (urgent score" in a.reason
    assert "strongest signals" in a.reason


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


def _rules(level: Level, *, set_aside: bool = False, may_raise: bool = True, always: bool = False) -> RulesReading:
    return RulesReading("x", level, (), "reason", set_aside, may_raise, always)


N, CON, URG = Level.NONE, Level.CONCERN, Level.URGENT


@pytest.mark.parametrize(
    ("rules", "attention", "urgent", "false_alarm", "want"),
    [
        # The rules see nothing: the model alone may rate concern or urgent, unless a phrase was set aside as safe.
        (_rules(N), 0.9, 0.9, 0.0, URG),
        (_rules(N), 0.6, 0.1, 0.0, CON),
        (_rules(N), 0.3, 0.9, 0.0, N),
        (_rules(N, set_aside=True), 0.99, 0.99, 0.0, N),
        # Confident the hit is a false alarm: lowered one step, never one with an always-urgent phrase.
        (_rules(CON), 0.9, 0.0, 0.95, N),
        (_rules(URG), 0.9, 0.9, 0.95, CON),
        (_rules(CON, always=True), 0.01, 0.0, 0.99, CON),
        (_rules(URG, always=True), 0.01, 0.0, 0.99, URG),
        (_rules(CON), 0.01, 0.0, 0.8, CON),  # a low attention score alone never lowers: too little to go on
        # Confident it is urgent: a concern is raised, unless its rule forbids it (dangerous relapse talk).
        (_rules(CON), 0.9, 0.8, 0.0, URG),
        (_rules(CON, may_raise=False), 0.9, 0.8, 0.0, CON),
        (_rules(CON), 0.9, 0.6, 0.0, CON),
        (_rules(URG), 0.9, 0.9, 0.0, URG),
    ],
)
def test_how_the_model_and_the_rules_combine(
    rules: RulesReading, attention: float, urgent: float, false_alarm: float, want: Level
) -> None:
    assert combine(rules, model.opinion_at((attention, urgent, false_alarm), (0.5, 0.7, 0.9))) == want


def test_a_model_without_a_false_alarm_head_never_lowers() -> None:
    spec = json.loads(model.MODEL_PATH.read_text(encoding="utf-8"))
    del spec["false_alarm"]
    older = model.Model(spec)
    text = _fold("i want to die")
    assert not older.opinion(text).reads_safe and older.probabilities(text)[2] < 1e-100
    assert combine(_rules(CON), None) == CON  # use_model=False


def test_character_grams_carry_a_misspelt_or_obfuscated_word() -> None:
    plain = char_buckets(_fold("suicidal"))
    for variant in ("suicidle", "suicidaaal", "sui-cidal", "suicidalll"):
        other = char_buckets(_fold(variant))
        assert len(plain & other) / len(plain | other) >= 0.3, variant
    # The hash is crc32, the same in every process (Python's hash() of str is not).
    assert crc32(b" ki") & (CHAR_BUCKETS - 1) in char_buckets("kill")


def test_a_bucket_shows_the_fragment_of_the_post_that_fell_in_it() -> None:
    grams = char_grams(_fold("Suicidal, honestly"))
    assert set(grams) == char_buckets(_fold("Suicidal, honestly"))
    assert " sui" in grams.values() and "nest" in grams.values()
    assert all(len(g) in (3, 4, 5) for g in grams.values())


@pytest.mark.parametrize(
    ("features", "said"),
    [
        (["ago"], 'past tense ("ago")'),
        (["sober", "#kil"], 'recovery story ("sober"), the fragment "kil"'),
        (["NOT_going", "<s> tonight"], '"going" after a negation, a time set ("tonight" opening a sentence)'),
        ([], "none"),
    ],
)
def test_model_signals_read_in_plain_words(features: list[str], said: str) -> None:
    assert explain(features) == said


def test_the_model_alone_needs_a_higher_urgent_score_than_to_raise_a_rules_concern() -> None:
    op = model.opinion_at((0.9, 0.35, 0.0), (0.5, 0.3, 0.9))
    assert op.urgent < model.URGENT_ALONE
    assert combine(_rules(CON), op) == URG
    assert combine(_rules(N), op) == CON
    assert combine(_rules(N), model.opinion_at((0.9, model.URGENT_ALONE, 0.0), (0.5, 0.3, 0.9))) == URG
