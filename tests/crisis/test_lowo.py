"""Leave-one-writer-out (bench/crisis_lowo.py): a writer's posts never reach the model that scores them."""

import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from crisis_lowo import folds, train  # noqa: E402

from forum.crisis.features import feature_set  # noqa: E402

# Three writers, each with a word no other writer uses, and two posts without a writer (training only).
WRITERS = {"a": "zebra", "b": "quokka", "c": "axolotl"}
POSTS = [
    ("i want to end it tonight", "urgent"),
    ("i feel hopeless and alone", "concern"),
    ("went to a meeting, good day", "none"),
]


def synthetic_rows() -> list[dict]:
    rows = [
        {"text": f"{word} {text}", "level": level, "tags": [], "writer": writer}
        for writer, word in WRITERS.items()
        for text, level in POSTS
    ]
    rows += [{"text": text, "level": level, "tags": [], "writer": None} for text, level in POSTS[:2]]
    for r in rows:
        r["feats"] = dict.fromkeys(feature_set(r["text"]), 1)
    return rows


def test_each_writer_is_scored_only_by_a_fold_without_their_posts():
    rows = synthetic_rows()
    seen = []
    for writer, train_i, test_i in folds(rows):
        seen.append(writer)
        assert {rows[i]["writer"] for i in test_i} == {writer}
        assert all(rows[i]["writer"] != writer for i in train_i)
        assert sorted(train_i + test_i) == list(range(len(rows)))  # every other post trains, writerless ones too
    assert seen == ["a", "b", "c"]


def test_a_writers_own_words_carry_no_weight_in_their_fold_model():
    rows = synthetic_rows()
    vec = DictVectorizer()
    x = vec.fit_transform([r["feats"] for r in rows]).tocsr()
    names = np.array(vec.feature_names_, dtype=object)
    for writer, train_i, _test_i in folds(rows):
        reader = train(x, rows, names, train_i, threshold=0.5)
        own = WRITERS[writer]
        others = set(WRITERS.values()) - {own}
        for head in (reader.attention, reader.urgent):
            assert not any(own in name.split() for name in head.weights)  # never seen in training
            assert any(o in name.split() for o in others for name in head.weights)  # other writers were
