"""The street map over HTTP (ranges, validators, cache headers), the BASEMAP setting, the CSP."""

from __future__ import annotations

import json
import re

import pytest

from app import create_app
from app.basemap.choice import ARCHIVE_PATH, choose
from tests.support.helpers import register

BASE = {"TESTING": True, "ASYNC_MODE": "threading", "STORE_URL": "memory://"}


@pytest.fixture(scope="module")
def archive(street_map):
    return street_map


def client_for(basemap: str, **extra):
    return create_app({**BASE, "BASEMAP": basemap, **extra}).test_client()


def page_basemap(client) -> dict:
    reg = register(client)
    html = client.get("/track/" + reg["shipments"][0]["token"]).get_data(as_text=True)
    raw = re.search(r'data-config="([^"]+)"', html).group(1)
    return json.loads(raw.replace("&#34;", '"').replace("&quot;", '"').replace("&amp;", "&"))[
        "basemap"]


def test_whole_archive_with_validators_and_cache_headers(archive):
    resp = client_for(str(archive)).get(ARCHIVE_PATH)
    assert resp.status_code == 200
    assert resp.data == archive.read_bytes()
    assert resp.headers["Accept-Ranges"] == "bytes"
    assert resp.headers["ETag"]
    assert "max-age=3600" in resp.headers["Cache-Control"]
    assert "public" in resp.headers["Cache-Control"]


@pytest.mark.parametrize(("header", "start", "end"), [
    ("bytes=0-126", 0, 126),          # the PMTiles header, the reader's first request
    ("bytes=127-16383", 127, 16383),  # the root directory and metadata
    ("bytes=-100", None, None),       # the last 100 bytes
])
def test_byte_ranges(archive, header, start, end):
    size = archive.stat().st_size
    if start is None:
        start, end = size - 100, size - 1
    end = min(end, size - 1)
    resp = client_for(str(archive)).get(ARCHIVE_PATH, headers={"Range": header})
    assert resp.status_code == 206
    assert resp.headers["Content-Range"] == f"bytes {start}-{end}/{size}"
    assert resp.data == archive.read_bytes()[start:end + 1]


def test_unchanged_archive_answers_304(archive):
    client = client_for(str(archive))
    etag = client.get(ARCHIVE_PATH).headers["ETag"]
    again = client.get(ARCHIVE_PATH, headers={"If-None-Match": etag, "Range": "bytes=0-126"})
    assert again.status_code == 304 and again.data == b""


@pytest.mark.parametrize("header", [
    "bytes=abc", "bytes=", "bytes=5-2", "bytes=-", "bytes 0-10", "0-10",
    "items=0-10",                  # a unit we do not know: RFC 9110 says ignore it
    "bytes=0-10,20-30",            # several ranges: answered whole (decided in serve.py)
    "bytes=0-0, -1",
])
def test_a_range_header_we_cannot_use_is_ignored_whole_file_200(archive, header):
    resp = client_for(str(archive)).get(ARCHIVE_PATH, headers={"Range": header})
    assert resp.status_code == 200, header
    assert resp.data == archive.read_bytes()
    assert "Content-Range" not in resp.headers


@pytest.mark.parametrize("start", [0, 10])  # offsets past the end
def test_a_range_past_the_end_is_416_with_the_size(archive, start):
    size = archive.stat().st_size
    resp = client_for(str(archive)).get(ARCHIVE_PATH,
                                        headers={"Range": f"bytes={size + start}-"})
    assert resp.status_code == 416
    assert resp.headers["Content-Range"] == f"bytes */{size}"
    assert resp.json["field"] == "Range"


def test_the_page_gets_the_embedded_map_with_its_bounds(archive):
    basemap = page_basemap(client_for(str(archive)))
    assert basemap["kind"] == "vector" and basemap["url"] == ARCHIVE_PATH
    assert basemap["maxzoom"] == 16 and len(basemap["bounds"]) == 2
    assert "OpenStreetMap" in basemap["attribution"]


def test_a_missing_archive_is_a_grid_and_a_json_404(tmp_path):
    client = client_for(str(tmp_path / "not-built.pmtiles"))
    resp = client.get(ARCHIVE_PATH)
    assert resp.status_code == 404 and resp.json["field"] == "BASEMAP"
    basemap = page_basemap(client)
    assert basemap["kind"] == "none" and "not available" in basemap["note"]


def test_a_raster_url_keeps_todays_tiles_and_its_csp():
    client = client_for("https://{s}.tiles.example.org/{z}/{x}/{y}.png",
                        TILE_ATTRIBUTION="Example tiles")
    assert page_basemap(client) == {"kind": "raster", "attribution": "Example tiles",
                                    "url": "https://{s}.tiles.example.org/{z}/{x}/{y}.png"}
    csp = client.get("/healthz").headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://*.tiles.example.org;" in csp
    assert "connect-src 'self';" in csp
    assert client.get(ARCHIVE_PATH).status_code == 404


def test_a_remote_archive_is_fetched_by_the_browser_from_its_origin():
    client = client_for("https://maps.example.org/city.pmtiles")
    assert page_basemap(client)["url"] == "https://maps.example.org/city.pmtiles"
    csp = client.get("/healthz").headers["Content-Security-Policy"]
    assert "connect-src 'self' https://maps.example.org;" in csp


def test_a_maplibre_style_lets_its_host_in_and_only_in_that_mode():
    client = client_for("https://maps.example.org/styles/streets/style.json")
    basemap = page_basemap(client)  # credited from the style's sources; this if they are silent
    assert basemap == {"kind": "style", "attribution": "&copy; OpenStreetMap contributors",
                       "url": "https://maps.example.org/styles/streets/style.json"}
    csp = client.get("/healthz").headers["Content-Security-Policy"]
    assert "connect-src 'self' https://maps.example.org;" in csp
    assert "img-src 'self' data: blob: https://maps.example.org;" in csp
    assert "blob:" not in client_for("embedded").get("/healthz").headers["Content-Security-Policy"]


@pytest.mark.parametrize("setting", ["ftp://x.org/a.pmtiles", "ftp://x.org/style.json",
                                     "https://x.org/tiles.mbtiles", "maps/city.mbtiles",
                                     "http://127.0.0.1:8080/tiles/{z}/{x}.png"])
def test_bad_settings_name_basemap(setting):
    with pytest.raises(ValueError, match="BASEMAP"):
        choose(setting, "")


def test_tile_url_alone_still_means_raster(monkeypatch):
    monkeypatch.delenv("BASEMAP", raising=False)
    monkeypatch.setenv("TILE_URL", "https://tile.example.org/{z}/{x}/{y}.png")
    app = create_app(BASE)
    assert app.extensions["doorstep"].basemap.kind == "raster"
