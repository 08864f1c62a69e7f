"""The dependency rules of docs/decisions/0006-dependencies.md hold: no import cycle between
modules, and the import-linter contracts of pyproject.toml (apps depend one way; the access
package reads only models; the matching engine is plain Python)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[3]


def _cycles() -> list[list[str]]:
    """Strongly connected components of the import graph (every import, also inside functions;
    imports for type checking only, tests and migrations left out), by Tarjan's algorithm."""
    graph = grimp.build_graph(
        "simpul", include_external_packages=False, exclude_type_checking_imports=True
    )
    modules = [m for m in graph.modules if ".tests" not in m and ".migrations" not in m]
    edges = {
        m: {i for i in graph.find_modules_directly_imported_by(m) if i in modules} for m in modules
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for m in sorted(modules):
        if m not in index:
            visit(m)
    return found


def test_no_import_cycle_between_modules():
    assert _cycles() == []


def test_the_import_contracts_are_kept():
    done = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
