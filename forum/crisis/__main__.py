"""Assess posts from the command line: JSON lines {"id", "text"} in, {"id", "level", "matches"} out."""

from __future__ import annotations

import json
import sys
from typing import TextIO

from forum.crisis.detector import assess


def run(src: TextIO, dst: TextIO) -> int:
    """Assess every JSON line of ``src``, write one result line each to ``dst``; return the error count."""
    errors = 0
    for lineno, line in enumerate(src, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            text = item["text"]
        except (ValueError, KeyError, TypeError) as exc:
            print(f"line {lineno}: skipped, not a JSON object with a text field ({exc})", file=sys.stderr)
            errors += 1
            continue
        result = assess(text if isinstance(text, str) else str(text))
        out = {
            "id": item.get("id"),
            "level": result.level.value,
            "matches": [{"phrase": m.phrase, "category": m.category} for m in result.matches],
        }
        dst.write(json.dumps(out, ensure_ascii=False) + "\n")
    dst.flush()
    return errors


if __name__ == "__main__":
    sys.exit(1 if run(sys.stdin, sys.stdout) else 0)
