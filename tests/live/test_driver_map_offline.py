"""The driver app's street map in a dead zone, in real headless Chromium against gunicorn: the
service worker keeps the archive, answers the map's range requests from it offline, fetches it
again when the server's archive changes, and refuses (and says so) one too large for a phone."""

from __future__ import annotations

import shutil

import requests

from app.basemap.build import build
from simulator.world.synthetic import write_grid_town
from tests.live.test_driver_app import phone, register_route, start
from tests.support.basemap import DRAWN_PIXELS
from tests.support.driver import make_link, seller_session
from tests.support.helpers import STATION
from tests.support.pages import screenshot, wait_until

ARCHIVE = "/basemap/streets.pmtiles"
KEPT_ETAG = """caches.open('doorstep-driver-map').then((c) => c.match('/basemap/streets.pmtiles'))
  .then((r) => (r ? r.headers.get('ETag') : null))"""


def range_from_page(page, header: str) -> dict:
    """What the page's own fetch of the archive gets (through the service worker)."""
    return page.evaluate("""async (range) => {
      const r = await fetch('/basemap/streets.pmtiles', { headers: { Range: range } });
      return { status: r.status, range: r.headers.get('Content-Range'),
        etag: r.headers.get('ETag'), bytes: Array.from(new Uint8Array(await r.arrayBuffer())) };
    }""", header)


def server_etag(base: str) -> str:
    return requests.get(base + ARCHIVE, headers={"Range": "bytes=0-0"}, timeout=10).headers["ETag"]


def open_app(browser, server):
    reg = register_route(server.url)
    session, csrf = seller_session(server.url)
    context, page, errors = phone(browser, STATION["lat"], STATION["lon"])
    page.goto(make_link(session, csrf, server.url, reg["route_id"]))
    wait_until(page, "document.getElementById('next-title').textContent.includes('Stop 1')")
    wait_until(page, "navigator.serviceWorker.controller !== null", 20)
    return context, page, errors


def test_the_map_draws_its_streets_offline_and_follows_a_new_archive(
        live_server_factory, browser, street_map, tmp_path):
    archive = tmp_path / "map.pmtiles"
    shutil.copy(street_map, archive)
    server = start(live_server_factory, tmp_path, BASEMAP=str(archive))
    context, page, errors = open_app(browser, server)
    wait_until(page, f"{KEPT_ETAG}.then((e) => e === {server_etag(server.url)!r})", 20)

    context.set_offline(True)
    page.reload()  # reopened in a dead zone: the shell, and now the map, from the phone
    wait_until(page, "document.getElementById('next-title').textContent.includes('Stop 1')", 20)
    page.wait_for_selector(".vector-basemap .leaflet-tile-container canvas")
    wait_until(page, f"{DRAWN_PIXELS} > 2000", timeout=20)
    assert page.locator(".offline-note").count() == 0  # no "cannot be reached"
    page.set_viewport_size({"width": 360, "height": 1000})  # the map, below the stop
    page.wait_for_timeout(500)
    screenshot(page, tmp_path, "driver-app-map-offline-360")
    data = archive.read_bytes()
    got = range_from_page(page, "bytes=100-1123")
    assert got["status"] == 206 and got["range"] == f"bytes 100-1123/{len(data)}"
    assert bytes(got["bytes"]) == data[100:1124]
    assert range_from_page(page, "bytes=-16")["bytes"] == list(data[-16:])
    past = range_from_page(page, f"bytes={len(data)}-")
    assert past["status"] == 416 and past["range"] == f"bytes */{len(data)}"

    # The server's archive is rebuilt (another extract): the phone's copy follows its ETag.
    context.set_offline(False)
    town = build(write_grid_town(tmp_path / "town.osm.pbf", size=4), tmp_path / "town.pmtiles")
    shutil.copy(town.path, archive)
    new_etag = server_etag(server.url)
    page.reload()
    wait_until(page, f"{KEPT_ETAG}.then((e) => e === {new_etag!r})", 20)
    context.set_offline(True)
    got = range_from_page(page, "bytes=0-99")
    assert got["etag"] == new_etag and bytes(got["bytes"]) == archive.read_bytes()[:100]
    kept = archive.read_bytes()

    # Online, but the server cannot serve the map (a broken archive: 503): the copy still can.
    context.set_offline(False)
    archive.write_bytes(b"not an archive at all")
    assert requests.get(server.url + ARCHIVE, timeout=10).status_code == 503
    got = range_from_page(page, "bytes=0-99")
    assert got["status"] == 206 and bytes(got["bytes"]) == kept[:100]
    assert errors == []
    context.close()


def test_a_map_too_large_for_the_phone_is_not_kept_and_the_driver_is_told(
        live_server_factory, browser, street_map, tmp_path):
    server = start(live_server_factory, tmp_path, DRIVER_MAP_MAX_BYTES="50000")
    context, page, errors = open_app(browser, server)
    page.reload()  # the map's ranges now pass through the worker
    page.wait_for_selector(".warning-map", timeout=20000)
    assert "too large to keep on this phone" in page.text_content(".warning-map")
    assert page.evaluate(KEPT_ETAG) is None
    assert errors == []
    context.close()
