"""Streets drawn from the server's own archive in real Chromium, with the outside network cut."""

from __future__ import annotations

import requests

from tests.live.test_dashboard_browser import drive, sign_in
from tests.support.basemap import DRAWN_PIXELS, WATER_PIXELS, block_outside
from tests.support.helpers import STATION, STOPS, fix_between, register, route_payload
from tests.support.pages import screenshot, text_of, wait_until


def offline_page(browser, width, height, scale=1):
    page = browser.new_page(viewport={"width": width, "height": height},
                            device_scale_factor=scale)
    ranges = []
    page.on("response", lambda r: "/basemap/" in r.url and ranges.append(r.status))
    return page, block_outside(page), ranges


def streets_drawn(page) -> None:
    page.wait_for_selector(".vector-basemap .leaflet-tile-container canvas")
    wait_until(page, f"{DRAWN_PIXELS} > 2000", timeout=15)
    assert page.locator(".offline-note").count() == 0


def test_customer_page_draws_named_streets_offline(live_server, browser, street_map, tmp_path):
    reg = register(requests, live_server.url)
    a, b = (STATION["lat"], STATION["lon"]), STOPS[0][:2]
    requests.post(f"{live_server.url}/api/v1/positions", json=fix_between(a, b, 0.3, 10),
                  headers={"Authorization": f"Bearer {reg['driver_token']}"}, timeout=5)
    page, refused, ranges = offline_page(browser, 360, 740, scale=2)  # a phone's screen
    page.goto(live_server.url + "/track/" + reg["shipments"][0]["token"])
    page.wait_for_selector(".driver-marker")
    streets_drawn(page)
    # Tiles drawn at the screen's resolution: 512 canvas pixels per 256 CSS pixels.
    assert page.evaluate("document.querySelector('.vector-basemap canvas').width") == 512
    assert 206 in ranges  # read by range, not downloaded whole
    assert "OpenStreetMap" in text_of(page, ".leaflet-control-attribution")
    screenshot(page, tmp_path, "basemap-track-360")
    page.close()
    page, refused_wide, _ = offline_page(browser, 1280, 800)
    page.goto(live_server.url + "/track/" + reg["shipments"][0]["token"])
    page.wait_for_selector(".driver-marker")
    streets_drawn(page)
    screenshot(page, tmp_path, "basemap-track-1280")
    assert refused == refused_wide == []  # nothing on the page needed the internet
    page.close()


def test_fleet_map_draws_streets_offline(live_server, browser, street_map, tmp_path):
    drive(live_server.url, "van", frac=0.4)
    drive(live_server.url, "bike", frac=0.7)
    page, refused, _ = offline_page(browser, 1280, 900)
    sign_in(page, live_server.url)
    wait_until(page, "document.querySelectorAll('.fleet-marker').length === 2")
    streets_drawn(page)
    screenshot(page, tmp_path, "basemap-dashboard-1280")
    page.set_viewport_size({"width": 360, "height": 740})
    page.wait_for_timeout(500)
    screenshot(page, tmp_path, "basemap-dashboard-360")
    assert refused == []
    page.close()


def test_the_sea_is_drawn_where_the_coast_has_it(live_server, browser, street_map, tmp_path):
    """A delivery over Pitkasilta, the bridge between Kaisaniemenlahti bay and
    Siltavuorensalmi: the water either side is the sea the build made from the coastline (the
    extract has no water polygon there), so it was drawn as land before."""
    route = route_payload(n_stops=1)
    station, stop = (60.1735, 24.9505), (60.1790, 24.9512)
    route["station"] |= {"lat": station[0], "lon": station[1]}
    route["stops"][0] |= {"lat": stop[0], "lon": stop[1], "address": "Siltasaarenkatu 4"}
    route["legs"] = [[list(station), list(stop)]]
    reg = register(requests, live_server.url, payload=route)
    requests.post(f"{live_server.url}/api/v1/positions", json=fix_between(station, stop, 0.4, 10),
                  headers={"Authorization": f"Bearer {reg['driver_token']}"}, timeout=5)
    for width, height, name in ((360, 740, "basemap-sea-360"), (1280, 800, "basemap-sea-1280")):
        page, refused, _ = offline_page(browser, width, height)
        page.goto(live_server.url + "/track/" + reg["shipments"][0]["token"])
        page.wait_for_selector(".driver-marker")
        streets_drawn(page)
        wait_until(page, f"{WATER_PIXELS} > 1500", timeout=15)
        screenshot(page, tmp_path, name)
        assert refused == []
        page.close()


# A route outside the map, notes at 360 and 1280 px, the view's fit: test_basemap_pages.py.


def test_route_report_draws_streets_from_the_server_and_says_so_as_a_file(
        live_server, browser, street_map, tmp_path):
    reg = drive(live_server.url, "van", frac=0.6)
    page, refused, _ = offline_page(browser, 1280, 800)
    sign_in(page, live_server.url)
    url = f"{live_server.url}/dashboard/routes/{reg['route_id']}/report.html"
    page.goto(url)
    streets_drawn(page)
    assert page.locator("#report-streets-note").count() == 0
    screenshot(page, tmp_path, "basemap-report-1280")
    saved = tmp_path / "report.html"
    saved.write_bytes(page.request.get(url).body())
    page.goto(saved.as_uri())
    page.wait_for_selector(".leaflet-interactive")  # the route is drawn all the same
    assert "opened from the Doorstep server" in text_of(page, "#report-streets-note")
    assert page.locator(".vector-basemap").count() == 0
    assert refused == []
    page.close()


def test_the_dashboard_works_with_no_archive_and_says_so(live_server_factory, browser, tmp_path):
    """A street map not built yet (or a typo in BASEMAP) costs the streets, never the fleet:
    with no tile layer the clusters once threw "Map has no maxZoom specified" and the whole
    dashboard stayed on "Connecting…"."""
    server = live_server_factory(BASEMAP=str(tmp_path / "missing.pmtiles"))
    drive(server.url, "van", frac=0.4)
    page, refused, _ = offline_page(browser, 1280, 900)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, server.url)
    wait_until(page, "document.querySelectorAll('.fleet-marker').length === 1")
    assert page.locator(".offline-note").count() == 1
    assert errors == [] and refused == []
    page.close()
