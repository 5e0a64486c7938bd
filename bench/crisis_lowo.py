"""Leave-one-writer-out: the flagger on writers its model never read (`make crisis-eval`, after the rounds table).

Writers are the personas of the rounds whose posts name one (WRITER_SETS: round 13, round 14, round 14es; a
persona id is read within its set, so round 13's "p01" and round 14's "R14EN-p01" are different writers). For each
writer, the model is trained exactly as bench/crisis_model_eval.py trains the shipped one (same features, C,
class weights, pruning, urgent threshold) on every other labelled post, then the detector scores that writer's
posts with it (detector.assess with ``reader=``: the rules and the model combined as in production). Posts without
a persona (the shared sample, cases.jsonl, round 12 and the everyday demo posts) are training only, never scored.
The attention threshold is the shipped one: it was chosen by cross-validation on the sample and cases, which hold
none of these writers' posts.

Prints, per language and overall, recall / urgent recall / precision / hard flagged averaged over writers (macro;
a writer with no post of a kind is left out of that average) and pooled over their posts (micro), for the rules
alone, the rules + the shipped model, and the rules + the writer's fold model. ``--lower`` also tries letting the
fold model lower a rules-only hit (no always-urgent category) below a set of attention probabilities.
Deterministic (lbfgs from zero, no sampling); about two minutes on one core.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402
from crisis_model_eval import PRUNE, URGENT_THRESHOLD, C, everyday  # noqa: E402
from crisis_rounds import figures, labelled_sets, read_rows  # noqa: E402
from sklearn.feature_extraction import DictVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from forum.crisis import model  # noqa: E402
from forum.crisis.detector import assess, load  # noqa: E402
from forum.crisis.features import feature_set  # noqa: E402
from forum.crisis.verdict import Level  # noqa: E402

WRITER_SETS = ("round 13", "round 14", "round 14es")  # the sets whose rows name their writer ("persona")
KINDS = ("recall", "urgent recall", "precision", "hard flagged")
LOWER_AT = (0.02, 0.05, 0.1, 0.2)  # attention probabilities tried with --lower
CHAR_NGRAMS = range(3, 6)  # --char: character 3- to 5-grams of the folded text beside the words


def with_char_ngrams(folded: str) -> set[str]:
    """The shipped features plus every character 3-5-gram of the folded text (marked "#", apart from words)."""
    out = feature_set(folded)
    for n in CHAR_NGRAMS:
        out.update("#" + folded[i : i + n] for i in range(len(folded) - n + 1))
    return out


def labelled_rows(featurize: Callable[[str], set[str]] = feature_set) -> list[dict]:
    """Every labelled post with its features and, for the persona rounds, its writer ("set:persona")."""
    norm = load().normalizer
    rows = []
    for name, path in labelled_sets().items():
        for r in read_rows(path):
            writer = f"{name}:{r['persona']}" if name in WRITER_SETS else None
            rows.append({**r, "set": name, "writer": writer})
    rows += [{**r, "set": "everyday", "writer": None} for r in everyday()]
    for r in rows:
        r["feats"] = dict.fromkeys(featurize(norm.fold(r["text"]).text), 1)
    return rows


def folds(rows: list[dict]) -> Iterator[tuple[str, list[int], list[int]]]:
    """(writer, training row indices, that writer's row indices) for each writer, in sorted order."""
    for writer in sorted({r["writer"] for r in rows if r["writer"]}):
        yield (
            writer,
            [i for i, r in enumerate(rows) if r["writer"] != writer],
            [i for i, r in enumerate(rows) if r["writer"] == writer],
        )


def _head(x, y: np.ndarray, names: np.ndarray, threshold: float) -> dict:
    fitted = LogisticRegression(C=C, class_weight="balanced", max_iter=2000).fit(x, y)
    keep = np.abs(fitted.coef_[0]) >= PRUNE
    weights = dict(zip(names[keep].tolist(), np.round(fitted.coef_[0][keep], 4).tolist(), strict=True))
    return {"bias": round(float(fitted.intercept_[0]), 4), "weights": weights, "threshold": threshold}


def train(
    x, rows: list[dict], names: np.ndarray, train_i: list[int], threshold: float, featurize=feature_set
) -> model.Model:
    """Both heads trained on ``train_i`` only, as crisis_model_eval.fit trains them, pruned as the export prunes.

    ``x`` is vectorised once over every post: a column no training post has stays at weight zero (L2 from zero),
    so this is the model a vectoriser fitted on the fold alone would give.
    """
    xs = x[train_i]
    levels = np.array([rows[i]["level"] for i in train_i])
    return model.Model(
        {
            "version": "lowo",
            "attention": _head(xs, levels != "none", names, threshold),
            "urgent": _head(xs, levels == "urgent", names, URGENT_THRESHOLD),
        },
        featurize,
    )


def lowered(a, reader: model.Model, folded: str, below: float) -> str:
    """A rules-only hit with no always-urgent category, lowered to none when the model's attention is under ``below``."""
    if a.level == Level.NONE or any(m.category == "model" or m.level == Level.URGENT for m in a.matches):
        return a.level.value
    return "none" if reader.attention.probability(feature_set(folded)) < below else a.level.value


def run(rows: list[dict], lower: bool = False, featurize=feature_set) -> dict[str, dict[int, str]]:
    """Level of every persona post under each reading: rules alone, shipped model, fold model (and lowering)."""
    names_vec = DictVectorizer()
    x = names_vec.fit_transform([r["feats"] for r in rows]).tocsr()
    names = np.array(names_vec.feature_names_, dtype=object)
    threshold = model.threshold()
    norm = load().normalizer
    got: dict[str, dict[int, str]] = {"rules alone": {}, "rules + shipped model": {}, "rules + fold model": {}}
    for t in LOWER_AT if lower else ():
        got[f"fold model lowers < {t}"] = {}
    for _writer, train_i, test_i in folds(rows):
        reader = train(x, rows, names, train_i, threshold, featurize)
        for i in test_i:
            text = rows[i]["text"]
            got["rules alone"][i] = assess(text, use_model=False).level.value
            got["rules + shipped model"][i] = assess(text).level.value
            a = assess(text, reader=reader)
            got["rules + fold model"][i] = a.level.value
            folded = norm.fold(text).text
            for t in LOWER_AT if lower else ():
                got[f"fold model lowers < {t}"][i] = lowered(a, reader, folded, t)
    return got


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
    }[kind]
    return figures(mine, [levels[i] for i in idx])[kind] if has else None


