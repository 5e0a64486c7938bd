"""Score the flagger on the held-out blind rounds, per language: `make crisis-eval`.

Round 12 (tests/crisis/heldout.jsonl) and round 13 (tests/crisis/round13.jsonl, 16 personas unlike
the earlier writers, 88 posts in Spanish or Spanglish) were never tuned on. Prints recall, urgent
recall, precision and the share of hard (frightening-but-safe) posts flagged, against the targets
97 / 95 / 90 / at most 5.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from forum.crisis.detector import assess  # noqa: E402

ROUNDS = {"round 12": ROOT / "tests/crisis/heldout.jsonl", "round 13": ROOT / "tests/crisis/round13.jsonl"}


def figures(rows: list[dict], got: list[str]) -> dict[str, float]:
    risky = [g for r, g in zip(rows, got, strict=True) if r["level"] != "none"]
    urgent = [g for r, g in zip(rows, got, strict=True) if r["level"] == "urgent"]
    flagged = [r for r, g in zip(rows, got, strict=True) if g != "none"]
    hard = [g for r, g in zip(rows, got, strict=True) if r["level"] == "none" and "hard" in r["tags"]]
    return {
        "posts": len(rows),
        "recall": sum(g != "none" for g in risky) / max(1, len(risky)),
        "urgent recall": sum(g == "urgent" for g in urgent) / max(1, len(urgent)),
        "precision": sum(r["level"] != "none" for r in flagged) / max(1, len(flagged)),
        "hard flagged": sum(g != "none" for g in hard) / max(1, len(hard)),
    }


def main() -> None:
    print(f"{'round':<10} {'lang':<5} {'posts':>5} {'recall':>7} {'urgent':>7} {'precision':>9} {'hard':>6}")
    for name, path in ROUNDS.items():
        rows = [json.loads(line) for line in path.open(encoding="utf-8")]
        got = [str(assess(r["text"]).level.value) for r in rows]
        langs = {"all": rows, **{lang: [r for r in rows if r.get("lang") == lang] for lang in ("en", "es")}}
        for lang, subset in langs.items():
            if not subset or (lang != "all" and len(subset) == len(rows)):
                continue
            picked = [g for r, g in zip(rows, got, strict=True) if r in subset]
            f = figures(subset, picked)
            print(
                f"{name:<10} {lang:<5} {f['posts']:>5} {f['recall']:>7.1%} {f['urgent recall']:>7.1%}"
                f" {f['precision']:>9.1%} {f['hard flagged']:>6.1%}"
            )


if __name__ == "__main__":
    main()
