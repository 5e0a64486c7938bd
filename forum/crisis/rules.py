"""How the categories found in a post combine into a level: a table of named rules, the first that fires decides.

Each rule is a small function of the post's standing hits (``Found``) that returns the hits it used, or None.
Which categories exist, their levels and the groups the rules read together (act, state, substance) come from the
lexicon; the rules say only how categories combine.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple, Protocol

from forum.crisis.verdict import Hit, Level

# How far (in sentences) a time word may sit from a suicide phrase and still be "the time set".
_TIME_REACH = 2
_GOODBYES = ("farewell", "farewell_weak", "finality")


class Context(Protocol):
    """What the rules read from the compiled lexicon besides the hits."""

    groups: dict[str, tuple[str, ...]]
    edge_timed: tuple[str, ...]
    denial_after: re.Pattern[str]
    third_party_now: re.Pattern[str]


class Found:
    """One post's standing hits by category, and the combinations several rules read."""

    def __init__(self, hits: list[Hit], text: str, ctx: Context) -> None:
        self.by: dict[str, list[Hit]] = defaultdict(list)
        for h in hits:
            self.by[h.category].append(h)
        self.text = text
        self.ctx = ctx
        self.act_cats = ctx.groups["act"]
        self.state_cats = ctx.groups["state"]
        self.substance_cats = ctx.groups["substance"]

    def has(self, *cats: str) -> bool:
        return any(self.by.get(c) for c in cats)

    def pick(self, *cats: str) -> list[Hit]:
        return [h for c in cats for h in self.by.get(c, ())]

    def count(self, cat: str) -> int:
        return len(self.by.get(cat, ()))

    def distinct(self, cat: str) -> int:
        """How many different phrases of ``cat`` the post holds."""
        return len({h.text for h in self.by.get(cat, ())})

    @cached_property
    def acts(self) -> list[Hit]:
        return self.pick(*self.act_cats)

    @cached_property
    def substance(self) -> bool:
        return self.has(*self.substance_cats)

    @cached_property
    def amount_with_drug(self) -> bool:
        return self.has("amount_drug") or (self.has("amount") and self.substance)

    @cached_property
    def means(self) -> bool:
        """Means stockpiled, counted out or ready, or a weapon or drug only named."""
        return self.has("means") or self.amount_with_drug or self.has("weapon")

    @cached_property
    def means_hits(self) -> list[Hit]:
        amounts = self.pick("amount", *self.substance_cats) if self.has("amount") and self.substance else []
        return self.pick("means", "weapon", "amount_drug") + amounts

    @cached_property
    def goodbye(self) -> bool:
        return self.has("farewell", "farewell_weak")

    @cached_property
    def final(self) -> bool:
        return self.has("finality")

    @cached_property
    def states(self) -> bool:
        return self.has(*self.state_cats)


class Fired(NamedTuple):
    """The hits a rule used, and for a rule whose reason names what it found, that detail."""

    used: list[Hit]
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Rule:
    """One named way the categories of a post make it urgent or a concern."""

    name: str
    level: Level
    reason: str  # "{detail}" is replaced by the detail the rule fired with
    fires: Callable[[Found], Fired | None]
    model_may_raise: bool = True  # whether the model's urgent head may raise a concern from this rule


class Decision(NamedTuple):
    level: Level
    reason: str
    used: list[Hit]
    model_may_raise: bool


def decide(hits: list[Hit], text: str, ctx: Context) -> Decision:
    """The first rule of RULES that fires on the standing hits: (level, reason without phrases, hits that count)."""
    found = Found(hits, text, ctx)
    for rule in RULES:
        fired = rule.fires(found)
        if fired is not None:
            return Decision(rule.level, rule.reason.format(detail=fired.detail), fired.used, rule.model_may_raise)
    return Decision(Level.NONE, "", [], True)


def _within(ordered: list[int], x: int, reach: int) -> bool:
    """Whether some number in ``ordered`` (sorted) is at most ``reach`` from ``x``."""
    i = bisect_left(ordered, x - reach)
    return i < len(ordered) and ordered[i] <= x + reach


def _used(condition: bool, f: Found, *cats: str, extra: list[Hit] | None = None) -> Fired | None:
    """Fired with the hits of ``cats`` (and ``extra``) when ``condition`` holds."""
    return Fired(f.pick(*cats) + (extra or [])) if condition else None


