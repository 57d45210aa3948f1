"""The street map on a phone as the pages first open, in real Chromium with the outside cut:
street names at the first zoom, pins clear of the map's controls, and the route report drawn under
its own policy (no inline script) with "outside the map" said only when it is so."""

from __future__ import annotations

import pytest

from tests.live.test_basemap_browser import offline_page, streets_drawn
from tests.live.test_dashboard_browser import drive, sign_in
from tests.support.basemap import LABEL_INK, TILES, assert_note_readable
from tests.support.helpers import STATION, iso
from tests.support.pages import register_payload, screenshot, send_event, send_fix, wait_until

# Every control on the map, and the markers that must stay clear of them.
UNDER_CONTROLS = """((markers) => {
  const controls = [...document.querySelectorAll('.leaflet-control, .report-title')]
    .map((c) => c.getBoundingClientRect()).filter((r) => r.width && r.height);
  const apart = (a, b) => a.right <= b.left || a.left >= b.right || a.bottom <= b.top
    || a.top >= b.bottom;
  const box = document.querySelector('.leaflet-container').getBoundingClientRect();
  return [...document.querySelectorAll(markers)].map((m) => m.getBoundingClientRect())
    .filter((r) => !controls.every((c) => apart(c, r)) || r.left < box.left
      || r.right > box.right || r.top < box.top || r.bottom > box.bottom)
    .map((r) => [Math.round(r.left), Math.round(r.top)]);
})"""


def named_ink(page, scale: int) -> float:
    """Street-name ink on screen in CSS pixels, once the tiles and their labels are drawn."""
    wait_until(page, f"(t => t.count > 0 && t.loaded === t.count)({TILES})", timeout=30)
    page.wait_for_timeout(800)  # labels are laid out after the tiles' geometry
    return page.evaluate(LABEL_INK) / scale ** 2


def door_route(base: str) -> dict:
    """Driver north-west, door south-east: the driver in the zoom buttons' corner, the door in
    the attribution's."""
    door = (60.1668, 24.9500)
    payload = {"driver": {"name": "Aino", "vehicle": "van"}, "timezone": "Europe/Helsinki",
               "station": dict(STATION),
               "stops": [{"lat": door[0], "lon": door[1], "address": "Eteläesplanadi 22",
                          "shipments": [{"recipient": "Maria"}]}]}
    reg = register_payload(base, payload)
    send_fix(base, reg, 60.1712, 24.9418, 10)
    return reg


PINS = "('.destination-marker, .driver-marker, .delivered-label')"


@pytest.mark.parametrize(("width", "height"), [(360, 640), (390, 740), (1280, 800)])
def test_the_pins_stay_clear_of_the_controls(live_server, browser, street_map, tmp_path,
                                             width, height):
    """The view fits the driver and the door with room for the zoom buttons and the credit as
    they are at this width (a fixed padding put the driver under the zoom buttons on a phone)."""
    reg = door_route(live_server.url)
    page, refused, _ = offline_page(browser, width, height, scale=3 if width < 400 else 1)
    page.goto(live_server.url + "/track/" + reg["shipments"][0]["token"])
    page.wait_for_selector(".destination-marker")
    page.wait_for_selector(".driver-marker")
    streets_drawn(page)
    page.wait_for_timeout(300)
    under = page.evaluate(f"{UNDER_CONTROLS}{PINS}")
    screenshot(page, tmp_path, f"basemap-pins-{width}")
    assert under == []
    send_event(live_server.url, reg, {"type": "delivered", "stop": 0, "timestamp": iso(60),
                                      "proof": {"left_at": "front door"}})
    wait_until(page, "document.getElementById('track').dataset.status === 'delivered'")
    page.wait_for_selector(".delivered-label")
    page.wait_for_timeout(300)
    under = page.evaluate(f"{UNDER_CONTROLS}{PINS}")
    screenshot(page, tmp_path, f"basemap-delivered-{width}")
    assert under == []
    assert refused == []
    page.close()


def report_route(base: str, stops: list[tuple[float, float]]) -> dict:
    payload = {"driver": {"name": "Aino", "vehicle": "van"}, "timezone": "Europe/Helsinki",
               "station": dict(STATION),
               "stops": [{"lat": lat, "lon": lon, "address": f"Katu {i + 1}",
                          "shipments": [{"recipient": f"R{i}"}]}
                         for i, (lat, lon) in enumerate(stops)]}
    reg = register_payload(base, payload)
    send_fix(base, reg, STATION["lat"] + 0.0005, STATION["lon"] + 0.0005, 10)
    return reg


CENTRAL = [(60.1680, 24.9480), (60.1685, 24.9510), (60.1700, 24.9515), (60.1690, 24.9455)]
JUST_WEST = (60.1665, 24.9349)  # 13 m west of the map's box: the extract's edge
ESPOO = [(60.1800, 24.8100), (60.1810, 24.8050)]


