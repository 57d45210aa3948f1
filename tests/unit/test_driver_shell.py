"""The driver app opens in a dead zone only if its service worker keeps every file the page
loads: the scripts the page's module imports, followed to the end (an outside check found the
app hanging offline on a script added to the street map later)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

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


def worker_url(client) -> str:
    page = client.get("/drive/").get_data(as_text=True)
    config = json.loads(html.unescape(re.search(r'data-config="([^"]+)"', page).group(1)))
    return config["worker"]


def test_the_worker_is_told_which_street_map_to_keep_and_up_to_what_size(client):
    query = parse_qs(urlsplit(worker_url(client)).query)
    assert query == {"map": ["/basemap/streets.pmtiles"], "max": ["20000000"]}


def test_a_street_map_from_elsewhere_is_not_kept():
    from app import create_app

    app = create_app({"TESTING": True, "ASYNC_MODE": "threading", "STORE_URL": "memory://",
                      "DEMO": False, "BASEMAP": "https://tiles.example/{z}/{x}/{y}.png"})
    assert worker_url(app.test_client()) == "/drive/sw.js"
