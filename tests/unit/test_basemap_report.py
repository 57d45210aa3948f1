"""The route report carries the street map for when it is opened from the server."""

from __future__ import annotations

from tests.support.helpers import register
from tests.support.report import report_code
from tests.support.signin import sign_in


def report(client):
    reg = register(client)
    sign_in(client)
    return client.get(f"/dashboard/routes/{reg['route_id']}/report.html")


def test_embedded_streets_load_from_this_server_with_a_note_for_files(client):
    resp = report(client)
    html = resp.get_data(as_text=True)
    assert 'src="/static/js/report-basemap.js"' in html
    assert "opened from the Doorstep server" in html
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self' 'sha256-" in csp
    assert "connect-src 'self'" in csp


def test_the_report_has_no_inline_script_and_its_policy_allows_only_its_own(client):
    """folium writes inline scripts; the report's policy had 'unsafe-inline' (and data:) for
    them. Each is now a data: script with its hash in the policy, so an injected one is refused."""
    import base64
    import hashlib
    import re

    resp = report(client)
    html = resp.get_data(as_text=True)
    csp = resp.headers["Content-Security-Policy"]
    script_src = next(d for d in csp.split("; ") if d.startswith("script-src"))
    assert "unsafe-inline" not in script_src and "data:" not in script_src
    tags = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert len(tags) >= 3 and all(body.strip() == "" for _, body in tags)  # none inline
    sealed = 0
    for attrs, _ in tags:
        src = re.search(r'src="([^"]*)"', attrs).group(1)
        if src.startswith("/static/"):
            continue
        code = base64.b64decode(src.split(",", 1)[1])
        digest = "sha256-" + base64.b64encode(hashlib.sha256(code).digest()).decode()
        assert f'integrity="{digest}"' in attrs and f"'{digest}'" in script_src
        sealed += 1
    assert sealed >= 3  # Leaflet, the popup shim, folium's map


def test_raster_tiles_stay_a_tile_layer(app):
    app.extensions["doorstep"].basemap = app.extensions["doorstep"].basemap.__class__(
        "raster", "https://tile.example.org/{z}/{x}/{y}.png", "Example")
    resp = report(app.test_client())
    html = report_code(resp.get_data(as_text=True))
    assert "https://tile.example.org/{z}/{x}/{y}.png" in html
    assert "report-basemap.js" not in html
    assert "connect-src 'none'" in resp.headers["Content-Security-Policy"]


def test_a_maplibre_style_is_not_drawn_in_the_report_and_it_says_so(app):
    app.extensions["doorstep"].basemap = app.extensions["doorstep"].basemap.__class__(
        "style", "https://maps.example.org/style.json", "")
    resp = report(app.test_client())
    html = resp.get_data(as_text=True)
    assert "draws no streets with a MapLibre style" in html
    assert "report-basemap.js" not in html and "maps.example.org" not in html
    assert "connect-src 'none'" in resp.headers["Content-Security-Policy"]