@pytest.mark.parametrize("width", [360, 1280])
def test_the_report_draws_streets_and_route_with_no_inline_script(live_server, browser,
                                                                  street_map, tmp_path, width):
    base = live_server.url
    edge = report_route(base, [*CENTRAL, JUST_WEST])
    far = report_route(base, [*CENTRAL[:3], *ESPOO])
    page, refused, _ = offline_page(browser, width, 800, scale=3 if width == 360 else 1)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page.on("pageerror", lambda e: console.append(str(e)))
    sign_in(page, base)
    resp = page.goto(f"{base}/dashboard/routes/{edge['route_id']}/report.html")
    policy = resp.headers["content-security-policy"].split("; ")
    assert "unsafe-inline" not in next(d for d in policy if d.startswith("script-src"))
    streets_drawn(page)
    assert page.locator("path.leaflet-interactive").count() >= 6  # the path, station, 5 stops
    assert page.locator(".offline-note").count() == 0  # one stop on the edge: not "outside"
    under = page.evaluate(f"{UNDER_CONTROLS}('path.report-stop')")
    screenshot(page, tmp_path, f"basemap-report-edge-{width}")
    assert under == []
    page.goto(f"{base}/dashboard/routes/{far['route_id']}/report.html")
    wait_until(page, "document.querySelector('.offline-note') !== null")
    assert assert_note_readable(page) == ("The street map covers Helsinki; "
                                          "2 of 5 stops are outside it")
    screenshot(page, tmp_path, f"basemap-report-far-{width}")
    assert [m for m in console if "Content Security Policy" in m or "Error" in m] == []
    assert refused == []
    page.close()


# Drivers across the bundled map: the fleet opens at zoom 13-14 on a phone.
SPREAD = [(60.1765, 24.9395), (60.1660, 24.9520), (60.1700, 24.9440)]


@pytest.mark.parametrize("where", ["track", "fleet", "report", "fleet-wide", "report-wide"])
def test_street_names_at_a_phones_first_view(live_server, browser, street_map, tmp_path, where):
    """As each page first opens on a 360 px phone at 3x, the streets around the door are named:
    a route or fleet spread over the map opens at zoom 13-14, where no street was named."""
    base = live_server.url
    if where == "report-wide":
        reg = report_route(base, [*CENTRAL, JUST_WEST])
    else:
        reg = drive(base, "van", frac=0.5)
    if where == "fleet-wide":
        for lat, lon in SPREAD:
            send_fix(base, report_route(base, CENTRAL[:1]), lat, lon, 20)
    page, refused, _ = offline_page(browser, 360, 740, scale=3)
    if where == "track":
        page.goto(base + "/track/" + reg["shipments"][0]["token"])
        page.wait_for_selector(".driver-marker")
    else:
        sign_in(page, base)
        if where.startswith("report"):
            page.goto(f"{base}/dashboard/routes/{reg['route_id']}/report.html")
    streets_drawn(page)
    ink = named_ink(page, 3)
    screenshot(page, tmp_path, f"basemap-first-view-{where}-360")
    assert ink > 1000, ink  # CSS pixels of name ink: a dozen names
    assert refused == []
    page.close()


def test_a_second_extracts_map_draws_its_own_streets_on_a_phone(live_server_factory, browser,
                                                                tmp_path):
    """pyrosm's small extract near Kotka, built and served as the street map: a route there is on
    the map (no note) on the customer page and in the report, with its streets drawn."""
    from app.basemap.build import build
    from simulator.world.maps import load_map
    from tests.unit.test_second_extract import KOTKA

    if not KOTKA.is_file():
        pytest.skip("pyrosm's test extract is missing")
    archive = build(KOTKA, tmp_path / "kotka.pmtiles").path
    server = live_server_factory(BASEMAP=str(archive))
    city = load_map(KOTKA)
    station, stops = city.station(), city.addresses[:3]
    payload = {"driver": {"name": "Aino", "vehicle": "van"}, "timezone": "Europe/Helsinki",
               "station": {"lat": station.lat, "lon": station.lon, "name": station.label},
               "stops": [{"lat": a.lat, "lon": a.lon, "address": a.label,
                          "shipments": [{"recipient": f"R{i}"}]} for i, a in enumerate(stops)]}
    reg = register_payload(server.url, payload)
    send_fix(server.url, reg, (station.lat + stops[0].lat) / 2,
             (station.lon + stops[0].lon) / 2, 10)
    page, refused, _ = offline_page(browser, 360, 740, scale=3)
    page.goto(server.url + "/track/" + reg["shipments"][0]["token"])
    page.wait_for_selector(".driver-marker")
    streets_drawn(page)
    screenshot(page, tmp_path, "basemap-second-extract-track-360")
    sign_in(page, server.url)
    page.goto(f"{server.url}/dashboard/routes/{reg['route_id']}/report.html")
    streets_drawn(page)
    assert page.evaluate(f"{UNDER_CONTROLS}('path.report-stop')") == []
    screenshot(page, tmp_path, "basemap-second-extract-report-360")
    assert refused == []
    page.close()
