"""The import graph: no loops, data flows one way (docs/architecture.md).

Read from the source, so imports inside functions and under TYPE_CHECKING count too: a loop
hidden in a function is still a loop a reader has to untangle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("app", "simulator", "bench", "rules")


def _name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for top in PACKAGES for p in (ROOT / top).rglob("*.py")
           if "vendor" not in p.parts}


def _imports(name: str, path: Path) -> set[str]:
    """The project modules `name` imports, wherever in the file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            found.update(f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base
                         for a in node.names)
    out = set()
    for module in found:
        while module and module not in MODULES:
            module = module.rpartition(".")[0]
        # A package importing its own submodules registers them (Flask blueprints): not a loop.
        if module and module != name and not module.startswith(name + "."):
            out.add(module)
    return out


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _loops() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    loops = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                loops.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    return loops


def test_the_graph_is_read():
    assert "app.live.ingest" in GRAPH["app.wiring"]
    assert "simulator.commands" in GRAPH["simulator.cli"]  # imported inside a function
    assert "app.wiring" in GRAPH["app.extensions"]  # imported under TYPE_CHECKING


def test_no_import_loops():
    assert _loops() == []


@pytest.mark.parametrize("core", ["app.domain", "app.live", "app.store", "app.notify",
                                  "app.realtime", "app.access", "app.planning"])
def test_the_core_imports_no_door(core):
    doors = {(m, d) for m, deps in GRAPH.items() if m.startswith(core)
             for d in deps if d.startswith("app.web")}
    assert doors == set()


def test_the_simulator_imports_nothing_from_the_app():
    assert {(m, d) for m, deps in GRAPH.items() if m.startswith("simulator")
            for d in deps if d.startswith("app")} == set()


def test_what_the_app_and_the_simulator_share_imports_neither():
    assert {(m, d) for m, deps in GRAPH.items() if m.startswith("rules")
            for d in deps if d.startswith(("app", "simulator"))} == set()
    assert "rules.hours" in GRAPH["simulator.drive.clock"]
    assert "rules.hours" in GRAPH["app.domain.hours"]
