"""The lexicon is data, one file per language, read only when the detector is loaded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from forum.crisis.detector import load
from forum.crisis.loader import LANGUAGES, LEXICON_DIR, alternatives, read_lexicon, sequence

ROOT = Path(__file__).resolve().parents[2]
# The longest single regex string a lexicon file may hold: longer ones are written as lists.
LONGEST_STRING = 200


def _strings(value: object, key: str = "") -> list[str]:
    if isinstance(value, str):
        return [] if key == "notes" else [value]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v, key)]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(v, k)]
    return []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_lexicon_writes_alternatives_as_lists_not_long_strings(lang: str) -> None:
    data = json.loads((LEXICON_DIR / f"{lang}.json").read_text(encoding="utf-8"))
    longest = max(_strings(data), key=len)
    assert len(longest) <= LONGEST_STRING, longest[:80]


def test_lists_compile_to_groups_and_sequences() -> None:
    assert alternatives(["took", "swallowed"]) == "(?:took|swallowed)"
    assert (
        sequence([["took", "ate"], " ", ["all", ["the ", ["pills", "meds"]]]])
        == "(?:took|ate) (?:all|the (?:pills|meds))"
    )
    assert alternatives("as written") == sequence("as written") == "as written"


def test_spanish_patterns_live_in_es_json() -> None:
    en = json.loads((LEXICON_DIR / "en.json").read_text(encoding="utf-8"))
    patterns = " ".join(_strings([spec["patterns"] for spec in en["categories"].values()]))
    for word in ("matarme", "suicidarme", "quitarme la vida", "cortarme", "no quiero vivir"):
        assert word not in patterns, word
    merged = read_lexicon()
    assert "matarme" in " ".join(_strings(merged["categories"]["suicidal_intent"]["patterns"]))


def test_a_language_may_only_add_to_categories_english_defines(tmp_path: Path) -> None:
    (tmp_path / "en.json").write_text(json.dumps({"categories": {"ideation": {"patterns": ["a"]}}, "context": {}}))
    (tmp_path / "es.json").write_text(json.dumps({"categories": {"nueva": {"patterns": ["b"]}}}))
    with pytest.raises(ValueError, match="nueva"):
        read_lexicon(tmp_path)
    (tmp_path / "es.json").write_text(json.dumps({"categories": {"ideation": {"patterns": ["b"]}}}))
    assert read_lexicon(tmp_path)["categories"]["ideation"]["patterns"] == ["a", "b"]


def test_importing_the_detector_reads_neither_lexicon_nor_model() -> None:
    code = (
        "import forum.crisis.detector as d, forum.crisis.model as m; "
        "print(len(d._loaded), len(m._loaded)); d.load(); print(len(d._loaded), len(m._loaded))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)  # noqa: S603
    assert out.stdout.split() == ["0", "0", "1", "1"]


def test_long_patterns_are_kept_whole_so_the_scanner_compiles_fast() -> None:
    # Read off one character at a time, a few 9,000-character patterns made a 940,000-character scanner (2 s and
    # 100 MB to compile at every start); kept whole behind a lookahead, they leave it about a third of that.
    scanner = load().matcher._scanner.pattern
    assert len(scanner) < 450_000
    assert "(?=" in scanner
