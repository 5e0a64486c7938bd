"""The flagger's work grows linearly with a post, whatever the post holds (bench/crisis_worst_case.py times it)."""

from __future__ import annotations

import itertools
import json
import random
import sys
from pathlib import Path

import pytest

from forum.boards.services import MAX_BODY
from forum.crisis.clauses import REACH, Clauses, Prefiltered, required_literals
from forum.crisis.detector import Level, _engine, assess
from forum.crisis.models import CrisisFlag
from forum.crisis.normalize import squeeze
from forum.extensions import db
from tests.crisis.test_detector import CASES
from tests.factories import make_post

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from bench_crisis import make_post as make_everyday_post  # noqa: E402
from crisis_worst_case import ADVERSARIAL  # noqa: E402

# Characters the context rules may read per character of a post: about 57 on the worst case in the bench.
# Reading a whole clause or the whole post again for each phrase would be thousands.
MAX_READ_PER_CHAR = 80


def _chars_read(text: str) -> int:
    eng = _engine()
    clauses = Clauses(eng.normalizer.fold(text).text)
    eng.read(clauses)
    return clauses.chars_read


@pytest.mark.parametrize("family", list(ADVERSARIAL))
def test_context_reading_grows_linearly_with_the_post(family: str) -> None:
    make = ADVERSARIAL[family]
    half, full = _chars_read(make(MAX_BODY // 2)), _chars_read(make(MAX_BODY))
    # Twice the text, at most a little over twice the reading: the last repetition may be cut differently, and
    # a phrase that only the longer post holds costs a few readings of its clause.
    assert full <= 2.25 * half + 10 * MAX_BODY, (half, full)
    assert full <= MAX_READ_PER_CHAR * MAX_BODY, full


def test_a_clause_read_per_phrase_would_fail_the_linearity_check() -> None:
    # The check above measures what it claims: reading the clause once per phrase, as before, grows 4x per 2x.
    eng = _engine()
    reads = []
    for n in (MAX_BODY // 2, MAX_BODY):
        clauses = Clauses(eng.normalizer.fold(ADVERSARIAL["repeated 'end it all'"](n)).text)
        for _, start, _ in eng.matcher.find(clauses.text):
            clauses.chars_read += clauses.end(clauses.index(start)) - clauses.start(clauses.index(start))
        reads.append(clauses.chars_read)
    assert reads[1] > 3.5 * reads[0]


@pytest.mark.parametrize(
    ("family", "level"),
    [
        ("repeated 'end it all'", Level.CONCERN),
        ("short sentences 'i want to die.'", Level.CONCERN),
        ("urgent, repeated", Level.URGENT),
        ("negations", Level.NONE),
        ("past tense", Level.NONE),
        ("old doses", Level.NONE),
        ("one letter", Level.NONE),
    ],
)
def test_adversarial_posts_of_the_longest_length_get_a_sensible_level(family: str, level: Level) -> None:
    assert assess(ADVERSARIAL[family](MAX_BODY)).level == level


def test_a_long_everyday_post_is_not_flagged() -> None:
    assert assess(make_everyday_post(random.Random(1), MAX_BODY)).level == Level.NONE


def test_a_phrase_before_a_quote_mark_is_read_from_far_enough_back() -> None:
    # "she texted me on her story ... 'phrase'": the quoting words and up to 8 more fit well inside REACH.
    text = 'she literally texted me on her story something something something long words here "goodbye forever'
    assert len(text) < REACH / 2
    assert assess(text).level == assess(text.replace("literally texted", "literally  texted")).level


def test_prefilter_literals_are_required_by_the_pattern() -> None:
    assert required_literals(r"\b(?:lol|jk)\b|haha+") == ("lol", "jk", "hah")
    assert required_literals(r"(?:a|b)?cd") == ("cd",)
    assert required_literals(r"[a-z]+|x") is None
    # Every match of every prefiltered context pattern in the labelled posts holds one of its literals.
    eng = _engine()
    lines = CASES.read_text(encoding="utf-8").splitlines()
    texts = [eng.normalizer.fold(json.loads(line)["text"]).text for line in lines if line.strip()]
    for name, searcher in vars(eng).items():
        if isinstance(searcher, Prefiltered):
            for text in texts:
                for m in searcher.pattern.finditer(text):
                    assert any(n in m.group() for n in searcher.needles), (name, m.group())


def _reference_uncensor(vocab: frozenset[str], word: str) -> str | None:
    """The first reading of the stars as vowels, in order, that is a vocabulary word as it is or squeezed."""
    if word.count("*") > 3:
        return None
    options = ["aeiouy" if c == "*" else c for c in word]
    for letters in itertools.product(*options):
        cand = "".join(letters)
        if cand in vocab or squeeze(cand) in vocab:
            return cand
    return None


def test_censored_words_read_as_before_without_trying_every_vowel(monkeypatch) -> None:
    norm = _engine().normalizer
    vocab = norm._vocab
    rng = random.Random(4)
    words = ["k*ll", "m*s*lf", "s**c*d*", "d**", "b*c*d*f", "k**ll", "p*lll*", "*", "a**"]
    for _ in range(2000):
        word = list(rng.choice(sorted(vocab)))
        for _ in range(rng.randint(1, 3)):
            word[rng.randrange(len(word))] = "*"
        words.append("".join(word))
    for word in words:
        assert norm._uncensor(word) == _reference_uncensor(vocab, word), word
    # Every vowel for every star is 6**3 readings; a start that begins no vocabulary word is dropped at once.
    calls = []
    fill = norm._fill_stars
    monkeypatch.setattr(norm, "_fill_stars", lambda *args: calls.append(args) or fill(*args))
    assert norm._uncensor("b*c*d*f") is None
    assert len(calls) <= 3


def test_longest_reply_and_its_edit_are_assessed_on_the_server(client, login, member) -> None:
    post = make_post(author=member, body="checking in")
    login(member)
    body = ADVERSARIAL["urgent, repeated"](MAX_BODY)
    response = client.post(f"/posts/{post.id}/edit", data={"body": body})
    assert response.status_code == 302
    flags = db.session.scalars(db.select(CrisisFlag).where(CrisisFlag.post_id == post.id)).all()
    assert [f.level for f in flags] == ["urgent"]
    # One character over the limit is refused before the flagger runs, with the text kept.
    response = client.post(f"/posts/{post.id}/edit", data={"body": body + "x"})
    assert response.status_code == 400
    assert "20,000" in response.text and body[:40] in response.text
