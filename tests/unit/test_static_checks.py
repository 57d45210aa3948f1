"""Source checks for classes of bug that a test of one payload would not find next time.

Template source must be a constant written in this repository: a template compiled from a
string built at run time can hold what a user typed (issue 21, class 1).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(p for d in ("app", "simulator") for p in (ROOT / d).rglob("*.py"))
# Calls whose first argument is compiled as a Jinja2 template (folium/branca's Element too).
COMPILERS = {"Template", "render_template_string", "from_string", "Element", "Markup"}


def called_name(node: ast.Call) -> str | None:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def string_template_names(tree: ast.Module) -> set[str]:
    """Names bound to string.Template: `$name` substitution, which never evaluates anything."""
    return {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
            and n.module == "string" for a in n.names if a.name == "Template"}


def non_constant_templates(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), str(path))
    safe = string_template_names(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or called_name(node) not in COMPILERS:
            continue
        if called_name(node) in safe:
            continue
        source = node.args[0] if node.args else next(
            (k.value for k in node.keywords if k.arg in ("template", "source")), None)
        if source is not None and not (isinstance(source, ast.Constant)
                                       and isinstance(source.value, str)):
            found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)[:80]}")
    return found


def test_the_check_finds_a_template_built_from_data(tmp_path):
    bad = tmp_path / "probe.py"
    bad.write_text("import folium\nfrom jinja2 import Template\n"
                   "def f(name):\n    Template('ok')\n    folium.Element(f'<b>{name}</b>')\n"
                   "    Template(name)\n")
    assert [line.split(": ")[0] for line in non_constant_templates(bad)] == [
        "probe.py:5", "probe.py:6"]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_is_compiled_from_anything_but_a_constant(path):
    assert non_constant_templates(path) == []


# Outgoing HTTP to a URL a user gave must go through the vetted session (issue 21, class 3):
# only these modules may import an HTTP client at all, each for URLs it may reach.
HTTP_CLIENT_LIBRARIES = ("requests", "urllib.request", "urllib3", "http.client", "httpx")
HTTP_CLIENTS = {
    "app/notify/webhooks/targets.py": "the vetted session every webhook goes through",
    "app/notify/webhooks/delivery.py": "posts through that session only (and its exceptions)",
    "app/notify/providers.py": "the SMS gateway, a URL from configuration only",
    "app/ops/demo.py": "the server's own /healthz, at INTERNAL_URL",
}
# A request header must never decide where a credential or a link goes (class 4): only
# tracking links answered to the seller who asked may fall back to the request's host.
HOST_READERS = {
    "app/web/api/routes.py": "the registering seller's own tracking links",
    "app/web/pages/dashboard.py": "the signed-in seller's copy-link button",
}


def imported_modules(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_only_known_modules_import_an_http_client():
    found = set()
    for path in (ROOT / "app").rglob("*.py"):
        mods = imported_modules(ast.parse(path.read_text(), str(path)))
        if any(m == lib or m.startswith(lib + ".") for m in mods
               for lib in HTTP_CLIENT_LIBRARIES):
            found.add(str(path.relative_to(ROOT)))
    assert found <= set(HTTP_CLIENTS), f"new HTTP client in {sorted(found - set(HTTP_CLIENTS))}"


def test_only_known_modules_read_the_requests_host():
    found = set()
    for path in (ROOT / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (isinstance(node, ast.Attribute) and node.attr in ("host_url", "host", "url_root")
                    and isinstance(node.value, ast.Name) and node.value.id == "request"):
                found.add(str(path.relative_to(ROOT)))
    assert found <= set(HOST_READERS), f"reads the Host header: {sorted(found - set(HOST_READERS))}"
