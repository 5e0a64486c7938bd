"""Crisis flagger engine: rates a post none / concern / urgent from the lexicon (lexicon/en.json and es.json).

Importing this module reads nothing. ``load()`` compiles the lexicon and reads the model once per process:
create_app calls it at start, and ``assess`` calls it on first use anywhere else (a CLI, a bench, a test).
"""

from __future__ import annotations

import re
import threading
from typing import NamedTuple

from forum.crisis import model
from forum.crisis.clauses import LONG_WORD, Clauses, Prefiltered
from forum.crisis.explain import explain
from forum.crisis.loader import Expander, read_lexicon
from forum.crisis.matcher import PhraseMatcher
from forum.crisis.normalize import Folded, Normalizer, squeeze
from forum.crisis.rules import decide
from forum.crisis.verdict import Assessment, Hit, Level, Match

__all__ = ["Assessment", "Level", "Match", "assess", "lexicon_version", "load"]

_WORD = re.compile(r"[a-z0-9_]+")
# The longest reason kept: CrisisFlag.reason holds 500 characters.
MAX_REASON = 500
# How many characters before a phrase the wording that makes it a thought, a joke or an intent is read in.
_TAIL = 60
# How many words before a phrase may hold the negator, fillers between ("not really going to ...").
_NEGATION_REACH = 6
# What a category's "reads" in the lexicon may name: the context rules that apply to it.
_READS = frozenset(
    {"context_only", "intent", "thought_when_denied", "past_sensitive", "farewell", "dropped_in_safe_context"}
    | {"third_person", "marks_safe"}
)
# The context regexes, each read from the lexicon entry of the same name; those tried on many windows get a prefilter.
_CUES = ("thought_after", "mention_cues", "third_party_now", "negated_thought", "farewell_safe", "denial_after")
_PREFILTERED_CUES = (
    "thought_before",
    "intent_before",
    "conditional_before",
    "if_before",
    "joke_cues",
    "meta_cues",
    "safe_context",
    "kinda_want",
    "quoted_by_other",
    "voice_says",
    "quoted_by_self",
)


def _word_set(words: list[str]) -> frozenset[str]:
    out = frozenset(squeeze(w) for w in words)
    if any(len(w) > LONG_WORD for w in out):  # Clauses.words_before reads longer words as none
        raise ValueError(f"lexicon context words must be at most {LONG_WORD} characters")
    return out