def suicide_act_with_extra(f: Found) -> Fired | None:
    """A suicide act with a time, means, goodbye, plan, stated intent or "now"."""
    if not f.acts:
        return None
    act_sentences = sorted(a.sentence for a in f.acts)
    near_times = [t for t in f.by.get("timing", ()) if _within(act_sentences, t.sentence, _TIME_REACH)]
    extras: list[tuple[str, list[Hit]]] = []
    if near_times:
        extras.append(("a time", near_times))
    if f.means:
        extras.append(("means at hand", f.means_hits))
    if f.goodbye or f.final:
        extras.append(("a goodbye", f.pick(*_GOODBYES)))
    if f.has("plan"):
        extras.append(("a decision made", f.pick("plan")))
    if f.has("in_progress", "overdose_now", "at_edge"):
        extras.append(("something happening now", f.pick("in_progress", "overdose_now", "at_edge")))
    if f.has("now") and not any("hedged" in a.flags for a in f.acts):
        extras.append(("right now", f.pick("now")))
    if not extras and not any(a.intent for a in f.acts):
        return None
    what = " and ".join(x[0] for x in extras[:3]) or "a stated intent"
    return Fired(f.acts + [h for _, hs in extras for h in hs], what)


def attempt(f: Found) -> Fired | None:
    return _used(f.has("attempt"), f, "attempt", "in_progress", "symptom")


def overdose_with_signs(f: Found) -> Fired | None:
    signs = ("in_progress", "symptom", "now", "timing", "not_caring", *_GOODBYES, *f.act_cats)
    fires = f.has("overdose_now") and (f.has(*signs) or f.substance)
    return _used(fires, f, "overdose_now", *signs, *f.substance_cats)


def downers_now_with_wish(f: Found) -> Fired | None:
    """A wish not to wake up while taking downers now, with drink, more drugs or "all of it"."""
    downers_mix = f.has("depressant", "meds", "intake") and (
        f.has("alcohol_or_stimulant", "amount", "amount_drug", "intake") or f.count("depressant") > 1
    )
    fires = f.states and f.has("now", "in_progress", "overdose_now") and downers_mix
    now = ("now", "in_progress", "overdose_now")
    return _used(fires, f, *f.state_cats, *now, *f.substance_cats, "amount", "amount_drug", "intake")


def at_edge(f: Found) -> Fired | None:
    """At a high place or the tracks; a time alone counts on the tracks or a ledge, not on a roof or by a lake."""
    signs = ("farewell", "farewell_weak", "finality", "hopeless_weak", *f.state_cats)
    edge_time = f.has("timing") and any(w in h.text for h in f.by.get("at_edge", ()) for w in f.ctx.edge_timed)
    fires = f.has("at_edge") and (f.means or edge_time or f.has("now", "in_progress", *signs))
    return _used(fires, f, "at_edge", "timing", "now", *signs, extra=f.means_hits)


def to_edge(f: Found) -> Fired | None:
    signs = ("farewell", "farewell_weak", "finality", "hopeless_weak", *f.state_cats)
    return _used(f.has("to_edge") and f.has(*signs), f, "to_edge", *signs)


def in_progress_with_means(f: Found) -> Fired | None:
    signs = ("farewell", "farewell_weak", "finality", "hopeless_weak", *f.state_cats)
    fires = f.has("in_progress") and (f.means or f.has(*signs))
    return _used(fires, f, "in_progress", *signs, extra=f.means_hits)


def means_ready(f: Found) -> Fired | None:
    signs = ("timing", "now", "plan", *_GOODBYES, "intake", "in_progress")
    return _used(f.has("means") and f.has(*signs), f, "means", *signs)


def plan_means_time(f: Found) -> Fired | None:
    fires = f.has("plan") and f.means and f.has("timing", "now")
    return _used(fires, f, "plan", "timing", "now", extra=f.means_hits)


def plan_time_goodbye(f: Found) -> Fired | None:
    fires = f.has("plan") and f.has("timing", "now") and (f.goodbye or f.final)
    return _used(fires, f, "plan", "timing", "now", *_GOODBYES)


