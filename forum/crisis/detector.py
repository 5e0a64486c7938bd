"""Crisis flagger engine: rates a post none / concern / urgent from the lexicon in lexicon.json."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from forum.crisis import model
from forum.crisis.clauses import LONG_WORD, Clauses, Prefiltered
from forum.crisis.matcher import PhraseMatcher
from forum.crisis.normalize import Folded, Normalizer, squeeze, squeeze_pattern

LEXICON_PATH = Path(__file__).with_name("lexicon.json")
_MACRO = re.compile(r"\{([A-Z][A-Z_]*)\}")
_WORD = re.compile(r"[a-z0-9_]+")
# How many characters before a phrase the wording that makes it a thought, a joke or an intent is read in.
_TAIL = 60
# How many words before a phrase may hold the negator, fillers between ("not really going to ...").
_NEGATION_REACH = 6
# Categories that only add context; alone they never flag and are not "risk" for the context rules.
_CONTEXT_ONLY = frozenset(
    {
        "safe",
        "timing",
        "now",
        "meds",
        "depressant",
        "alcohol_or_stimulant",
        "amount",
        "amount_drug",
        "intake",
        "symptom",
    }
    | {"ambush", "old_dose", "target_known"}
)
# Acts and threats whose wording before or after can make them a thought, a joke or a stated intent.
_INTENTS = frozenset({"suicidal_intent", "method", "harm_others"})
# A denied act that still counts as suicidal thinking when the thought itself is said to persist.
_THOUGHT_ON_DENIAL = frozenset({"suicidal_intent", "ideation", "method"})
# Context-only categories that a past-tense clause still sets aside ("in 2017 i used the same amount i used to").
_PAST_SENSITIVE = frozenset({"old_dose"})
# Goodbye words that an innocent reason nearby ("step 9 amends", "a retreat with no wifi") sets aside.
_FAREWELLS = frozenset({"farewell", "farewell_weak", "finality"})
# Categories dropped in a clause that talks about news, research, hotlines or helping someone, unless it says "I".
_SAFE_CONTEXT_DROPS = frozenset(
    {"ideation", "suicidal_intent", "method", "overdose_now", "self_harm", "third_party", "at_edge", "to_edge"}
    | {"in_progress", "passive_wish", "hopelessness", "attempt"}
)


class Level(str, Enum):
    """How soon a moderator needs to look at a post."""

    NONE = "none"
    CONCERN = "concern"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        """0, 1 or 2, so levels compare by severity."""
        return _RANK[self]

    def __lt__(self, other: object) -> bool:
        if isinstance(other, Level):
            return self.rank < other.rank
        return NotImplemented

    def __le__(self, other: object) -> bool:
        if isinstance(other, Level):
            return self.rank <= other.rank
        return NotImplemented

    def __gt__(self, other: object) -> bool:
        if isinstance(other, Level):
            return self.rank > other.rank
        return NotImplemented

    def __ge__(self, other: object) -> bool:
        if isinstance(other, Level):
            return self.rank >= other.rank
        return NotImplemented


_RANK = {Level.NONE: 0, Level.CONCERN: 1, Level.URGENT: 2}


@dataclass(frozen=True, slots=True)
class Match:
    """One phrase that counted towards the assessment."""

    phrase: str
    category: str
    level: Level


@dataclass(frozen=True, slots=True)
class Assessment:
    """The flagger's verdict on one post."""

    level: Level
    matches: tuple[Match, ...] = ()
    reason: str = ""

    @property
    def is_flagged(self) -> bool:
        """True when a moderator should look at the post."""
        return self.level != Level.NONE


@dataclass(slots=True)
class _Hit:
    category: str
    start: int
    end: int
    text: str
    sentence: int
    intent: bool = False
    flags: set[str] = field(default_factory=set)


def _word_set(words: list[str]) -> frozenset[str]:
    out = frozenset(squeeze(w) for w in words)
    if any(len(w) > LONG_WORD for w in out):  # Clauses.words_before reads longer words as none
        raise ValueError(f"lexicon context words must be at most {LONG_WORD} characters")
    return out