class _Engine:
    """The compiled lexicon: the phrase matcher, each category's context rules and the context word lists."""

    def __init__(self, lexicon: dict) -> None:
        self.version = str(lexicon["version"])
        self.normalizer = Normalizer(lexicon["normalize"])
        expand = Expander(lexicon["macros"])
        self.groups = {name: tuple(cats) for name, cats in lexicon["groups"].items()}
        self._read_categories(lexicon["categories"], expand)
        self._read_context(lexicon["context"], expand)

    def _read_categories(self, categories: dict, expand: Expander) -> None:
        self.categories: list[str] = list(categories)
        self.labels = {name: spec["label"] for name, spec in categories.items()}
        self.levels = {name: Level(spec["level"]) for name, spec in categories.items()}
        self.public = {name: spec.get("public", name) for name, spec in categories.items()}
        reads = {name: frozenset(spec.get("reads", ())) for name, spec in categories.items()}
        unknown = set().union(*reads.values()) - _READS
        if unknown:
            raise ValueError(f"lexicon categories read unknown context rules: {sorted(unknown)}")

        def reading(rule: str) -> frozenset[str]:
            return frozenset(name for name, names in reads.items() if rule in names)

        self.context_only, self.intents = reading("context_only"), reading("intent")
        self.thought_on_denial, self.past_sensitive = reading("thought_when_denied"), reading("past_sensitive")
        self.farewells, self.safe_context_drops = reading("farewell"), reading("dropped_in_safe_context")
        self.converts, self.marks_safe = reading("third_person"), reading("marks_safe")
        patterns = [(name, expand.pattern(p)) for name, spec in categories.items() for p in spec["patterns"]]
        self.matcher = PhraseMatcher(patterns)

    def _read_context(self, ctx: dict, expand: Expander) -> None:
        self.negators = _word_set(ctx["negators"])
        self.fillers = _word_set(ctx["negation_fillers"])
        self.breakers = _word_set(ctx["negation_breakers"])
        self.first_person = _word_set(ctx["first_person"])
        self.third_person = _word_set(ctx["third_person"])
        self.not_subject = _word_set(ctx["not_subject"])
        self.edge_timed = tuple(squeeze(w) for w in ctx["edge_timed"])
        self.intent_openings = tuple(squeeze(w) for w in ctx["intent_openings"])
        self.past = re.compile(r"\b(?:" + "|".join(expand.pattern(p) for p in ctx["past_markers"]) + r")\b")
        self.recent = re.compile(r"\b(?:" + "|".join(expand.pattern(p) for p in ctx["recent_markers"]) + r")\b")
        for name in _CUES:
            setattr(self, name, re.compile(expand.cue(ctx[name])))
        for name in _PREFILTERED_CUES:
            setattr(self, name, Prefiltered(re.compile(expand.cue(ctx[name]))))

    def hits(self, text: str) -> tuple[list[Hit], bool]:
        """Find every lexicon phrase in folded text and keep those the context rules let stand.

        Also says whether the rules set a phrase aside as safe (an idiom, negated, past, quoted, news or helping):
        then the text has been read as safe on purpose, and the model's second opinion must not overrule that.
        """
        return self.read(Clauses(text))

    def read(self, clauses: Clauses) -> tuple[list[Hit], bool]:
        """``hits`` on a post already split into clauses (which count the work done)."""
        text = clauses.text
        kept: list[Hit] = []
        set_aside = False
        for cat, s, e in self.matcher.find(text):
            if cat in self.marks_safe:
                set_aside = True
                continue
            si = clauses.index(s)
            hit = Hit(cat, s, e, text[s:e], si)
            if self._negated(clauses, si, s):
                # "i'd never do it, but the thought shows up every day": the act is denied, the thinking is not.
                if cat in self.thought_on_denial and self.negated_thought.match(text, e, e + 160):
                    hit.category = "ideation"
                    kept.append(hit)
                    continue
                set_aside = True
                continue
            if cat in self.past_sensitive and not clauses.in_clause(si, self.recent):
                # The phrase itself may read as past ("the same amount i used to"): look either side of it.
                if clauses.past_before(si, s, self.past) or clauses.past_after(si, e, self.past):
                    continue
            if cat not in self.context_only and not self._stands(hit, clauses):
                set_aside = True
                continue
            kept.append(hit)
        return kept, set_aside

    def _negated(self, clauses: Clauses, si: int, pos: int) -> bool:
        end = pos
        for _ in range(_NEGATION_REACH):
            w, end = clauses.word_before(si, end)
            if end < 0:
                return False
            if w in self.negators:
                for _ in range(2):  # the two words before the negator: "trying not to" is no denial
                    p, end = clauses.word_before(si, end)
                    if end < 0:
                        break
                    if p in self.breakers:
                        return False
                return True
            if w not in self.fillers:
                return False
        return False

    def _stands(self, hit: Hit, clauses: Clauses) -> bool:
        """Apply the clause-level rules: quotes, talk about words, past events, third parties."""
        text, si = clauses.text, hit.sentence
        if clauses.in_clause(si, self.meta_cues):
            return False
        tail = clauses.tail(si, hit.start, _TAIL)
        if hit.category in self.intents and clauses.tail_has(self.voice_says, tail):
            hit.category = "ideation"  # "the voice that says k1ll yourself": heard, not intended
            return True
        quotes, opening = clauses.quotes_before(si, hit.start)
        if quotes % 2 == 1:
            # Someone else's message quoted ("she just texted 'thanks for everything'") is about them, not the writer.
            if clauses.ends_before(si, opening, self.quoted_by_other):
                hit.category = "third_party"
                return True
            # The writer's own message quoted ("i texted my mom 'sorry for everything'") is still theirs.
            if not clauses.ends_before(si, opening, self.quoted_by_self) and clauses.in_text(self.mention_cues):
                return False
        if hit.category in self.farewells and clauses.in_text(self.farewell_safe):
            return False
        if clauses.in_clause(si, self.past) and not clauses.in_clause(si, self.recent):
            return False
        if hit.category in self.converts and not set(_WORD.findall(hit.text)) & self.first_person:
            if clauses.last_person(si, hit.start, self.first_person, self.third_person, self.not_subject) == "third":
                hit.category = "third_party"
        if hit.category in self.safe_context_drops and clauses.in_clause(si, self.safe_context):
            if not clauses.clause_words(si) & self.first_person:
                return False
        if hit.category in self.intents:
            thought = (
                self.thought_after.match(text, hit.end)
                or clauses.tail_has(self.thought_before, tail)
                or clauses.tail_has(self.kinda_want, tail)
            )
            if hit.category != "harm_others" and (thought or self.denial_after.match(text, hit.end)):
                # A thought, or an act denied right after ("i want to k1ll myself. i won't"): ideation.
                hit.category = "ideation"
            elif clauses.in_clause(si, self.joke_cues):
                hit.flags.add("hedged")
            elif clauses.tail_has(self.conditional_before, tail):
                hit.flags.add("hedged")
                if clauses.tail_has(
                    self.if_before, tail
                ):  # "if he shows up i'll ...": a threat, not a figure of speech
                    hit.flags.add("conditional")
            elif clauses.tail_has(self.intent_before, tail) or hit.text.startswith(self.intent_openings):
                hit.intent = True
        return True