def farewell_with_more(f: Found) -> Fired | None:
    more = f.means or f.final or f.has("plan", "farewell_weak", "timing", *f.state_cats) or f.count("farewell") > 1
    extra = f.pick("plan", "farewell_weak", "finality", "timing", *f.state_cats) + f.means_hits
    return _used(f.has("farewell") and more, f, "farewell", extra=extra)


def large_amount_timed(f: Found) -> Fired | None:
    fires = f.has("intake") and f.amount_with_drug and (f.has("timing", "now", "plan", "finality") or f.goodbye)
    return _used(fires, f, "intake", "amount_drug", "amount", *f.substance_cats, "timing", "now", "plan", "finality")


def goodbyes_with_means(f: Found) -> Fired | None:
    fires = f.distinct("farewell_weak") >= 2 and (f.means or f.final or f.has("timing", "plan", *f.state_cats))
    return _used(fires, f, "farewell_weak", "finality", "timing", "plan", *f.state_cats, extra=f.means_hits)


def goodbyes_timed_final(f: Found) -> Fired | None:
    fires = f.distinct("farewell_weak") and f.has("timing") and (f.final or f.has("hopeless_weak"))
    return _used(bool(fires), f, "farewell_weak", "timing", "finality", "hopeless_weak")


def dying_with_means(f: Found) -> Fired | None:
    """Thoughts of dying with means or a plan, unless the thought is denied right after it."""
    if not (f.states and (f.has("plan", "farewell") or f.has("means"))):
        return None
    if any(f.ctx.denial_after.match(f.text, h.end) for h in f.pick(*f.state_cats)):
        return None
    return Fired(f.pick(*f.state_cats, "plan", "farewell", "means"))


def self_harm_now(f: Found) -> Fired | None:
    return _used(f.has("self_harm") and f.has("in_progress"), f, "self_harm", "in_progress", "finality")


def harm_others_now(f: Found) -> Fired | None:
    return _used(f.has("harm_others_now"), f, "harm_others_now", "harm_others", "now")


def target_with_weapon(f: Found) -> Fired | None:
    fires = f.has("target_known") and f.has("weapon", "means") and f.has("now", "timing", "harm_others")
    return _used(fires, f, "target_known", "weapon", "means", "now", "timing")


def weapon_final(f: Found) -> Fired | None:
    fires = f.has("weapon", "means") and f.final and (f.goodbye or f.has("now", "in_progress", "at_edge", "timing"))
    return _used(fires, f, "weapon", "means", "finality", "farewell", "farewell_weak", "now", "in_progress", "at_edge")


def ambush(f: Found) -> Fired | None:
    return _used(f.has("ambush") and f.has("weapon", "means"), f, "ambush", "weapon", "means")


def harm_others_timed(f: Found) -> Fired | None:
    """Harm to someone with a time or means; a hedge sets it aside unless it is a conditional threat with means."""
    if not (f.has("harm_others") and (f.has("now", "in_progress", "timing") or f.means)):
        return None
    hedges = [h.flags for h in f.by["harm_others"] if "hedged" in h.flags]
    # A conditional threat ("if he shows up tonight i'll ...") with a weapon brought along is not a figure of speech.
    if hedges and not (f.means and all("conditional" in flags for flags in hedges)):
        return None
    return Fired(f.pick("harm_others", "now", "in_progress", "timing") + f.means_hits)


def someone_else_now(f: Found) -> Fired | None:
    signs = ("now", "in_progress", "timing", "overdose_now", "weapon", "means")
    fires = f.has("third_party") and (f.has(*signs) or bool(f.ctx.third_party_now.search(f.text)))
    return _used(fires, f, "third_party", *signs)


def suicidal_thoughts(f: Found) -> Fired | None:
    return Fired(f.acts) if f.acts else None


def dying_thoughts(f: Found) -> Fired | None:
    return _used(f.states, f, *f.state_cats)


def self_harm(f: Found) -> Fired | None:
    return _used(f.has("self_harm"), f, "self_harm", "self_harm_weak")


def possible_overdose(f: Found) -> Fired | None:
    return _used(f.has("overdose_now"), f, "overdose_now")


def goodbye(f: Found) -> Fired | None:
    return _used(f.has("farewell"), f, "farewell")


