"""The driver app opens in a dead zone only if its service worker keeps every file the page
loads: the scripts the page's module imports, followed to the end (an outside check found the
app hanging offline on a script added to the street map later)."""

from __future__ import annotations

import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "app" / "static"
IMPORT = re.compile(r"""^\s*import\s+(?:[\w*{}\s,]+\s+from\s+)?["'](\.{1,2}/[^"']+)["']""",
                    re.MULTILINE)


def imports_of(path: Path, seen: set[Path]) -> set[Path]:
    if path in seen:
        return seen
    seen.add(path)
    for rel in IMPORT.findall(path.read_text()):
        imports_of((path.parent / rel).resolve(), seen)
    return seen


def test_the_service_worker_keeps_every_script_the_app_imports():
    worker = (STATIC / "js" / "drive-sw.js").read_text()
    shell = set(re.findall(r'"(/static/[^"]+)"', worker))
    needed = {"/static/" + p.relative_to(STATIC).as_posix()
              for p in imports_of((STATIC / "js" / "drive.js").resolve(), set())}
    assert needed - shell == set(), "add these to SHELL in drive-sw.js (and rename CACHE)"
