"""Every function in forum/ fits on a screen: under 60 lines, decorators and docstring included."""

from __future__ import annotations

import ast
from pathlib import Path

FORUM = Path(__file__).resolve().parent.parent / "forum"
MAX_LINES = 60


def long_functions(root: Path, skip: set[Path] = frozenset()) -> list[str]:
    """`path:line name (n lines)` for each function of `MAX_LINES` lines or more under root."""
    found = []
    for path in sorted(root.rglob("*.py")):
        if any(path.is_relative_to(folder) for folder in skip):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                start = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
                lines = node.end_lineno - start + 1
                if lines >= MAX_LINES:
                    found.append(f"{path.relative_to(root.parent)}:{start} {node.name} ({lines} lines)")
    return found


def test_every_function_is_under_60_lines():
    assert long_functions(FORUM) == []


def test_the_check_sees_a_long_function(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    body = "\n".join(f"    x{n} = {n}" for n in range(MAX_LINES))
    (package / "long.py").write_text(f"def long():\n{body}\n")
    (package / "short.py").write_text("def short():\n    return 1\n")
    assert long_functions(package) == [f"pkg/long.py:1 long ({MAX_LINES + 1} lines)"]