_lock = threading.Lock()
_loaded: list[_Engine] = []  # the compiled lexicon, once loaded


def load() -> _Engine:
    """Compile the lexicon and read the model, once per process; later calls return the same engine at once.

    create_app calls it, so a post's first assessment (inside its database transaction) never pays for it.
    """
    if not _loaded:
        with _lock:
            if not _loaded:
                engine = _Engine(read_lexicon())
                model.load()
                _loaded.append(engine)
    return _loaded[0]


_engine = load  # the name the tests and benches use


def lexicon_version() -> str:
    """The version string of the loaded lexicon."""
    return load().version


class RulesReading(NamedTuple):
    """What the rules alone say about a folded post, before the model reads it."""

    folded: str
    level: Level
    matches: tuple[Match, ...]
    reason: str  # the rules' reason with the phrases they used, without the level
    set_aside: bool  # a phrase was read as safe on purpose (negated, past, quoted, an idiom...)
    may_raise: bool  # the rule that decided lets the model raise a concern to urgent
    always_urgent: bool  # a phrase of a category the lexicon rates urgent on its own: the model never lowers it


def read_rules(text: str) -> RulesReading:
    """The rules' reading of a post (bench/crisis_lowo.py combines it with fold models as ``assess`` does)."""
    eng = load()
    folded = eng.normalizer.fold(text or "")
    hits, set_aside = eng.hits(folded.text)
    decision = decide(hits, folded.text, eng) if hits else None
    if decision is None or decision.level == Level.NONE:
        return RulesReading(folded.text, Level.NONE, (), "", set_aside, True, False)
    shown = _display_words(folded, eng)
    matches = tuple(
        Match(_display(h.text, shown), eng.public.get(h.category, h.category), eng.levels.get(h.category, Level.NONE))
        for h in decision.used
    )
    quoted = ", ".join(f'"{m.phrase}"' for m in matches[:4])
    always = any(m.level == Level.URGENT for m in matches)
    return RulesReading(
        folded.text,
        decision.level,
        matches,
        f"{decision.reason} ({quoted})",
        set_aside,
        decision.model_may_raise,
        always,
    )