class _Engine:
    """The compiled lexicon: one alternation regex plus the word lists the context rules use."""

    def __init__(self, lexicon: dict) -> None:
        self.version = str(lexicon["version"])
        self.normalizer = Normalizer(lexicon["normalize"])
        macros: dict[str, str] = lexicon["macros"]

        def expand(src: str) -> str:
            for _ in range(8):  # macros may nest a few levels
                if not _MACRO.search(src):
                    return squeeze_pattern(src)
                src = _MACRO.sub(lambda m: macros[m.group(1)], src)
            raise ValueError(f"lexicon macros nest too deep: {src[:80]!r}")

        self.categories: list[str] = []
        self.labels: dict[str, str] = {}
        self.levels: dict[str, Level] = {}
        patterns: list[tuple[str, str]] = []
        for name, spec in lexicon["categories"].items():
            self.categories.append(name)
            self.labels[name] = spec["label"]
            self.levels[name] = Level(spec["level"])
            patterns.extend((name, expand(p)) for p in spec["patterns"])
        self.matcher = PhraseMatcher(patterns)
        ctx = lexicon["context"]
        self.negators = _word_set(ctx["negators"])
        self.fillers = _word_set(ctx["negation_fillers"])
        self.breakers = _word_set(ctx["negation_breakers"])
        self.first_person = _word_set(ctx["first_person"])
        self.third_person = _word_set(ctx["third_person"])
        self.converts = frozenset(ctx["third_person_converts"])
        self.past = re.compile(r"\b(?:" + "|".join(expand(p) for p in ctx["past_markers"]) + r")\b")
        self.recent = re.compile(r"\b(?:" + "|".join(expand(p) for p in ctx["recent_markers"]) + r")\b")
        self.thought_before = Prefiltered(re.compile(expand(ctx["thought_before"])))
        self.thought_after = re.compile(expand(ctx["thought_after"]))
        self.intent_before = Prefiltered(re.compile(expand(ctx["intent_before"])))
        self.conditional_before = Prefiltered(re.compile(expand(ctx["conditional_before"])))
        self.if_before = Prefiltered(re.compile(expand(ctx["if_before"])))
        self.joke = Prefiltered(re.compile(expand(ctx["joke_cues"])))
        self.meta = Prefiltered(re.compile(expand(ctx["meta_cues"])))
        self.mention = re.compile(expand(ctx["mention_cues"]))
        self.safe_context = Prefiltered(re.compile(expand(ctx["safe_context"])))
        self.tp_now = re.compile(expand(ctx["third_party_now"]))
        self.negated_thought = re.compile(expand(ctx["negated_thought"]))
        self.kinda_want = Prefiltered(re.compile(expand(ctx["kinda_want"])))
        self.farewell_safe = re.compile(expand(ctx["farewell_safe"]))
        self.quoted_by_other = Prefiltered(re.compile(expand(ctx["quoted_by_other"])))
        self.voice_says = Prefiltered(re.compile(expand(ctx["voice_says"])))
        self.quoted_by_self = Prefiltered(re.compile(expand(ctx["quoted_by_self"])))
        self.denial_after = re.compile(expand(ctx["denial_after"]))

    def hits(self, text: str) -> tuple[list[_Hit], bool]:
        """Find every lexicon phrase in folded text and keep those the context rules let stand.

        Also says whether the rules set a phrase aside as safe (an idiom, negated, past, quoted, news or helping):
        then the text has been read as safe on purpose, and the model's second opinion must not overrule that.
        """
        return self.read(Clauses(text))

    def read(self, clauses: Clauses) -> tuple[list[_Hit], bool]:
        """``hits`` on a post already split into clauses (which count the work done)."""
        text = clauses.text
        kept: list[_Hit] = []
        set_aside = False
        for cat, s, e in self.matcher.find(text):
            if cat == "safe":
                set_aside = True
                continue
            si = clauses.index(s)
            hit = _Hit(cat, s, e, text[s:e], si)
            if self._negated(clauses, si, s):
                # "i'd never do it, but the thought shows up every day": the act is denied, the thinking is not.
                if cat in _THOUGHT_ON_DENIAL and self.negated_thought.match(text, e, e + 160):
                    hit.category = "ideation"
                    kept.append(hit)
                    continue
                set_aside = True
                continue
            if cat in _PAST_SENSITIVE and not clauses.in_clause(si, self.recent):
                # The phrase itself may read as past ("the same amount i used to"): look either side of it.
                if clauses.past_before(si, s, self.past) or clauses.past_after(si, e, self.past):
                    continue
            if cat not in _CONTEXT_ONLY and not self._stands(hit, clauses):
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

    def _stands(self, hit: _Hit, clauses: Clauses) -> bool:
        """Apply the clause-level rules: quotes, talk about words, past events, third parties."""
        text, si = clauses.text, hit.sentence
        if clauses.in_clause(si, self.meta):
            return False
        tail = clauses.tail(si, hit.start, _TAIL)
        if hit.category in _INTENTS and clauses.tail_has(self.voice_says, tail):
            hit.category = "ideation"  # "the voice that says k1ll yourself": heard, not intended
            return True
        quotes, opening = clauses.quotes_before(si, hit.start)
        if quotes % 2 == 1:
            # Someone else's message quoted ("she just texted 'thanks for everything'") is about them, not the writer.
            if clauses.ends_before(si, opening, self.quoted_by_other):
                hit.category = "third_party"
                return True
            # The writer's own message quoted ("i texted my mom 'sorry for everything'") is still theirs.
            if not clauses.ends_before(si, opening, self.quoted_by_self) and clauses.in_text(self.mention):
                return False
        if hit.category in _FAREWELLS and clauses.in_text(self.farewell_safe):
            return False
        if clauses.in_clause(si, self.past) and not clauses.in_clause(si, self.recent):
            return False
        if hit.category in self.converts and not set(_WORD.findall(hit.text)) & self.first_person:
            if clauses.last_person(si, hit.start, self.first_person, self.third_person) == "third":
                hit.category = "third_party"
        if hit.category in _SAFE_CONTEXT_DROPS and clauses.in_clause(si, self.safe_context):
            if not clauses.clause_words(si) & self.first_person:
                return False
        if hit.category in _INTENTS:
            thought = (
                self.thought_after.match(text, hit.end)
                or clauses.tail_has(self.thought_before, tail)
                or clauses.tail_has(self.kinda_want, tail)
            )
            if hit.category != "harm_others" and (thought or self.denial_after.match(text, hit.end)):
                # A thought, or an act denied right after ("i want to k1ll myself. i won't"): ideation.
                hit.category = "ideation"
            elif clauses.in_clause(si, self.joke):
                hit.flags.add("hedged")
            elif clauses.tail_has(self.conditional_before, tail):
                hit.flags.add("hedged")
                if clauses.tail_has(
                    self.if_before, tail
                ):  # "if he shows up i'll ...": a threat, not a figure of speech
                    hit.flags.add("conditional")
            elif clauses.tail_has(self.intent_before, tail) or hit.text.startswith(
                ("gona", "going to", "wil ", "about to")
            ):
                hit.intent = True
        return True


