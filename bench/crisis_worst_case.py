"""The crisis flagger on 20,000-character posts (the longest a post may be): typical ones and adversarial ones.

Adversarial posts pack in what the context rules read around each phrase: the same risk phrase over and over,
one sentence with no punctuation, negations, quote marks, past-tense markers, one word holding many phrases,
and what the normaliser decodes (censored words, each star tried as every vowel).
Prints CPU milliseconds per post (the best of a few runs: the machine is shared). The target: every post
under 50 ms. tests/crisis/test_worst_case.py checks, without timing, that the work grows linearly.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_crisis import make_post  # noqa: E402

from forum.crisis.detector import _engine, assess  # noqa: E402

MAX_POST = 20_000  # forum.boards.services.MAX_BODY
TARGET_MS = 50
_PHRASES = ["end it all", "kill myself", "i want to die", "goodbye", "pills", "tonight", "not", "never", '"', "lol"]


def _repeat(unit: str) -> Callable[[int], str]:
    return lambda n: (unit * (n // len(unit) + 1))[:n]


def _varied(make: Callable[[random.Random], str]) -> Callable[[int], str]:
    def build(n: int) -> str:
        rng = random.Random(7)  # the same start for every n  # noqa: S311  # nosec B311
        parts, size = [], 0
        while size < n:
            parts.append(make(rng))
            size += len(parts[-1])
        return "".join(parts)[:n]

    return build


def _run_on(n: int) -> str:
    """One sentence of everyday words with no punctuation at all, risk words among them."""
    words = make_post(random.Random(n), n).replace(".", " ").replace(",", " ").replace("?", " ").replace("!", " ")
    return _repeat(words.replace("'", "") + " i want to kill myself ")(n)


# name -> a function giving a post of n characters
ADVERSARIAL: dict[str, Callable[[int], str]] = {
    "repeated 'end it all'": _repeat("end it all "),
    "repeated 'kill myself'": _repeat("kill myself "),
    "repeated 'i want to die'": _repeat("i want to die "),
    "repeated 'took 40 pills'": _repeat("took 40 pills "),
    "leetspeak 'k1ll mys3lf'": _repeat("k1ll mys3lf "),
    "short sentences 'i want to die.'": _repeat("i want to die. "),
    "numbered 'end it all 17'": _varied(lambda r: f"end it all {r.randint(0, 99)} "),
    "one sentence, no punctuation": _run_on,
    "negations": _repeat("i would not, never, not ever kill myself "),
    "negations, no commas": _repeat("i would not never not ever "),
    "quoted phrases": _repeat('she said "i want to die" and '),
    "one quote left open": lambda n: ('she texted "' + _repeat("i want to die ")(n))[:n],
    "quote marks inside one word": _repeat('"kill myself"'),
    "past tense": _repeat("years ago i used to want to kill myself "),
    "old doses": _repeat("the same amount i used to "),
    "one long word of phrases": _repeat(",suicidal"),
    "mixed phrases and marks": _varied(lambda r: r.choice(_PHRASES) + r.choice([" ", ", ", ". ", '" '])),
    "urgent, repeated": _repeat("im going to kill myself tonight, goodbye everyone. "),
    "one letter": _repeat("a"),
    "censored 'k*ll m*s*lf'": _repeat("k*ll m*s*lf "),
    "censored nonsense 'b*c*d*f'": _varied(lambda r: "*".join(r.choice("bcdfgklmnprst") for _ in range(4)) + " "),
    "one line each 'i want to die'": _repeat("i want to die\n"),
    "texted quotes": _repeat('she texted "kill myself" '),
}


def cpu_ms(text: str, rounds: int = 3) -> float:
    """The best CPU time of ``rounds`` assessments, in milliseconds."""
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        assess(text)
        best = min(best, time.process_time() - start)
    return best * 1000


def main() -> None:
    """Print ms per post for typical and adversarial 20,000-character posts, and the worst of them."""
    _engine()
    typical = [make_post(random.Random(seed), MAX_POST) for seed in range(10)]
    for text in typical:
        assess(text)  # compiles the classifiers the posts need
    times = [cpu_ms(text) for text in typical]
    print(f"typical posts of {MAX_POST:,} characters: mean {sum(times) / len(times):.1f} ms, max {max(times):.1f} ms")
    worst = ("", 0.0)
    for name, make in ADVERSARIAL.items():
        text = make(MAX_POST)
        assess(text)
        ms = cpu_ms(text)
        print(f"  {name:36s} {ms:6.1f} ms  {assess(text).level.value}")
        worst = max(worst, (name, ms), key=lambda w: w[1])
    verdict = "PASS" if worst[1] < TARGET_MS else "MISS"
    print(f"worst case: {worst[1]:.1f} ms ({worst[0]}); target under {TARGET_MS} ms: {verdict}")


if __name__ == "__main__":
    main()
