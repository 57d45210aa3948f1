"""BASEMAP=<a MapLibre style URL>: a style, its TileJSON and its vector tiles served by a small
server of the test's own (tiles read from the bundled map's archive), drawn by maplibre-gl in
real headless Chromium on the customer page, credited from the style's source, under a CSP
that lets that host in and nothing else."""

from __future__ import annotations

import gzip
import io
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
import requests
from PIL import Image

from app.basemap.archive import open_reader
from tests.support.helpers import STATION, STOPS, fix_between, register
from tests.support.pages import screenshot, text_of, wait_until
from tests.support.servers import free_port

WATER, ROAD = (30, 144, 255), (200, 0, 120)  # colours no other part of the page uses
CREDIT = ('<a href="https://www.openstreetmap.org/copyright">© OpenStreetMap</a> test tiles'
          '<img src="x" onerror="window.injected=1">')


def style(base: str) -> dict:
    return {"version": 8, "sources": {"streets": {"type": "vector", "url": f"{base}/tiles.json"}},
            "layers": [
                {"id": "land", "type": "background", "paint": {"background-color": "#f6f4ee"}},
                {"id": "water", "type": "fill", "source": "streets", "source-layer": "water",
                 "paint": {"fill-color": "rgb({},{},{})".format(*WATER)}},
                {"id": "roads", "type": "line", "source": "streets", "source-layer": "roads",
                 "paint": {"line-color": "rgb({},{},{})".format(*ROAD), "line-width": 3}}]}


@pytest.fixture
def style_server(street_map):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    f, reader = open_reader(street_map)
    asked = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            asked.append(self.path)
            tile = re.fullmatch(r"/tiles/(\d+)/(\d+)/(\d+)\.pbf", self.path)
            if self.path == "/style.json":
                body, kind = json.dumps(style(base)).encode(), "application/json"
            elif self.path == "/tiles.json":
                body = json.dumps({"tilejson": "3.0.0", "tiles": [base + "/tiles/{z}/{x}/{y}.pbf"],
                                   "minzoom": 10, "maxzoom": 16, "attribution": CREDIT}).encode()
                kind = "application/json"
            elif tile:
                data = reader.get(*map(int, tile.groups()))
                body, kind = (gzip.decompress(data) if data else b""), "application/x-protobuf"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield base, asked
    httpd.shutdown()
    httpd.server_close()
    f.close()


def pixels(page, colour) -> int:
    img = np.asarray(Image.open(io.BytesIO(page.screenshot())).convert("RGB"), dtype=int)
    return int((np.abs(img - np.array(colour)).sum(axis=2) < 30).sum())


def test_a_maplibre_style_draws_the_streets_credited_from_its_sources(
        live_server_factory, browser, style_server, tmp_path):
    base, asked = style_server
    server = live_server_factory(BASEMAP=base + "/style.json")
    csp = requests.get(server.url + "/track", timeout=10).headers["Content-Security-Policy"]
    assert f"connect-src 'self' {base}" in csp and f"img-src 'self' data: blob: {base}" in csp
    reg = register(requests, server.url)
    a, b = (STATION["lat"], STATION["lon"]), STOPS[0][:2]
    requests.post(f"{server.url}/api/v1/positions", json=fix_between(a, b, 0.3, 10),
                  headers={"Authorization": f"Bearer {reg['driver_token']}"}, timeout=5)
    problems = []
    for width, height in ((1280, 800), (360, 740)):
        page = browser.new_page(viewport={"width": width, "height": height})
        page.on("console", lambda m: m.type == "error" and problems.append(m.text))
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(server.url + "/track/" + reg["shipments"][0]["token"])
        page.wait_for_selector(".style-basemap .leaflet-gl-layer canvas", timeout=30000)
        wait_until(page, "document.querySelector('.offline-note') === null")
        for _ in range(60):  # maplibre draws once its worker has parsed the tiles
            if pixels(page, ROAD) > 500:
                break
            page.wait_for_timeout(500)
        assert pixels(page, ROAD) > 500
        assert any(p.startswith("/tiles/16/") or p.startswith("/tiles/15/") for p in asked)
        credit = text_of(page, ".leaflet-control-attribution")
        assert "© OpenStreetMap test tiles" in credit
        assert page.locator(".leaflet-control-attribution img").count() == 0
        assert page.evaluate("window.injected") is None
        assert problems == [], problems
        screenshot(page, tmp_path, f"basemap-style-{width}")
        page.close()