def combine(rules: RulesReading, op: model.Opinion | None) -> Level:
    """The level of a post from the rules' reading and the model's opinion (None: the model is not asked).

    The model raises a post the rules pass over (unless they set a phrase aside as safe on purpose) and a rules
    concern to urgent; where it reads the post as safe it lowers a rules hit one step, never one with a phrase the
    lexicon rates urgent on its own.
    """
    if op is None:
        return rules.level
    if rules.level == Level.NONE:
        if rules.set_aside or not op.needs_attention:
            return Level.NONE
        return Level.URGENT if op.is_urgent_alone else Level.CONCERN
    if op.reads_safe and not rules.always_urgent:
        return Level.CONCERN if rules.level == Level.URGENT else Level.NONE
    if rules.level == Level.CONCERN and rules.may_raise and op.is_urgent:
        return Level.URGENT
    return rules.level


def assess(text: str, *, use_model: bool = True, reader: model.Model | None = None) -> Assessment:
    """Rate one post. Pure function of the text, the shipped lexicon and, unless ``use_model`` is off, the model.

    ``reader`` replaces the shipped model (bench/crisis_lowo.py scores each writer with a model trained without them).
    """
    a = _assess(text, use_model, reader)
    return a if len(a.reason) <= MAX_REASON else Assessment(a.level, a.matches, a.reason[: MAX_REASON - 1] + "…")


def _assess(text: str, use_model: bool, reader: model.Model | None) -> Assessment:
    rules = read_rules(text)
    if not use_model or (rules.level == Level.NONE and rules.set_aside):
        return _rules_only(rules)
    reader = reader or model.load()
    op = reader.opinion(rules.folded)
    level = combine(rules, op)
    if level == rules.level == Level.NONE:
        return Assessment(Level.NONE)
    if rules.level == Level.NONE:
        return _model_only(level, op, reader.signals(rules.folded, towards_risk=True))
    if level == rules.level:
        return _rules_only(rules)
    if level > rules.level:
        signals = _said(reader.signals(rules.folded, towards_risk=True))
        return Assessment(
            level,
            (*rules.matches, _MODEL_URGENT),
            f"Urgent: {rules.reason}; the model also read it as needing a moderator at once"
            f" (urgent score {op.urgent:.2f}; strongest signals {signals})",
        )
    signals = _said(reader.signals(rules.folded, towards_risk=False))
    lowered = (
        f"{rules.level.value.capitalize()} by the phrases, lowered to {level.value}: {rules.reason}; the model read it"
        f" as safe (false-alarm score {op.false_alarm:.2f}; strongest signals {signals})"
    )
    return Assessment(level, (*rules.matches, _MODEL_SAFE) if level != Level.NONE else (), lowered)


def _rules_only(rules: RulesReading) -> Assessment:
    if rules.level == Level.NONE:
        return Assessment(Level.NONE)
    return Assessment(rules.level, rules.matches, f"{rules.level.value.capitalize()}: {rules.reason}")


_MODEL_CONCERN = Match("wording like posts that needed support", "model", Level.CONCERN)
_MODEL_URGENT = Match("wording like posts that needed support at once", "model", Level.URGENT)
_MODEL_SAFE = Match("wording like posts that were safe", "model", Level.NONE)


def _said(signals: list[str]) -> str:
    return explain(signals)


def _model_only(level: Level, op: model.Opinion, signals: list[str]) -> Assessment:
    if level == Level.URGENT:
        return Assessment(
            Level.URGENT,
            (_MODEL_URGENT,),
            "Urgent: no listed phrase, but the wording resembles posts that needed a moderator at once"
            f" (scores {op.attention:.2f}, {op.urgent:.2f}; strongest signals {_said(signals)})",
        )
    return Assessment(
        Level.CONCERN,
        (_MODEL_CONCERN,),
        "Concern: no listed phrase, but the wording resembles posts that needed support"
        f" (score {op.attention:.2f}; strongest signals {_said(signals)})",
    )


def _display_words(folded: Folded, eng: _Engine) -> dict[str, str]:
    # Squeezing only shortens words, so the readable and squeezed copies line up word for word.
    words: dict[str, str] = {}
    for shown, key in zip(folded.readable.split(), folded.text.split(), strict=True):
        words.setdefault(key, eng.normalizer.emoji_names.get(shown, shown))
    return words


def _display(phrase: str, shown: dict[str, str]) -> str:
    return " ".join(shown.get(w, w) for w in phrase.split())
