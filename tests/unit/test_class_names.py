"""Names that explain themselves: no two classes in the app, the simulator, rules/ and bench/
share a name (there were two `Fix`, `Driver`, `Block`, `Order`, three `Report`), so a name read
anywhere says which thing it is without looking at the import."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("app", "simulator", "rules", "bench")


def _classes(source: str) -> set[str]:
    return {n.name for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ClassDef)}


def duplicates(modules: dict[str, str]) -> dict[str, list[str]]:
    """Class names defined in more than one module, with the modules."""
    where = defaultdict(list)
    for module, source in sorted(modules.items()):
        for name in _classes(source):
            where[name].append(module)
    return {name: found for name, found in where.items() if len(found) > 1}


def test_every_class_name_is_defined_once():
    modules = {p.relative_to(ROOT).as_posix(): p.read_text()
               for top in PACKAGES for p in (ROOT / top).rglob("*.py")
               if "vendor" not in p.parts}
    assert len(modules) > 100  # the scan sees the code
    assert duplicates(modules) == {}


def test_the_scan_finds_a_name_used_twice():
    assert duplicates({"a.py": "class Fix:\n    pass\n", "b.py": "class Fix(tuple): ...\n",
                       "c.py": "def f():\n    class Other: ...\n"}) == {"Fix": ["a.py", "b.py"]}