def dangerous_relapse(f: Found) -> Fired | None:
    """Using alone with tolerance gone, or mixing downers with drink or uppers while not caring."""
    alone, tol, dep = f.by.get("relapse_alone"), f.by.get("tolerance"), f.by.get("depressant")
    alc, careless = f.by.get("alcohol_or_stimulant"), f.by.get("not_caring")
    amount, old_dose = f.by.get("amount"), f.by.get("old_dose")
    if alone and (tol or dep or careless or old_dose or len(alone) > 1):
        return Fired(alone + (tol or []) + (dep or []) + (careless or []) + (old_dose or []))
    if dep and careless and (alc or amount or len(dep) > 1):
        return Fired(dep + careless + (alc or []) + (amount or []))
    if tol and careless and (dep or alc):
        return Fired(tol + careless + (dep or []) + (alc or []))
    if tol and old_dose:
        return Fired(tol + old_dose)
    return None


def harm_talk(f: Found) -> Fired | None:
    fires = f.has("harm_others") and not any("hedged" in h.flags for h in f.by["harm_others"])
    return _used(fires, f, "harm_others")


def self_harm_signs(f: Found) -> Fired | None:
    return _used(f.distinct("self_harm_weak") >= 2, f, "self_harm_weak")


def hopelessness(f: Found) -> Fired | None:
    return _used(f.distinct("hopeless_weak") >= 2, f, "hopeless_weak")


U, C = Level.URGENT, Level.CONCERN
RULES: tuple[Rule, ...] = (
    Rule("suicide_act_with_extra", U, "suicide plan or intent with {detail}", suicide_act_with_extra),
    Rule("attempt", U, "an overdose taken on purpose", attempt),
    Rule("overdose_with_signs", U, "an overdose taken now", overdose_with_signs),
    Rule("downers_now_with_wish", U, "taking downers now with a wish not to wake up", downers_now_with_wish),
    Rule("at_edge", U, "at a high place or the tracks, with a goodbye, time or means", at_edge),
    Rule("to_edge", U, "heading to a high place with a goodbye", to_edge),
    Rule("in_progress_with_means", U, "something happening now with means or a goodbye", in_progress_with_means),
    Rule("means_ready", U, "means saved up or ready, with a time, plan or goodbye", means_ready),
    Rule("plan_means_time", U, "a plan with means at hand and a time", plan_means_time),
    Rule("plan_time_goodbye", U, "a plan and a time with a goodbye", plan_time_goodbye),
    Rule("farewell_with_more", U, "a goodbye or final message with a plan, time or means", farewell_with_more),
    Rule("large_amount_timed", U, "a large amount of a drug with a time set", large_amount_timed),
    Rule("goodbyes_with_means", U, "goodbye words with means at hand", goodbyes_with_means),
    Rule("goodbyes_timed_final", U, "goodbye words with a time and a final tone", goodbyes_timed_final),
    Rule("dying_with_means", U, "thoughts of dying with means or a plan", dying_with_means),
    Rule("self_harm_now", U, "self-harm happening now", self_harm_now),
    Rule("harm_others_now", U, "on the way to harm someone", harm_others_now),
    Rule("target_with_weapon", U, "going after someone with a weapon", target_with_weapon),
    Rule("weapon_final", U, "a weapon or means at hand with a final tone", weapon_final),
    Rule("ambush", U, "waiting for someone with a weapon", ambush),
    Rule("harm_others_timed", U, "intent to harm someone now", harm_others_timed),
    Rule("someone_else_now", U, "someone else in danger now", someone_else_now),
    Rule("suicidal_thoughts", C, "suicidal thoughts, no plan or time", suicidal_thoughts),
    Rule("dying_thoughts", C, "thoughts of dying or not wanting to exist", dying_thoughts),
    Rule("self_harm", C, "self-harm urges or recent self-harm", self_harm),
    Rule("possible_overdose", C, "a possible overdose", possible_overdose),
    Rule("goodbye", C, "a goodbye message", goodbye),
    # Dangerous relapse talk is concern by definition: the model's urgent head may not raise it.
    Rule("dangerous_relapse", C, "dangerous relapse talk", dangerous_relapse, model_may_raise=False),
    Rule("harm_talk", C, "talk of harming someone", harm_talk),
    Rule("self_harm_signs", C, "signs of recent self-harm", self_harm_signs),
    Rule("hopelessness", C, "hopelessness", hopelessness),
)
