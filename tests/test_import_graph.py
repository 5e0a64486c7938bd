"""The import graph is one-way: no cycles, and imports sit at the top of their module.

`lint-imports` (make lint) checks the layer contracts in pyproject.toml; these tests add what a
contract can't say: no cycle anywhere between forum's modules, and no import hidden in a function.
"""

from __future__ import annotations

import ast
from pathlib import Path

import grimp

FORUM = Path(__file__).resolve().parent.parent / "forum"
# The application factory imports every blueprint inside create_app, so that importing one module
# (the detector, a model) doesn't load the whole app.
FACTORY = FORUM / "__init__.py"


def _cycles(graph: grimp.ImportGraph) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


def test_forum_modules_import_each_other_one_way_only():
    graph = grimp.build_graph("forum", cache_dir=None)
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for name in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        graph.add_module(name)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.a")
    graph.add_import(importer="pkg.c", imported="pkg.a")
    assert _cycles(graph) == [{"pkg.a", "pkg.b"}]


def in_function_imports(path: Path) -> list[str]:
    """`file:line` of each import statement inside a function of this file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    found.add(f"{path.relative_to(FORUM.parent)}:{inner.lineno}")
    return sorted(found)


def test_imports_sit_at_the_top_of_their_module():
    hidden = [hit for path in sorted(FORUM.rglob("*.py")) if path != FACTORY for hit in in_function_imports(path)]
    assert hidden == []
