"""The route report carries the street map for when it is opened from the server."""

from __future__ import annotations

from tests.support.helpers import register
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
    assert "script-src 'unsafe-inline' data: 'self';" in csp
    assert "connect-src 'self'" in csp


def test_raster_tiles_stay_a_tile_layer(app):
    app.extensions["doorstep"].basemap = app.extensions["doorstep"].basemap.__class__(
        "raster", "https://tile.example.org/{z}/{x}/{y}.png", "Example")
    resp = report(app.test_client())
    html = resp.get_data(as_text=True)
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
