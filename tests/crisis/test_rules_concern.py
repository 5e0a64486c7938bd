"""Each concern rule of forum/crisis/rules.py fires on its categories, and the engine takes the first rule that fires."""

from __future__ import annotations

import pytest

from forum.crisis.rules import RULES, decide
from forum.crisis.verdict import Level
from tests.crisis.rulekit import found, hit
from tests.crisis.test_rules_urgent import URGENT

# rule name -> (hits that make it fire, hits one step short of it)
CONCERN = {
    "suicidal_thoughts": (("method",), ("ideation",)),
    "dying_thoughts": (("passive_wish",), ("hopeless_weak",)),
    "self_harm": (("self_harm",), ("self_harm_weak",)),
    "possible_overdose": (("overdose_now",), ("symptom",)),
    "goodbye": (("farewell",), ("farewell_weak",)),
    "dangerous_relapse": (("relapse_alone", "tolerance"), ("relapse_alone",)),
    "harm_talk": (("harm_others",), (hit("harm_others", flags=("hedged",)),)),
    "self_harm_signs": (
        (hit("self_harm_weak", "scars"), hit("self_harm_weak", "long sleeves")),
        (hit("self_harm_weak", "scars"), hit("self_harm_weak", "scars")),
    ),
    "hopelessness": (
        (hit("hopeless_weak", "whats the point"), hit("hopeless_weak", "so tired")),
        (hit("hopeless_weak", "so tired"), hit("hopeless_weak", "so tired")),
    ),
}


@pytest.mark.parametrize("name", list(CONCERN))
def test_concern_rule_fires_on_its_combination_only(name: str) -> None:
    fires, misses = CONCERN[name]
    rule = next(r for r in RULES if r.name == name)
    assert rule.level == Level.CONCERN
    fired = rule.fires(found(*fires))
    assert fired is not None and fired.used
    assert rule.fires(found(*misses)) is None


@pytest.mark.parametrize(
    "hits",
    [
        ("depressant", "not_caring", "alcohol_or_stimulant"),
        ("depressant", "not_caring", "amount"),
        ("tolerance", "not_caring", "depressant"),
        ("tolerance", "old_dose"),
        ("relapse_alone", "not_caring"),
    ],
)
def test_each_kind_of_dangerous_relapse_talk_is_a_concern(hits: tuple[str, ...]) -> None:
    decision = decide([hit(c) for c in hits], " ", found().ctx)
    assert (decision.level, decision.reason) == (Level.CONCERN, "dangerous relapse talk")
    # Concern by definition: the model's urgent head may not raise it.
    assert not decision.model_may_raise


def test_every_rule_has_its_own_case_and_names_are_unique() -> None:
    names = [r.name for r in RULES]
    assert len(names) == len(set(names))
    assert set(names) == set(URGENT) | set(CONCERN)
    # Urgent rules come first: the engine stops at the first rule that fires.
    levels = [r.level for r in RULES]
    assert levels == sorted(levels, reverse=True)


def test_the_first_rule_that_fires_decides() -> None:
    # A goodbye with means fires "farewell_with_more" (urgent) before the "goodbye" concern rule.
    decision = decide([hit("farewell"), hit("weapon")], " ", found().ctx)
    assert (decision.level, decision.reason) == (Level.URGENT, "a goodbye or final message with a plan, time or means")
    assert decision.model_may_raise


def test_context_alone_decides_nothing() -> None:
    decision = decide([hit("timing"), hit("now"), hit("meds")], " ", found().ctx)
    assert decision == (Level.NONE, "", [], True)
