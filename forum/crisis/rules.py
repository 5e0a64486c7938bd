"""How the categories found in a post combine into a level and a moderator-readable reason."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from forum.crisis.detector import Level, _Engine, _Hit

# How far (in sentences) a time word may sit from a suicide phrase and still be "the time set".
_TIME_REACH = 2
_ACTS = ("suicidal_intent", "method")
_STATES = ("ideation", "passive_wish", "hopelessness")
_SUBSTANCES = ("meds", "depressant", "alcohol_or_stimulant")
_EDGE_TIMED = ("track", "rail", "ledge", "vias", "emj_bridge")
# Dangerous relapse talk is concern by definition; the model's urgent head may not raise it (detector.assess).
RELAPSE_REASON = "dangerous relapse talk"


def decide(hits: list[_Hit], text: str, eng: _Engine) -> tuple[Level, str, list[_Hit]]:
    """Combine the standing hits into (level, reason without the quoted phrases, hits that count)."""
    from forum.crisis.detector import Level

    by: dict[str, list[_Hit]] = defaultdict(list)
    for h in hits:
        by[h.category].append(h)

    def has(*cats: str) -> bool:
        return any(by.get(c) for c in cats)

    def pick(*cats: str) -> list[_Hit]:
        return [h for c in cats for h in by.get(c, ())]

    acts = pick(*_ACTS)
    substance = has(*_SUBSTANCES)
    amount_with_drug = has("amount_drug") or (has("amount") and substance)
    # "means": stockpiled, counted out or ready; "weapon": a weapon or drug only named.
    ready = has("means")
    means = ready or amount_with_drug or has("weapon")
    means_hits = pick("means", "weapon", "amount_drug") + (
        pick("amount", *_SUBSTANCES) if has("amount") and substance else []
    )
    farewell_any = has("farewell", "farewell_weak")
    final = has("finality")
    act_sentences = sorted(a.sentence for a in acts)
    near_times = [t for t in by.get("timing", ()) if _within(act_sentences, t.sentence, _TIME_REACH)]

    # Urgent: a suicide act with a time, means, goodbye, plan, stated intent or "now".
    if acts:
        extras: list[tuple[str, list[_Hit]]] = []
        if near_times:
            extras.append(("a time", near_times))
        if means:
            extras.append(("means at hand", means_hits))
        if farewell_any or final:
            extras.append(("a goodbye", pick("farewell", "farewell_weak", "finality")))
        if has("plan"):
            extras.append(("a decision made", pick("plan")))
        if has("in_progress", "overdose_now", "at_edge"):
            extras.append(("something happening now", pick("in_progress", "overdose_now", "at_edge")))
        if has("now") and not any("hedged" in a.flags for a in acts):
            extras.append(("right now", pick("now")))
        intent = [a for a in acts if a.intent]
        if extras or intent:
            what = " and ".join(x[0] for x in extras[:3]) or "a stated intent"
            used = acts + [h for _, hs in extras for h in hs]
            return Level.URGENT, f"suicide plan or intent with {what}", used

    if has("attempt"):
        return Level.URGENT, "an overdose taken on purpose", pick("attempt", "in_progress", "symptom")
    od_signs = (
        "in_progress",
        "symptom",
        "now",
        "timing",
        "not_caring",
        "farewell",
        "farewell_weak",
        "finality",
        *_ACTS,
    )
    if has("overdose_now") and (has(*od_signs) or substance):
        return Level.URGENT, "an overdose taken now", pick("overdose_now", *od_signs, *_SUBSTANCES)
    # A wish not to wake up while taking downers now, with drink, more drugs or "all of it".
    downers_mix = has("depressant", "meds", "intake") and (
        has("alcohol_or_stimulant", "amount", "amount_drug", "intake") or len(by["depressant"]) > 1
    )
    if has(*_STATES) and has("now", "in_progress", "overdose_now") and downers_mix:
        used = pick(*_STATES, "now", "in_progress", "overdose_now", *_SUBSTANCES, "amount", "amount_drug", "intake")
        return Level.URGENT, "taking downers now with a wish not to wake up", used
    edge_signs = ("farewell", "farewell_weak", "finality", "hopeless_weak", *_STATES)
    # A time alone is enough on the tracks or a ledge, not on a roof or by a lake ("the sunset from the roof tonight").
    edge_time = has("timing") and any(w in h.text for h in by["at_edge"] for w in _EDGE_TIMED)
    if has("at_edge") and (means or edge_time or has("now", "in_progress", *edge_signs)):
        used = pick("at_edge", "timing", "now", *edge_signs) + means_hits
        return Level.URGENT, "at a high place or the tracks, with a goodbye, time or means", used
    if has("to_edge") and has(*edge_signs):
        return Level.URGENT, "heading to a high place with a goodbye", pick("to_edge", *edge_signs)
    if has("in_progress") and (means or has("farewell", "farewell_weak", "finality", "hopeless_weak", *_STATES)):
        used = pick("in_progress", "farewell", "farewell_weak", "finality", "hopeless_weak", *_STATES) + means_hits
        return Level.URGENT, "something happening now with means or a goodbye", used
    if ready and has("timing", "now", "plan", "farewell", "farewell_weak", "finality", "intake", "in_progress"):
        used = pick("means", "timing", "now", "plan", "farewell", "farewell_weak", "finality", "intake", "in_progress")
        return Level.URGENT, "means saved up or ready, with a time, plan or goodbye", used
    if has("plan") and means and has("timing", "now"):
        return Level.URGENT, "a plan with means at hand and a time", pick("plan", "timing", "now") + means_hits
    if has("plan") and has("timing", "now") and (farewell_any or final):
        used = pick("plan", "timing", "now", "farewell", "farewell_weak", "finality")
        return Level.URGENT, "a plan and a time with a goodbye", used
    if has("farewell") and (
        means or final or has("plan", "farewell_weak", "timing", *_STATES) or len(by["farewell"]) > 1
    ):
        extra = pick("plan", "farewell_weak", "finality", "timing", *_STATES) + means_hits
        return Level.URGENT, "a goodbye or final message with a plan, time or means", pick("farewell") + extra
    if has("intake") and amount_with_drug and (has("timing", "now", "plan", "finality") or farewell_any):
        used = pick("intake", "amount_drug", "amount", *_SUBSTANCES, "timing", "now", "plan", "finality")
        return Level.URGENT, "a large amount of a drug with a time set", used
    weak_goodbyes = len({h.text for h in by.get("farewell_weak", ())})
    if weak_goodbyes >= 2 and (means or final or has("timing", "plan", *_STATES)):
        used = pick("farewell_weak", "finality", "timing", "plan", *_STATES) + means_hits
        return Level.URGENT, "goodbye words with means at hand", used
    if weak_goodbyes and has("timing") and (final or has("hopeless_weak")):
        used = pick("farewell_weak", "timing", "finality", "hopeless_weak")
        return Level.URGENT, "goodbye words with a time and a final tone", used
    denied = any(eng.denial_after.match(text, h.end) for h in pick(*_STATES))
    if has(*_STATES) and (has("plan", "farewell") or has("means")) and not denied:
        return Level.URGENT, "thoughts of dying with means or a plan", pick(*_STATES, "plan", "farewell", "means")
    if has("self_harm") and has("in_progress"):
        return Level.URGENT, "self-harm happening now", pick("self_harm", "in_progress", "finality")
    if has("harm_others_now"):
        return Level.URGENT, "on the way to harm someone", pick("harm_others_now", "harm_others", "now")
    if has("target_known") and has("weapon", "means") and has("now", "timing", "harm_others"):
        return (
            Level.URGENT,
            "going after someone with a weapon",
            pick("target_known", "weapon", "means", "now", "timing"),
        )
    if has("weapon", "means") and final and (farewell_any or has("now", "in_progress", "at_edge", "timing")):
        used = pick("weapon", "means", "finality", "farewell", "farewell_weak", "now", "in_progress", "at_edge")
        return Level.URGENT, "a weapon or means at hand with a final tone", used
    if has("ambush") and has("weapon", "means"):
        return Level.URGENT, "waiting for someone with a weapon", pick("ambush", "weapon", "means")
    if has("harm_others") and (has("now", "in_progress", "timing") or means):
        hedges = [h.flags for h in by["harm_others"] if "hedged" in h.flags]
        # A conditional threat ("if he shows up tonight i'll ...") with a weapon brought along is not a figure of speech.
        if not hedges or (means and all("conditional" in f for f in hedges)):
            return (
                Level.URGENT,
                "intent to harm someone now",
                pick("harm_others", "now", "in_progress", "timing") + means_hits,
            )
    if has("third_party") and (
        has("now", "in_progress", "timing", "overdose_now", "weapon", "means") or eng.tp_now.search(text)
    ):
        return (
            Level.URGENT,
            "someone else in danger now",
            pick("third_party", "now", "in_progress", "timing", "overdose_now", "weapon", "means"),
        )

    # Concern.
    if acts:
        return Level.CONCERN, "suicidal thoughts, no plan or time", acts
    if has(*_STATES):
        return Level.CONCERN, "thoughts of dying or not wanting to exist", pick(*_STATES)
    if has("self_harm"):
        return Level.CONCERN, "self-harm urges or recent self-harm", pick("self_harm", "self_harm_weak")
    if has("overdose_now"):
        return Level.CONCERN, "a possible overdose", pick("overdose_now")
    if has("farewell"):
        return Level.CONCERN, "a goodbye message", pick("farewell")
    relapse = _relapse(by)
    if relapse:
        return Level.CONCERN, RELAPSE_REASON, relapse
    if has("harm_others") and not any("hedged" in h.flags for h in by["harm_others"]):
        return Level.CONCERN, "talk of harming someone", pick("harm_others")
    if len({h.text for h in by.get("self_harm_weak", ())}) >= 2:
        return Level.CONCERN, "signs of recent self-harm", pick("self_harm_weak")
    if len({h.text for h in by.get("hopeless_weak", ())}) >= 2:
        return Level.CONCERN, "hopelessness", pick("hopeless_weak")
    return Level.NONE, "", []


def _within(ordered: list[int], x: int, reach: int) -> bool:
    """Whether some number in ``ordered`` (sorted) is at most ``reach`` from ``x``."""
    i = bisect_left(ordered, x - reach)
    return i < len(ordered) and ordered[i] <= x + reach


def _relapse(by: dict[str, list[_Hit]]) -> list[_Hit]:
    """Using alone with tolerance gone, or mixing downers with drink or uppers while not caring."""
    alone, tol, dep = by.get("relapse_alone"), by.get("tolerance"), by.get("depressant")
    alc, careless = by.get("alcohol_or_stimulant"), by.get("not_caring")
    amount, old_dose = by.get("amount"), by.get("old_dose")
    if alone and (tol or dep or careless or old_dose or len(alone) > 1):
        return alone + (tol or []) + (dep or []) + (careless or []) + (old_dose or [])
    if dep and careless and (alc or amount or len(dep) > 1):
        return dep + careless + (alc or []) + (amount or [])
    if tol and careless and (dep or alc):
        return tol + careless + (dep or []) + (alc or [])
    if tol and old_dose:
        return tol + old_dose
    return []
