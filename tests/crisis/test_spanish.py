"""The flagger in Spanish: normalisation of informal spelling (one test per rule) and each category of lexicon/es.json.

The phrases here are written apart from tests/crisis/cases.jsonl (whose Spanish posts carry "lang": "es" and a
"persona"), so they check the rule or category, not one post.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forum.crisis.detector import Level, assess, load
from forum.crisis.loader import Expander, strip_accents
from forum.crisis.normalize import Normalizer

U, C, N = Level.URGENT, Level.CONCERN, Level.NONE
CASES = Path(__file__).with_name("cases.jsonl")


def folded(text: str) -> str:
    return load().normalizer.fold(text).text


# ---- normalisation, one rule each


def test_accents_left_out_in_the_post_read_as_written() -> None:
    assert folded("Perdón, mañana será mi última publicación") == folded("perdon, manana sera mi ultima publicacion")
    assert assess("perdon a todos, esta es mi ultima publicacion").level == U


def test_accents_written_in_the_lexicon_match_posts_without_them() -> None:
    assert strip_accents("última publicación, mañana") == "ultima publicacion, manana"
    assert Expander({}).pattern("(?:última|señal)") == "(?:ultima|senal)"
    # "estaríamos" is written with its accent in es.json and still matches the post typed without it.
    assert assess("mi familia y yo estariamos mejor sin mi").level == C


@pytest.mark.parametrize("short", ["q", "k", "ke", "qe"])
def test_q_and_k_read_as_que(short: str) -> None:
    assert folded(f"diganle a mi mama {short} la quiero") == " diganle a mi mama que la quiero "


@pytest.mark.parametrize("short", ["xq", "pq", "pk", "porq", "porke"])
def test_xq_and_pq_read_as_porque(short: str) -> None:
    assert folded(f"no voy {short} no puedo") == " no voy porque no puedo "


@pytest.mark.parametrize("short", ["tmb", "tb", "tmbn"])
def test_tmb_reads_as_tambien(short: str) -> None:
    assert folded(f"yo {short} lo siento") == " yo tambien lo siento "


def test_doubled_and_stretched_letters_are_squeezed_in_spanish_too() -> None:
    assert folded("ojalaaa no despertaaar nuncaaa") == folded("ojala no despertar nunca")
    assert assess("ojalaaa no despertaaar nuncaaa").level == C
    # A stretched shorthand word is still spelled out.
    assert folded("kieeeero morir") == " quiero morir "


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("kiero", "quiero"), ("kisiera", "quisiera"), ("suisidarme", "suicidarme"), ("bida", "vida"), ("aki", "aqui")],
)
def test_common_misspellings_read_as_the_word_meant(typed: str, meant: str) -> None:
    assert folded(f"ya no {typed} nada") == f" ya no {meant} nada "


def test_shorthand_changes_whole_words_only() -> None:
    assert folded("queso kilo aquello tumba") == " queso kilo aquelo tumba "


def test_the_shown_copy_stays_word_for_word_with_the_matched_copy() -> None:
    for text in ("kieeero q sepan xq", "Última publicación tmb", "k thanks"):
        f = load().normalizer.fold(text)
        assert len(f.readable.split()) == len(f.text.split())


def test_an_empty_shorthand_map_changes_nothing() -> None:
    spec = {"zero_width": [], "homoglyphs": {}, "punctuation": {}, "emoji": {}, "leet": {}, "leet_vocab": []}
    plain = Normalizer({**spec, "units": ["mg"], "star_letters": "aeiou"})
    assert plain.fold("q tal").text == " q tal "


@pytest.mark.parametrize(
    "text",
    [
        "ok this is my last post. les dejo mis passwords en las notas. take care of my dog porfa",
        "i've saved up my pills, esta noche me las tomo todas",
        "took like 40 pastillas hace una hora and i can't feel my hands",
    ],
)
def test_spanglish_reads_both_lexicons(text: str) -> None:
    assert assess(text).level == U


def test_english_k_for_ok_stays_safe() -> None:
    assert assess("k thanks, see you all at the meeting tonight").level == N


# ---- the categories of es.json

SPANISH = [
    # goodbyes, also disguised as handing over logins, pets or letters
    ("Perdón a todos, esta es mi última publicación.", U),
    ("les dejo mis claves del banco a mi hermano. cuiden a mi gatita. gracias por todo", U),
    ("ya escribí las cartas. chao para siempre", U),
    # plans with means or a time
    ("tengo las pastillas guardadas y el viernes me las tomo todas", U),
    ("ya lo tengo decidido, mañana ya no voy a estar. perdón a todos", U),
    ("compré la soga, la tengo lista en el carro. esta noche lo hago", U),
    # overdose in progress
    ("me tomé todas las pastillas de mi abuela hace media hora y me estoy mareando", U),
    ("me metí demasiado fentanilo, no puedo respirar", U),
    # self-harm now, and recent
    ("me estoy cortando y no para de salir sangre", U),
    ("anoche me volví a cortar, llevaba ocho meses sin hacerlo", C),
    # passive wish, ideation, hopelessness
    ("quisiera dormirme y no despertar más", C),
    ("ojalá me atropelle un camión de camino al trabajo", C),
    ("no le encuentro sentido a seguir vivo", C),
    ("siento que soy una carga para mi familia", C),
    # dangerous relapse talk
    ("voy a mezclar el rivotril con cerveza y me da igual lo que pase", C),
    ("llevo 4 meses limpio y hoy voy a usar solo la dosis de antes", C),
    # someone else now, harm to others now
    ("mi hermano dice que se va a matar, no contesta el teléfono", U),
    ("voy para su casa con la pistola, hoy lo mato", U),
    # safe contexts stay none
    ("me muero de risa con este meme jajaja", N),
    ("me muero de hambre, ya quiero que sea la hora de la comida", N),
    ("este trabajo me mata pero hoy cumplo 30 días sin beber", N),
    ("cuando bebía me cortaba, hace cinco años. hoy cuento mi historia para ayudar", N),
    ("¿regalar tus cosas es una señal de alerta? quiero aprender a reconocerlas", N),
    ("la sertralina me está funcionando, estoy más tranquila", N),
    ("les dejo el link de la reunión del jueves", N),
    ("me despido por hoy, mañana les cuento cómo me fue", N),
    ("me corté el dedo cortando cebolla jaja", N),
]


@pytest.mark.parametrize(("text", "level"), SPANISH)
def test_spanish_categories(text: str, level: Level) -> None:
    assert assess(text).level == level, assess(text).reason


def test_spanish_cases_name_their_writer_and_language() -> None:
    rows = [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip()]
    spanish = [r for r in rows if r.get("lang") == "es"]
    assert len(spanish) >= 150
    assert all(r.get("persona") for r in spanish)
    assert len({r["persona"] for r in spanish}) >= 12
    assert {r["level"] for r in spanish} == {"urgent", "concern", "none"}