def print_table(rows: list[dict], got: dict[str, dict[int, str]]) -> None:
    print("\nleave-one-writer-out (targets 97 / 95 / 90 / <=5): macro = mean over writers, micro = pooled posts")
    print(
        f"{'reading':<26} {'lang':<4} {'wr':>3} {'posts':>5} {'avg':<5} {'recall':>7} {'urgent':>7} {'prec':>7} {'hard':>6}"
    )
    for name, levels in got.items():
        for lang in ("all", "en", "es"):
            writers, posts, macro, micro = summary(rows, levels, lang)
            for avg, f in (("macro", macro), ("micro", micro)):
                print(
                    f"{name:<26} {lang:<4} {writers:>3} {posts:>5} {avg:<5}"
                    + "".join(f" {f[k]:>{7 if k != 'hard flagged' else 6}.1%}" for k in KINDS)
                )


def main(argv: list[str]) -> int:
    with threadpool_limits(1):  # one core: the figure the brief's time limit is about
        featurize = with_char_ngrams if "--char" in argv else feature_set
        rows = labelled_rows(featurize)
        if featurize is with_char_ngrams:
            print("\nmodel features: words, word pairs, NOT_ words and character 3-5-grams")
        print_table(rows, run(rows, lower="--lower" in argv, featurize=featurize))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
