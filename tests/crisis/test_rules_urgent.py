"""Each urgent rule of forum/crisis/rules.py fires on its combination of categories, and not on a near miss."""

from __future__ import annotations

import pytest

from forum.crisis import rules
from forum.crisis.rules import RULES, decide
from forum.crisis.verdict import Level
from tests.crisis.rulekit import found, hit

# rule name -> (hits that make it fire, hits one step short of it)
URGENT = {
    "suicide_act_with_extra": (("suicidal_intent", "timing"), (hit("suicidal_intent"), hit("timing", sentence=5))),
    "attempt": (("attempt",), ("symptom",)),
    "overdose_with_signs": (("overdose_now", "symptom"), ("overdose_now",)),
    "downers_now_with_wish": (
        ("ideation", "now", "depressant", "alcohol_or_stimulant"),
        ("ideation", "now", "depressant"),
    ),
    "at_edge": ((hit("at_edge", "on the tracks"), "timing"), (hit("at_edge", "on the rof"), "timing")),
    "to_edge": (("to_edge", "farewell"), ("to_edge", "timing")),
    "in_progress_with_means": (("in_progress", "means"), ("in_progress", "timing")),
    "means_ready": (("means", "timing"), ("means",)),
    "plan_means_time": (("plan", "weapon", "timing"), ("plan", "weapon")),
    "plan_time_goodbye": (("plan", "now", "finality"), ("plan", "now")),
    "farewell_with_more": ((hit("farewell", "bye all"), hit("farewell", "last post")), ("farewell",)),
    "large_amount_timed": (("intake", "amount_drug", "now"), ("intake", "amount", "now")),
    "goodbyes_with_means": (
        (hit("farewell_weak", "bye"), hit("farewell_weak", "take care"), "plan"),
        (hit("farewell_weak", "bye"), hit("farewell_weak", "bye"), "plan"),
    ),
    "goodbyes_timed_final": (("farewell_weak", "timing", "finality"), ("farewell_weak", "timing")),
    "dying_with_means": (("ideation", "plan"), ("ideation", "timing")),
    "self_harm_now": (("self_harm", "in_progress"), ("self_harm", "now")),
    "harm_others_now": (("harm_others_now",), ("target_known",)),
    "target_with_weapon": (("target_known", "weapon", "now"), ("target_known", "weapon")),
    "weapon_final": (("weapon", "finality", "now"), ("weapon", "finality")),
    "ambush": (("ambush", "weapon"), ("ambush", "now")),
    "harm_others_timed": (("harm_others", "now"), (hit("harm_others", flags=("hedged",)), "now")),
    "someone_else_now": (("third_party", "now"), ("third_party",)),
}


def _rule(name: str) -> rules.Rule:
    return next(r for r in RULES if r.name == name)


@pytest.mark.parametrize("name", list(URGENT))
def test_urgent_rule_fires_on_its_combination_only(name: str) -> None:
    fires, misses = URGENT[name]
    rule = _rule(name)
    assert rule.level == Level.URGENT
    fired = rule.fires(found(*fires))
    assert fired is not None and fired.used
    assert rule.fires(found(*misses)) is None


def test_a_suicide_act_with_a_stated_intent_alone_is_urgent() -> None:
    fired = _rule("suicide_act_with_extra").fires(found(hit("method", intent=True)))
    assert fired is not None and fired.detail == "a stated intent"
    assert _rule("suicide_act_with_extra").fires(found("method")) is None


def test_the_urgent_act_names_what_made_it_urgent() -> None:
    decision = decide([hit("suicidal_intent"), hit("timing"), hit("plan")], " ", found().ctx)
    assert decision.level == Level.URGENT
    assert decision.reason == "suicide plan or intent with a time and a decision made"
    assert [h.category for h in decision.used] == ["suicidal_intent", "timing", "plan"]


def test_a_conditional_threat_with_a_weapon_brought_along_is_urgent() -> None:
    threat = hit("harm_others", flags=("hedged", "conditional"))
    assert _rule("harm_others_timed").fires(found(threat, "now", "weapon")) is not None
    assert _rule("harm_others_timed").fires(found(threat, "now")) is None


def test_thoughts_of_dying_denied_right_after_are_not_urgent() -> None:
    text = " i want to die. i wont "
    state = hit("ideation", "want to die", sentence=0)
    state.end = text.index(".")
    ctx = found().ctx
    assert ctx.denial_after.match(text, state.end), "the lexicon's denial cue reads this wording"
    assert _rule("dying_with_means").fires(found(state, "plan", text=text)) is None
    assert _rule("dying_with_means").fires(found(hit("ideation"), "plan", text=" ")) is not None


def test_someone_else_in_danger_now_is_read_from_the_whole_post() -> None:
    ctx = found().ctx
    text = " my friend is overdosing right now "
    assert ctx.third_party_now.search(text), "the lexicon's third_party_now cue reads this wording"
    assert _rule("someone_else_now").fires(found("third_party", text=text)) is not None
