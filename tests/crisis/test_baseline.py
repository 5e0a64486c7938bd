"""Every labelled post keeps the level recorded in tests/crisis/baseline.tsv (`make crisis-eval` diffs the same)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from crisis_rounds import BASELINE, current_levels, labelled_sets, moved, read_baseline  # noqa: E402


def test_no_labelled_post_moved_from_the_baseline() -> None:
    baseline = read_baseline()
    levels = current_levels(labelled_sets())
    assert moved(baseline, levels) == []
    # The committed sets are all in the baseline (the sample lives outside the repository and may be replaced).
    assert {k for k in levels if k[0] != "sample"} <= set(baseline)


def test_the_baseline_diff_names_a_post_whose_level_moved(tmp_path: Path) -> None:
    baseline = read_baseline()
    key = next(k for k, level in baseline.items() if level == "urgent")
    levels = {**baseline, key: "none"}
    assert moved(baseline, levels) == [(key[0], key[1], "urgent", "none")]
    assert BASELINE.is_file()
