"""Leave-one-writer-out: the flagger on writers its model never read (`make crisis-eval`, after the rounds table).

Writers are the personas of the sets whose posts name one (crisis_train.WRITER_SETS: rounds 13, 14 and 14es, and
any persona file in PERSONA_FILES that is present; a persona id is read within its set). For each writer the model
is trained exactly as the shipped one (crisis_train: same features, C, class weights, pruning, int16 buckets) on
every other labelled post but round 12, which stays held out; the detector's own ``combine`` joins its opinion to
the rules' reading of that writer's posts, as production does. Posts without a persona (the sample, cases.jsonl,
the everyday demo posts) are training only.

The model's three thresholds are then chosen on these out-of-fold scores (crisis_train.choose). Two figures:
"thresholds chosen on all writers" (pooled: the writer's own scores took part in the choice, so slightly
optimistic), and "thresholds chosen without the writer" (for each writer, chosen on the other writers' scores only:
the honest one). Prints recall / urgent recall / precision / hard flagged per language, pooled over posts (micro) and
averaged over writers (macro), and the share of concern posts rated urgent. ``--char`` adds the hashed character
n-grams to the features. Deterministic; about five minutes on one core.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import crisis_train  # noqa: E402, F401  (reads --char)
from crisis_rounds import figures  # noqa: E402
from crisis_train import (  # noqa: E402
    SHIPPED,
    Scored,
    choose,
    folds,
    labelled_rows,
    levels_at,
    out_of_fold,
    train,
    vectorise,
)
from threadpoolctl import threadpool_limits  # noqa: E402

from forum.crisis import model  # noqa: E402
from forum.crisis.detector import assess  # noqa: E402

__all__ = ["folds", "train"]  # tests/crisis/test_lowo.py reads them from here
KINDS = ("recall", "urgent recall", "precision", "hard flagged", "concern rated urgent")


def summary(rows: list[dict], levels: dict[int, str], lang: str) -> tuple[int, int, dict, dict]:
    """(writers, posts, macro figures, micro figures) over the persona posts in ``lang`` ("all" for every one)."""
    picked = [i for i in levels if lang == "all" or rows[i].get("lang") == lang]
    by_writer: dict[str, list[int]] = {}
    for i in picked:
        by_writer.setdefault(rows[i]["writer"], []).append(i)
    micro = figures([rows[i] for i in picked], [levels[i] for i in picked])
    macro = {}
    for kind in KINDS:
        vals = [_writer_figure(rows, levels, idx, kind) for idx in by_writer.values()]
        vals = [v for v in vals if v is not None]
        macro[kind] = sum(vals) / len(vals) if vals else float("nan")
    return len(by_writer), len(picked), macro, micro


def _writer_figure(rows: list[dict], levels: dict[int, str], idx: list[int], kind: str) -> float | None:
    """One writer's figure, or None when the writer has no post it can be measured on."""
    mine = [rows[i] for i in idx]
    has = {
        "recall": any(r["level"] != "none" for r in mine),
        "urgent recall": any(r["level"] == "urgent" for r in mine),
        "precision": any(levels[i] != "none" for i in idx),
        "hard flagged": any(r["level"] == "none" and "hard" in r["tags"] for r in mine),
        "concern rated urgent": any(r["level"] == "concern" for r in mine),
    }[kind]
    return figures(mine, [levels[i] for i in idx])[kind] if has else None


def print_table(rows: list[dict], got: dict[str, dict[int, str]]) -> None:
    print("\nleave-one-writer-out (targets 97 / 95 / 90 / <=5): macro = mean over writers, micro = pooled posts")
    print(
        f"{'reading':<40} {'lang':<4} {'wr':>3} {'posts':>5} {'avg':<5}"
        f" {'recall':>7} {'urgent':>7} {'prec':>7} {'hard':>6} {'c->u':>6}"
    )
    for name, levels in got.items():
        for lang in ("all", "en", "es"):
            writers, posts, macro, micro = summary(rows, levels, lang)
            for avg, f in (("macro", macro), ("micro", micro)):
                print(
                    f"{name:<40} {lang:<4} {writers:>3} {posts:>5} {avg:<5}"
                    + "".join(f" {f[k]:>{7 if k in KINDS[:3] else 6}.1%}" for k in KINDS)
                )


def readings(rows: list[dict], scored: list[Scored]) -> dict[str, dict[int, str]]:
    """Each post's level under every reading the table prints."""
    got: dict[str, dict[int, str]] = {
        "rules alone": {s.index: s.rules.level.value for s in scored},
        "rules + shipped model": {s.index: assess(rows[s.index]["text"]).level.value for s in scored},
        "rules + fold model, shipped thresholds": levels_at(scored, SHIPPED),
    }
    pooled = choose(scored)
    print(f"\nthresholds chosen on all writers' out-of-fold scores: {pooled}")
    got["fold model, thresholds on all writers"] = levels_at(scored, pooled)
    nested: dict[int, str] = {}
    for writer in sorted({s.writer for s in scored}):
        others = [s for s in scored if s.writer != writer]
        nested.update(levels_at([s for s in scored if s.writer == writer], choose(others)))
    got["fold model, thresholds without the writer"] = nested
    return got


def main(argv: list[str]) -> int:
    with threadpool_limits(1):  # one core: the figure the brief's time limit is about
        rows = labelled_rows()
        if crisis_train.CHAR:
            print("\nmodel features: words, word pairs, NOT_ words and hashed character 3-5-grams")
        x, names = vectorise(rows)
        scored = out_of_fold(rows, x, names)
        print_table(rows, readings(rows, scored))
        print(f"\nshipped model: {model.load().version}; training and scoring exclude round 12")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