@functools.cache
def _engine() -> _Engine:
    with LEXICON_PATH.open(encoding="utf-8") as fh:
        return _Engine(json.load(fh))


def lexicon_version() -> str:
    """The version string of the loaded lexicon."""
    return _engine().version


def assess(text: str, *, use_model: bool = True) -> Assessment:
    """Rate one post. Pure function of the text, the shipped lexicon and, unless ``use_model`` is off, the model."""
    from forum.crisis.rules import RELAPSE_REASON, decide

    eng = _engine()
    folded = eng.normalizer.fold(text or "")
    hits, set_aside = eng.hits(folded.text)
    level, reason_head, used = decide(hits, folded.text, eng) if hits else (Level.NONE, "", [])
    if level == Level.NONE:
        # The model never overrules a phrase the rules read as safe on purpose.
        if use_model and not set_aside:
            return _model_only(folded.text)
        return Assessment(Level.NONE)
    shown = _display_words(folded, eng)
    matches = tuple(
        Match(_display(h.text, shown), _public_category(h.category), eng.levels.get(h.category, Level.NONE))
        for h in used
    )
    quoted = ", ".join(f'"{m.phrase}"' for m in matches[:4])
    reason = f"{reason_head} ({quoted})"
    if level == Level.CONCERN and use_model and reason_head != RELAPSE_REASON:
        # The model may raise what the rules flagged to urgent; it never lowers a level.
        op = model.opinion(folded.text)
        if op.is_urgent:
            return Assessment(
                Level.URGENT,
                (*matches, _MODEL_URGENT),
                f"Urgent: {reason}; the wording also resembles posts that needed a moderator at once"
                f" (score {op.urgent:.2f})",
            )
    return Assessment(level, matches, f"{level.value.capitalize()}: {reason}")


_MODEL_CONCERN = Match("wording like posts that needed support", "model", Level.CONCERN)
_MODEL_URGENT = Match("wording like posts that needed support at once", "model", Level.URGENT)


def _model_only(folded_text: str) -> Assessment:
    op = model.opinion(folded_text)
    if not op.needs_attention:
        return Assessment(Level.NONE)
    if op.is_urgent:
        return Assessment(
            Level.URGENT,
            (_MODEL_URGENT,),
            "Urgent: no listed phrase, but the wording resembles posts that needed a moderator at once"
            f" (scores {op.attention:.2f}, {op.urgent:.2f})",
        )
    return Assessment(
        Level.CONCERN,
        (_MODEL_CONCERN,),
        f"Concern: no listed phrase, but the wording resembles posts that needed support (score {op.attention:.2f})",
    )


def _public_category(cat: str) -> str:
    return {"alcohol_or_stimulant": "substance", "depressant": "substance", "meds": "substance"}.get(cat, cat)


def _display_words(folded: Folded, eng: _Engine) -> dict[str, str]:
    # Squeezing only shortens words, so the readable and squeezed copies line up word for word.
    words: dict[str, str] = {}
    for shown, key in zip(folded.readable.split(), folded.text.split(), strict=True):
        words.setdefault(key, eng.normalizer.emoji_names.get(shown, shown))
    return words


def _display(phrase: str, shown: dict[str, str]) -> str:
    return " ".join(shown.get(w, w) for w in phrase.split())


# Compile the lexicon (about 2 s) when the app starts, not during the first post: that post's assessment runs
# inside its database transaction, and a slow first call there held SQLite's write lock past other writers' timeout.
_engine()
