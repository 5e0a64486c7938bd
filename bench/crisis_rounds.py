"""Score the flagger on every labelled set, per language, and diff each post's level: `make crisis-eval`.

Sets: the shared sample (/work/shared/crisis/examples.jsonl or CRISIS_SAMPLE), our own cases
(tests/crisis/cases.jsonl) and the held-out blind rounds: round 12 (tests/crisis/heldout.jsonl) and every
tests/crisis/round*.jsonl (round 13: 16 personas unlike the earlier writers, 88 posts in Spanish or Spanglish),
which were never tuned on. Prints recall, urgent recall, precision and the share of hard (frightening-but-safe)
posts flagged, against the targets 97 / 95 / 90 / at most 5, then every post whose level moved from the
committed baseline (tests/crisis/baseline.tsv: set, id, text hash, level). `--write-baseline` records the
levels as they are now; commit it with the lexicon change that moved them.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from forum.crisis.detector import assess  # noqa: E402

CRISIS_TESTS = ROOT / "tests/crisis"
BASELINE = CRISIS_TESTS / "baseline.tsv"
# Persona-labelled files beside the rounds (same fields as round13.jsonl), each a set named after its file when it
# is present: bench/crisis_train.py scores them leave-one-writer-out and trains the shipped model on them.
PERSONA_FILES = ["personas15.jsonl", "personas15b.jsonl"]
# Blind rounds kept apart from training and from leave-one-writer-out, scored before any change that followed them.
HELD_OUT_FILES = {"round 15": "heldout15.jsonl", "round 15es": "heldout15es.jsonl"}


def sample_path() -> Path | None:
    """The shared labelled sample, which lives outside the repository (None when it is not here)."""
    candidates = [os.environ.get("CRISIS_SAMPLE", ""), str(ROOT.parent / "shared/crisis/examples.jsonl")]
    candidates.append("/work/shared/crisis/examples.jsonl")
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


def labelled_sets() -> dict[str, Path]:
    """Every labelled set by name, in the order the figures are printed."""
    sets = {"sample": sample_path(), "cases": CRISIS_TESTS / "cases.jsonl", "round 12": CRISIS_TESTS / "heldout.jsonl"}
    # round13.jsonl is "round 13"; round14es.jsonl (a round written in Spanish) is "round 14es".
    rounds = sorted(
        CRISIS_TESTS.glob("round*.jsonl"), key=lambda p: (int("".join(filter(str.isdigit, p.stem))), p.stem)
    )
    for path in rounds:
        sets[f"round {path.stem.removeprefix('round')}"] = path
    for name, file in HELD_OUT_FILES.items():
        sets[name] = CRISIS_TESTS / file
    for name in PERSONA_FILES:
        sets[Path(name).stem] = CRISIS_TESTS / name if (CRISIS_TESTS / name).is_file() else None
    return {name: path for name, path in sets.items() if path is not None}


def read_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def text_hash(text: str) -> str:
    """A short fingerprint of a post, so a baseline row whose text was edited reads as a different post."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def current_levels(sets: dict[str, Path]) -> dict[tuple[str, str, str], str]:
    """(set, id, text hash) -> the level the flagger gives that post now."""
    return {
        (name, row["id"], text_hash(row["text"])): assess(row["text"]).level.value
        for name, path in sets.items()
        for row in read_rows(path)
    }


def read_baseline(path: Path = BASELINE) -> dict[tuple[str, str, str], str]:
    rows = (line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()[1:] if line)
    return {(name, case, digest): level for name, case, digest, level in rows}


def write_baseline(levels: dict[tuple[str, str, str], str], path: Path = BASELINE) -> None:
    lines = ["set\tid\ttext_sha256_12\tlevel", *("\t".join((*key, level)) for key, level in levels.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def moved(baseline: dict, levels: dict) -> list[tuple[str, str, str, str]]:
    """(set, id, level in the baseline, level now) for every post of the baseline whose level changed.

    A post the baseline does not hold (a replaced sample, a new round) is new, not moved.
    """
    return [(k[0], k[1], baseline[k], v) for k, v in levels.items() if k in baseline and baseline[k] != v]


def figures(rows: list[dict], got: list[str]) -> dict[str, float]:
    risky = [g for r, g in zip(rows, got, strict=True) if r["level"] != "none"]
    urgent = [g for r, g in zip(rows, got, strict=True) if r["level"] == "urgent"]
    flagged = [r for r, g in zip(rows, got, strict=True) if g != "none"]
    hard = [g for r, g in zip(rows, got, strict=True) if r["level"] == "none" and "hard" in r["tags"]]
    concern = [g for r, g in zip(rows, got, strict=True) if r["level"] == "concern"]
    return {
        "posts": len(rows),
        "recall": sum(g != "none" for g in risky) / max(1, len(risky)),
        "urgent recall": sum(g == "urgent" for g in urgent) / max(1, len(urgent)),
        "precision": sum(r["level"] != "none" for r in flagged) / max(1, len(flagged)),
        "hard flagged": sum(g != "none" for g in hard) / max(1, len(hard)),
        "concern rated urgent": sum(g == "urgent" for g in concern) / max(1, len(concern)),
    }


def print_figures(sets: dict[str, Path], levels: dict[tuple[str, str, str], str]) -> None:
    print(f"{'set':<10} {'lang':<5} {'posts':>5} {'recall':>7} {'urgent':>7} {'precision':>9} {'hard':>6}")
    for name, path in sets.items():
        rows = read_rows(path)
        got = [levels[(name, r["id"], text_hash(r["text"]))] for r in rows]
        for lang in ("all", "en", "es"):
            picked = [(r, g) for r, g in zip(rows, got, strict=True) if lang == "all" or r.get("lang") == lang]
            if not picked or (lang != "all" and len(picked) == len(rows)):
                continue
            f = figures([r for r, _ in picked], [g for _, g in picked])
            print(
                f"{name:<10} {lang:<5} {f['posts']:>5} {f['recall']:>7.1%} {f['urgent recall']:>7.1%}"
                f" {f['precision']:>9.1%} {f['hard flagged']:>6.1%}"
            )


def main(argv: list[str]) -> int:
    sets = labelled_sets()
    levels = current_levels(sets)
    print_figures(sets, levels)
    if "--write-baseline" in argv:
        write_baseline(levels)
        print(f"\nwrote {len(levels)} levels to {BASELINE.relative_to(ROOT)}")
        return 0
    baseline = read_baseline()
    changes = moved(baseline, levels)
    new = sum(k not in baseline for k in levels)
    print(f"\nagainst {BASELINE.relative_to(ROOT)}: {len(changes)} moved, {new} not in the baseline")
    for name, case, before, now in changes:
        print(f"  {name:<10} {case:<10} {before:>7} -> {now}")
    return 1 if changes else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
