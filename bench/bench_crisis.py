"""Throughput of the crisis flagger on realistic 2,000-character posts, on one core."""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forum.crisis import model  # noqa: E402
from forum.crisis.detector import _engine, assess  # noqa: E402

# Everyday recovery-forum sentences; a few carry frightening words in safe senses, a few carry obfuscation.
_SENTENCES = [
    "Day 43 today and honestly the mornings are still the hardest part for me.",
    "My sponsor told me to call her before I pick up, not after, so I've been trying that.",
    "Went to the Tuesday night meeting at the church basement and shared for the first time.",
    "The new meds my psychiatrist prescribed are making me sleepy but the panic attacks are fewer.",
    "This heat is killing me and the AC in my apartment died again last week.",
    "I'd kill for a decent cup of coffee at these meetings, the stuff they serve is rough.",
    "Three years ago I was in a really dark place, and today I got my three year chip.",
    "Cravings hit hard around 5pm when I used to start drinking, so I go for a walk instead.",
    "Does anyone else feel weird at parties now that they're sober? I never know what to do with my hands.",
    "My therapist and I are working on DBT skills, the TIPP one with cold water actually helps.",
    "Lost my uncle to an overdose in 2019 and I think about him every time I see a Narcan kit.",
    "Work has been stressful but I'm getting through it one day at a time 💪",
    "The sleeping pills my doctor gave me finally work, seven hours last night!",
    "I am d y i n g to see the new movie, anyone from the group want to go?",
    "Cut myself some slack this week and skipped the gym, rest is part of recovery too.",
    "My kid drew a picture of our family and I'm not crying, you're crying 😭",
    "Anyone have tips for telling a new partner about your diagnosis and your sobriety?",
    "The lithium levels came back fine, so we're keeping the dose the same.",
    "Not a hill I want to die on, so I apologised to my mum and we moved on.",
    "Grocery shopping sober is weirdly emotional, I keep walking past the wine aisle.",
]


def make_post(rng: random.Random, size: int = 2000) -> str:
    """A post of about ``size`` characters stitched from forum-like sentences."""
    parts: list[str] = []
    while sum(len(p) + 1 for p in parts) < size:
        parts.append(rng.choice(_SENTENCES))
    return " ".join(parts)[:size]


def main() -> None:
    """Print posts per second and microseconds per post."""
    rng = random.Random(7)
    posts = [make_post(rng) for _ in range(200)]
    posts[::10] = [p[:1800] + " i'm gonna end it tonight, pills counted out." for p in posts[::10]]
    t0 = time.perf_counter()
    _engine()
    load_ms = (time.perf_counter() - t0) * 1000
    for p in posts[:20]:  # warm up
        assess(p)
    rounds = 10
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        for p in posts:
            assess(p)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    n = rounds * len(posts)
    mean_len = sum(map(len, posts)) / len(posts)
    print(f"lexicon load: {load_ms:.1f} ms (once per process)")
    print(
        f"{n} posts of ~{mean_len:.0f} chars: {n / elapsed:,.0f} posts/s, {elapsed / n * 1e6:,.0f} us per post (wall)"
    )
    # CPU time is the fairer figure on a shared machine: it leaves out time spent waiting for a core.
    print(f"CPU: {n / cpu:,.0f} posts/s, {cpu / n * 1e6:,.0f} us per post")
    # The bench posts carry idioms the rules set aside, so assess() skips the model on them: time it alone too.
    folded = [_engine().normalizer.fold(p).text for p in posts]
    c0 = time.process_time()
    for _ in range(rounds):
        for f in folded:
            model.score(f)
    print(f"model second opinion alone (when it runs): {(time.process_time() - c0) / n * 1e6:,.0f} us per post (CPU)")


if __name__ == "__main__":
    main()
