"""Tests for the crisis flagger engine: own table-driven cases plus the labelled sample's four figures."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from forum.crisis.__main__ import run
from forum.crisis.detector import Assessment, Level, Match, assess, lexicon_version
from forum.crisis.normalize import squeeze

U, C, N = Level.URGENT, Level.CONCERN, Level.NONE


def _find_sample() -> Path | None:
    """The labelled sample lives outside the repository: `CRISIS_SAMPLE`, or `shared/` beside the project."""
    candidates = [os.environ.get("CRISIS_SAMPLE", "")]
    candidates += [str(Path(__file__).resolve().parents[2].parent / "shared/crisis/examples.jsonl")]
    candidates += ["/work/shared/crisis/examples.jsonl"]
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


SAMPLE = _find_sample()
CASES = Path(__file__).with_name("cases.jsonl")
HELD_OUT = Path(__file__).with_name("heldout.jsonl")

URGENT_CASES = [
    ("bought a helium tank today, told the cashier it was for a party. using it tonight", U),
    ("my friend is on instagram live from the roof of his building saying goodbye to everyone", U),
    ("drank half a bottle and now i'm taking my bars one at a time until i don't wake up. on number 9", U),
    ("cut deeper than ever and it won't stop bleeding. not going to the er", U),
    ("sold the car, gave the cat to my neighbour, tonight's the night. thank you all for everything", U),
    # Someone else's goodbye, quoted, while they can't be reached.
    ("my cousin just texted the family chat 'sorry for everything, look after my dog' and now her phone is off", U),
    # The writer's own goodbye, quoted.
    ("i just texted my brother 'im sorry for everything'. the pills are lined up on the counter", U),
    ("i know where he parks and i've got a bat in the car, headed there now", U),
    ("i'm going to kill him tonight", U),
    ("going to kill myself tonight after everyone's asleep", U),
    ("Im gonna k1ll mys3lf tmrw morning, already decided", U),
    ("tonight's the night. i'm ending my life, the rope is ready", U),
    ("ｉ'ｍ ｇｏｉｎｇ ｔｏ ｅｎｄ ｍｙ ｌｉｆｅ ｔｏｎｉｇｈｔ", U),
    ("plan is to unalive myself this weekend when my roommate is away", U),
    ("kms tonight fr, got the pills lined up", U),
    ("gonna take the whole bottle of seroquel when my shift ends tonight", U),
    ("saving up my xanax, going to swallow all of them on friday", U),
    ("i have 60 tylenol and i'm taking them after dinner", U),
    ("s-u-i-c-i-d-e tonight. done fighting", U),
    ("k.i.l.l.i.n.g m.y.s.e.l.f tonight", U),
    ("bye everyone 👋 this is it. 💊💊💊", U),
    ("wrote letters to my kids and my sister. tomorrow i won't be here", U),
    ("this is my last post. thank you all for trying. by morning it'll be over", U),
    ("i gave away my cat and my guitar. going through with it this weekend", U),
    ("sitting in the garage with the car running. i'm sorry", U),
    ("took 30 of my klonopin about 10 minutes ago and chased it with vodka", U),
    ("i just swallowed everything in my medicine cabinet. i can't feel my hands", U),
    ("i think im overdosing right now, cant breathe right", U),
    ("standing on the bridge railing right now. going to jump", U),
    ("my sister just texted me that she took all her pills and she's not answering", U),
    ("my friend is on the roof of his dorm right now saying he's going to jump", U),
    ("my roommate said she's gonna kill herself tonight and locked her door", U),
    ("im driving to his place right now with my dad's gun, he's going to pay", U),
    ("me voy a matar esta noche. ya tengo las pastillas", U),
    ("adiós a todos, hoy me quito la vida", U),
    ("fentanyl ready 💉 tonight i'm not waking up", U),
    ("gonna crash my car into a tree on the highway after work", U),
    ("tied the noose. tonight", U),
    ("goodbye forum. ending it in an hour", U),
    ("made my peace. the bottle of vicodin is on the nightstand and i'm doing it at 3am", U),
    ("i'm done. after my kids leave for their dad's on sunday i'm ending things for good", U),
    ("final post. i love you all. the razor blades are next to me", U),
    ("i've got a rope in the closet and tomorrow is the day", U),
    ("everything is in place. my dog goes to my neighbor. tonight i finally rest", U),
    ("writing this from the parking garage roof. can't do this anymore", U),
    ("swallowed like 40 of my seroquel. getting really sleepy", U),
    ("drank a fifth and took all my gabapentin about an hour ago", U),
    ("i shot up way more than usual on purpose, everything is going dark", U),
    ("my dad just sent a text saying he's sorry and goodbye and now his phone is off. he has guns", U),
    ("my girlfriend just told me she swallowed a whole bottle of pills and locked herself in the bathroom", U),
    ("going to take my life this friday, nobody will stop me", U),
    ("k i l l i n g  m y s e l f  t o n i g h t", U),
    ("su!c!de tonight. sorry everyone", U),
    ("unalive myself after work, pills counted", U),
    ("I'm going to hang myself tonight", U),
    ("Ꮃill be gone by morning. the letters are on the table", U),
    ("i'm going to overdose tonight, i have 90 oxy saved", U),
]

CONCERN_CASES = [
    ("i keep thinking about suicide lately", C),
    ("honestly wish i was dead", C),
    ("I just want to disappear forever", C),
    ("sometimes i hope i just don't wake up tomorrow", C),
    ("i wish a bus would hit me on the way to work", C),
    ("the world would honestly be better off without me", C),
    ("there's no reason for me to keep going", C),
    ("nothing left to live for since she left", C),
    ("been having su1c1dal thoughts again", C),
    ("feeling suicidal tonight, not going to act on it", C),
    ("the urge to cut is so loud right now", C),
    ("relapsed on self harm last night after 6 months", C),
    ("burned myself with a lighter again. i hate that i do this", C),
    ("I've been hitting myself when i get angry", C),
    ("thinking abt unaliving myself but i won't", C),
    ("i want to die but i'm not going to do anything", C),
    ("i wanna d i e", C),
    ("dont want to be alive anymore", C),
    ("tired of being alive tbh", C),
    ("ctb thoughts are back", C),
    ("sewerslide thoughts all week", C),
    ("i want to self-delete. i won't but i want to", C),
    ("ya no quiero vivir", C),
    ("quiero morirme, no aguanto más", C),
    ("a veces quiero desaparecer y no despertar", C),
    ("i'd be fine if i never woke up", C),
    ("if i get hit by a car on the way home i wouldn't mind", C),
    ("going to get some bars and drink tonight and not care what happens", C),
    ("9 months clean and i'm about to cop and use alone in my car", C),
    ("tolerance is gone but i'm going to shoot up by myself tonight anyway", C),
    ("mixing xanax and vodka tonight, honestly don't care if i wake up", C),
    ("everyone would be happier if i was gone", C),
    ("I don't see the point in living anymore", C),
    ("what's the point of life when everything hurts", C),
    ("i wouldn't mind dying in my sleep", C),
    ("part of me wants to die and part of me wants to get better", C),
    ("having really dark thoughts about ending it", C),
    ("sometimes i think everyone would be better off if i wasn't around", C),
    ("i hate myself so much i want to disappear", C),
    ("I scratch my arms till they bleed when i'm anxious", C),
    ("cutting again after 2 years clean from it", C),
    ("i keep wanting to hurt myself", C),
    ("had thoughts of killing myself at work today", C),
    ("i feel like i want to d.i.e", C),
    ("life isn't worth living anymore", C),
    ("i've been fantasizing about not existing", C),
    ("I wish I'd never been born", C),
    ("i'm a burden to everyone and they'd be better off without me", C),
    ("suicidal ideation has been bad this week, seeing my therapist tomorrow", C),
    ("kinda want to kms ngl", C),
    ("me quiero morir", C),
    ("pienso en suicidarme todos los días", C),
    ("picking up from my old dealer tonight, haven't used in a year, doing it alone", C),
    ("taking my benzos with a bottle of wine tonight, whatever happens happens", C),
    ("tbh if i don't wake up tomorrow that's fine", C),
    # Thoughts that came back are now, not "back when".
    ("su1c1dal thoughts came back when they lowered my dose. seeing my psych friday", C),
    ("k-i-l-l-i-n-g myself has been on my mind since the relapse. i'm not in danger tonight", C),
    ("death sounds like a vacation rn", C),
    ("sometimes i think about killing myself with my pills and a bottle of vodka. i won't, just admitting it", C),
    ("been wanting to sewer slide every day this week. safe for now, calling my sponsor tonight", C),
    ("my therapist asked if i was suicidal and i said no. i am. no plan but it's there every day", C),
    # An act denied right after it is said.
    ("i want to k1ll myself so bad tonight but i won't, my sponsor is coming over", C),
    ("what is even the point of existing anymore", C),
    # A voice heard, not an intent; "kinda want to" before an act is a thought.
    ("the voice that keeps saying kill yourself is back since i stopped my meds", C),
    ("kinda want to drive into the river on my way home. i won't", C),
    # A denied act with the thinking said to persist is still suicidal thinking.
    ("i would never kill myself, but the thought of it keeps coming back every night", C),
    ("i'm not going to end my life. these thoughts keep showing up though", C),
    ("not relapsing, not suicidal, just can't see why i'd stay alive another 30 years of this", C),
    # Alone, with the old dose, after time away.
    ("out of detox friday. gonna get a bag and do it alone at my apartment, same dose i used to", C),
]

SAFE_CASES = [
    ("i'm not suicidal, just exhausted from work", N),
    ("in 2016 i shot the same amount i used to and woke up in the ER. today i carry narcan", N),
    ("catching the bus to my meeting, see you all there", N),
    ("that plot twist had me yelling 'i'm gonna jump out the window' at the tv", N),
    ("i'm not going to hurt myself, i'm going to hurt my legs at the gym tomorrow at 6am lol", N),
    (
        "8 years ago this week i woke up in the icu after an od. if you're reading this from where i was, you're not done yet",
        N,
    ),
    ("to be clear i'm not going to hurt myself, i worded my last post badly. tired, not in danger", N),
    ("lol my phone unalived itself in the lake on the camping trip", N),
    ("hace cinco años intenté quitarme la vida. hoy me gradué de enfermera", N),
    ("cut my finger chopping onions, two stitches, the ER nurse asked if i was safe at home lol", N),
    ("my pharmacist warned me that mixing benzos and alcohol could kill me, so the wine went down the drain", N),
    ("i'm ending it with my boyfriend tonight, he keeps drinking in front of me", N),
    ("writing letters to everyone i hurt for my step 9 amends, my sponsor reads each one first", N),
    ("logging off for two weeks, going on a silent retreat with no wifi. see you all when i get back", N),
    ("four years ago tonight i was in the ER after an overdose. tonight i'm chairing my first meeting", N),
    ("my therapist asked if i'd had any thoughts of ending my life and i could honestly say no", N),
    ("no suicidal thoughts in 3 months! therapy is working", N),
    ("haven't felt suicidal since i started lithium", N),
    ("five years ago i tried to end my life. now i sponsor three women", N),
    ("when i was 19 i overdosed twice. 8 years clean today", N),
    ("i used to cut myself in high school, the scars remind me how far i've come", N),
    ("my best friend died by suicide in 2015 and i still miss him", N),
    ("how do i support my brother who's been talking about suicide?", N),
    ("what are warning signs that someone is thinking about suicide?", N),
    ("if you're having suicidal thoughts please text 988, it helps", N),
    ("carry narcan! fentanyl overdoses are everywhere right now", N),
    ("got trained on naloxone at the library today, everyone should", N),
    ("this traffic is killing me", N),
    ("i would kill for a cheeseburger right now", N),
    ("my battery died halfway through the meeting lol", N),
    ("that joke killed me 💀", N),
    ("dying to know how everyone's weekend went", N),
    ("my feet are killing me after that shift", N),
    ("the comedian absolutely killed it", N),
    ("dead tired after the double shift", N),
    ("lol i'm dead 😂", N),
    ("i'd die for a nap", N),
    ("me muero de hambre", N),
    ("estoy muerto de sueño hoy", N),
    ("the sleeping pills my psychiatrist prescribed help a lot", N),
    ("started gabapentin 300mg for anxiety, anyone else on it?", N),
    ("my doc upped my seroquel to 100mg", N),
    ("wrote a goodbye letter to drinking as part of step work", N),
    ("said goodbye to my old dealer's number today, deleted it", N),
    ("updated my safety plan with my counselor", N),
    ("research paper on suicide risk in veterans is due friday", N),
    ("the news said overdose rates dropped this year", N),
    ("the song 'i want to die' by some band came on and i laughed", N),
    ("can mods add 'kms' and 'unalive' to the filter?", N),
    ("is 'sewer slide' algospeak for suicide? saw it on tiktok", N),
    ("goodbye everyone, i'm moving to the discord server!", N),
    ("thanks for everything this year, you guys are the best", N),
    ("one last time: meeting is at 7 tonight, not 8", N),
    ("i cut myself cooking dinner lol, 3 stitches", N),
    ("killing time before my appointment", N),
    ("cut myself off from my old using friends", N),
    ("my grandma passed away last night, she was 94", N),
    ("two years sober today!", N),
    ("feeling low today but i went to a meeting", N),
    ("craving a drink so bad tonight, calling my sponsor", N),
    ("relapsed on beer last weekend, back on day 3", N),
    ("this is it for me with coffee, switching to tea", N),
    ("i won't be here next week, going on vacation", N),
    ("my cousin overdosed last year but he's in recovery now", N),
    ("my ex used to threaten to kill himself to control me", N),
    ("I survived an attempt in 2018 and now i'm getting my degree", N),
    ("not a hill worth dying on", N),
    ("the heat is unbearable, i'm melting", N),
    ("we did a vigil for overdose awareness day", N),
    ("I'm not going to kill myself, I just needed to vent about my boss", N),
    ("ten years ago today i attempted suicide. grateful to be alive", N),
    ("my mom overdosed in 2009, i'm running a 5k in her memory", N),
    ("our group is doing a suicide prevention walk on saturday", N),
    ("what do you say to a friend who says she wants to die?", N),
    ("my sponsee relapsed and i'm worried about her, how can i help", N),
    ("narcan saved my life twice. please carry it", N),
    ("we learned how to spot an overdose in class: pinpoint pupils, blue lips", N),
    ("lol this spreadsheet is going to be the death of me", N),
    ("i'm so dead after that hike", N),
    ("my plants died while i was in rehab haha", N),
    ("killing it at my new job, 90 days sober", N),
    ("i could murder a pizza right now", N),
    ("the cold plunge almost killed me but it felt great", N),
    ("my doctor prescribed 50mg of trazodone for sleep", N),
    ("is it safe to take melatonin with lexapro?", N),
    ("anyone else on suboxone? 8mg a day here", N),
    ("bye guys, see you at the meeting thursday", N),
    ("that movie was so sad i wanted to die lol", N),
    ("i don't want to die, i want to live and get better", N),
    ("i was suicidal for years before i got sober", N),
    ("used to be suicidal every day, now i'm just regular sad sometimes", N),
    ("in my using days i mixed xanax and alcohol every night", N),
    ("remember your tolerance is gone after rehab, never use alone", N),
    ("the documentary about the opioid crisis made me cry", N),
    ("he was such a good guy, lost him to fentanyl last spring", N),
    ("wrote my goodbye letter to meth in group today", N),
    ("my therapist asked if i had thoughts of suicide and i said no", N),
    ("reading about the history of the 988 line", N),
    ("i'll be dead to the world after this shift", N),
]

# The same idea written with each obfuscation the flagger must see through.
OBFUSCATED = [
    ("i want to kill myself", C),
    ("I WANT TO KILL MYSELF", C),
    ("i want to k1ll mys3lf", C),
    ("i want to ki11 my5elf", C),
    ("i want to kiiiiill myseeeelf", C),
    ("i want to k i l l  m y s e l f", C),
    ("i want to k.i.l.l m.y.s.e.l.f", C),
    ("i want to k-i-l-l myself", C),
    ("i want to k\u200bill my\u200dself", C),
    ("i want to kil\u00adl myself", C),
    ("i want to \uff4b\uff49\uff4c\uff4c myself", C),
    ("i want to \u043aill m\u0443self", C),
    ("i want to \u03baill mys\u03b5lf", C),
    ("i want to kill mysefl", C),
    ("i want to unalive myself", C),
    ("sewer slide thoughts again", C),
    ("the ctb thoughts are loud", C),
    ("i just want to self-delete", C),
    ("want to log off permanently", C),
    ("i want to d1e", C),
    ("wanting to be d3ad", C),
    ("i just want to diiiie", C),
    ("\U0001f52a urges are back", C),
    ("quiero morir", C),
    ("ya no tengo ganas de vivir", C),
]

IDIOMS = [
    "i'd kill for a coffee",
    "this workout is killing me",
    "my phone died",
    "i'm deceased \U0001f602",
    "ded \U0001f480",
    "not a hill i want to die on",
    "he killed his share tonight",
    "cut myself some slack",
    "dying to see you all at the picnic",
    "estoy muerta de cansancio",
    "me muero de risa",
    "me quiero morir de la vergüenza jaja",
    "i overdosed on christmas cookies again",
    "grabbing a final nap before my night shift",
    "the new guy killed it at open mic",
]


@pytest.mark.parametrize(("text", "expected"), URGENT_CASES + CONCERN_CASES + SAFE_CASES + OBFUSCATED)
def test_level(text: str, expected: Level) -> None:
    a = assess(text)
    assert a.level == expected, f"{text!r}: got {a.level.value} ({a.reason})"


@pytest.mark.parametrize("text", IDIOMS)
def test_idioms_are_safe(text: str) -> None:
    assert assess(text).level == N


def test_api_shape() -> None:
    a = assess("gonna self-delete tonight. notes are written")
    assert isinstance(a, Assessment)
    assert a.level is Level.URGENT and a.is_flagged
    assert a.level == "urgent" and Level("concern") is Level.CONCERN
    assert all(isinstance(m, Match) and isinstance(m.level, Level) for m in a.matches)
    assert {m.category for m in a.matches} >= {"suicidal_intent", "timing"}
    assert a.reason.startswith("Urgent:") and '"tonight"' in a.reason
    assert max(Level.NONE, Level.URGENT, Level.CONCERN) is Level.URGENT
    assert Level.NONE < Level.CONCERN < Level.URGENT
    assert Level.URGENT.rank == 2


def test_none_has_no_matches_and_empty_input() -> None:
    for text in ("", "   ", "two years sober today!", "\u200b\u200b"):
        a = assess(text)
        assert a.level is N and a.matches == () and not a.is_flagged


def test_moderator_flag_assessment_can_be_built() -> None:
    a = Assessment(level=Level.CONCERN, matches=(), reason="Flagged by a moderator: note")
    assert a.is_flagged


def test_phrases_are_shown_as_written() -> None:
    a = assess("gonna k1ll myself tonight, pills counted out \U0001f48a")
    phrases = {m.phrase for m in a.matches}
    assert "kill myself" in phrases and "tonight" in phrases
    assert any("\U0001f48a" in p for p in phrases)


def test_lexicon_is_versioned_data() -> None:
    assert lexicon_version()
    assert squeeze("tonnight") == squeeze("tonight")


def test_cli_round_trip() -> None:
    src = io.StringIO('{"id": "a", "text": "i want to die"}\n\nnot json\n{"id": 2, "text": "nice weather"}\n')
    dst = io.StringIO()
    errors = run(src, dst)
    lines = [json.loads(line) for line in dst.getvalue().splitlines()]
    assert errors == 1
    assert lines[0]["id"] == "a" and lines[0]["level"] == "concern" and lines[0]["matches"]
    assert set(lines[0]["matches"][0]) == {"phrase", "category"}
    assert lines[1] == {"id": 2, "level": "none", "matches": []}


def _assert_figures(rows: list[dict]) -> None:
    """Print every miss and the four figures of issue 3, then assert their targets."""
    got = {r["id"]: assess(r["text"]).level.value for r in rows}
    for r in rows:
        if got[r["id"]] != r["level"]:
            print(f"MISS {r['id']} expected={r['level']} got={got[r['id']]} text={r['text']!r}")
    need = [r for r in rows if r["level"] != "none"]
    urgent = [r for r in rows if r["level"] == "urgent"]
    flagged = [r for r in rows if got[r["id"]] != "none"]
    hard = [r for r in rows if "hard" in r["tags"]]
    recall = sum(got[r["id"]] != "none" for r in need) / len(need)
    urgent_recall = sum(got[r["id"]] == "urgent" for r in urgent) / len(urgent)
    precision = sum(r["level"] != "none" for r in flagged) / max(1, len(flagged))
    hard_flagged = sum(got[r["id"]] != "none" for r in hard) / len(hard)
    print(f"recall={recall:.3f} urgent={urgent_recall:.3f} precision={precision:.3f} hard_flagged={hard_flagged:.3f}")
    assert recall >= 0.97
    assert urgent_recall >= 0.95
    assert precision >= 0.90
    assert hard_flagged <= 0.05


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_sample_figures() -> None:
    if SAMPLE is None:
        # Not part of the repository (it is replaced from outside); the own cases below still run.
        pytest.skip("labelled sample not found: set CRISIS_SAMPLE or put shared/ beside the project")
    _assert_figures(_read_jsonl(SAMPLE))


def test_own_cases_figures() -> None:
    """Our own labelled posts, written apart from the sample in blind rounds (tests/crisis/cases.jsonl).

    They are fitted now (each round's misses were fixed), so they guard against regressions; the
    figures each round scored before its tuning (README, "Crisis flagger") are the better guess for
    unseen posts, and test_held_out_figures below is one such round kept apart.
    """
    rows = _read_jsonl(CASES)
    assert len(rows) >= 250
    tags = {t for r in rows for t in r["tags"]}
    assert {"plan", "overdose_now", "third_party_now", "harm_others", "homoglyph", "naloxone", "lyrics"} <= tags
    _assert_figures(rows)


def test_held_out_figures() -> None:
    """Blind round 12 (tests/crisis/heldout.jsonl): 479 posts nobody tuned the lexicon or trained the model on.

    Written by three writers who saw only the sample and its README, and kept out of cases.jsonl and the
    model's training data (one post that repeated an own case word for word was dropped). Don't tune on these posts: once a miss here is fixed, this stops being a
    measure of unseen posts (move the file into cases.jsonl and hold out a fresh round instead).
    """
    rows = _read_jsonl(HELD_OUT)
    assert len(rows) == 479
    assert not {r["text"] for r in rows} & {r["text"] for r in _read_jsonl(CASES)}
    _assert_figures(rows)
