"""The street map on every page, as a user sees it in real Chromium with the outside network cut:
the view holds the whole route, notes stay readable at phone and desktop widths, a route outside
the map gets the grid, a note and no OpenStreetMap credit, tiles finish loading on a slow or
failing network, and street names are there at street zoom on a phone."""

from __future__ import annotations

import pytest

from tests.live.test_basemap_browser import offline_page, streets_drawn
from tests.live.test_dashboard_browser import drive, sign_in
from tests.support.basemap import LABEL_INK, SCALE_CLEAR, TILES, assert_note_readable
from tests.support.helpers import STATION
from tests.support.pages import register_payload, screenshot, send_fix, text_of, wait_until

BERLIN = (52.5200, 13.4050)
MAP_RECT = "document.querySelector('#map').getBoundingClientRect()"


def berlin_route(base: str) -> dict:
    payload = {"driver": {"name": "Jonas", "vehicle": "bike"}, "timezone": "Europe/Berlin",
               "station": {"lat": BERLIN[0], "lon": BERLIN[1], "name": "Mitte"},
               "stops": [{"lat": BERLIN[0] + 0.002, "lon": BERLIN[1] + 0.003,
                          "address": "Rosenthaler Str. 1", "shipments": [{"recipient": "Lena"}]}]}
    reg = register_payload(base, payload)
    send_fix(base, reg, BERLIN[0] + 0.001, BERLIN[1] + 0.001, 10)
    return reg


def detour_route(base: str) -> dict:
    """One stop whose street path swings far east of the line from the driver to the door."""
    a, door = (STATION["lat"], STATION["lon"]), (60.1690, 24.9455)
    bend = (60.1683, 24.9520)
    payload = {"driver": {"name": "Aino", "vehicle": "van"}, "timezone": "Europe/Helsinki",
               "station": dict(STATION),
               "stops": [{"lat": door[0], "lon": door[1], "address": "Kluuvikatu 1",
                          "shipments": [{"recipient": "Maria"}]}],
               "legs": [[list(a), [a[0] + 0.0001, a[1] + 0.0002], list(bend), list(door)]]}
    reg = register_payload(base, payload)
    send_fix(base, reg, a[0] + 0.0001, a[1] + 0.0002, 10)
    return reg


INSIDE_MAP = f"""(() => {{
  const m = {MAP_RECT};
  const parts = ['.remaining-path', '.driver-marker', '.destination-marker'];
  return parts.filter((s) => {{
    const r = document.querySelector(s)?.getBoundingClientRect();
    return !r || r.left < m.left || r.right > m.right || r.top < m.top || r.bottom > m.bottom;
  }});
}})()"""


@pytest.mark.parametrize(("width", "height"), [(360, 740), (1280, 800), (1280, 560)])
def test_the_customer_view_holds_driver_path_and_door(live_server, browser, street_map,
                                                       tmp_path, width, height):
    reg = detour_route(live_server.url)
    page, refused, _ = offline_page(browser, width, height)
    page.goto(live_server.url + "/track/" + reg["shipments"][0]["token"])
    page.wait_for_selector(".driver-marker")
    page.wait_for_selector(".remaining-path")
    wait_until(page, f"{INSIDE_MAP}.length === 0", timeout=5)
    if width == 1280 and height == 800:
        screenshot(page, tmp_path, "basemap-track-detour-1280")
    assert refused == []
    page.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_a_route_outside_the_map_says_so_readably_and_credits_no_one(
        live_server, browser, street_map, tmp_path, width):
    reg = berlin_route(live_server.url)
    page, refused, _ = offline_page(browser, width, 740)
    page.goto(live_server.url + "/track/" + reg["shipments"][0]["token"])
    page.wait_for_selector(".driver-marker")
    wait_until(page, "document.querySelector('.tiles-offline .offline-note') !== null")
    text = assert_note_readable(page)
    assert text == "The street map covers Helsinki; this route is outside it"
    assert "OpenStreetMap" not in text_of(page, ".leaflet-control-attribution")
    assert page.locator(".destination-marker").count() == 1
    screenshot(page, tmp_path, f"basemap-outside-{width}")
    assert refused == []
    page.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_the_fleet_map_notes_a_driver_outside_the_map(live_server, browser, street_map,
                                                      tmp_path, width):
    drive(live_server.url, "van", frac=0.4)
    berlin_route(live_server.url)
    page, refused, _ = offline_page(browser, width, 900)
    sign_in(page, live_server.url)
    wait_until(page, "document.querySelectorAll('.fleet-marker, .marker-cluster').length >= 2")
    wait_until(page, "document.querySelector('.offline-note') !== null")
    text = assert_note_readable(page)
    assert text == "The street map covers Helsinki; 1 driver is outside it"
    assert page.locator(".fleet-map.basemap-grid, .basemap-grid").count() >= 1
    # Zoomed out to hold Berlin and Helsinki, no street is drawn: nothing to credit.
    assert "OpenStreetMap" not in text_of(page, ".leaflet-control-attribution")
    screenshot(page, tmp_path, f"basemap-dashboard-outside-{width}")
    assert refused == []
    page.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_report_notes_stay_clear_of_the_scale_and_credit(live_server, browser, street_map,
                                                         tmp_path, width):
    reg = drive(live_server.url, "van", frac=0.6)
    page, refused, _ = offline_page(browser, width, 800)
    sign_in(page, live_server.url)
    url = f"{live_server.url}/dashboard/routes/{reg['route_id']}/report.html"
    page.goto(url)
    streets_drawn(page)
    assert "OpenStreetMap" in text_of(page, ".leaflet-control-attribution")
    assert page.evaluate(SCALE_CLEAR)
    screenshot(page, tmp_path, f"basemap-report-{width}")
    saved = tmp_path / "report.html"
    saved.write_bytes(page.request.get(url).body())
    page.goto(saved.as_uri())
    page.wait_for_selector(".leaflet-control-scale")
    assert "opened from the Doorstep server" in assert_note_readable(page, "#report-streets-note")
    screenshot(page, tmp_path, f"basemap-report-file-{width}")
    outside = berlin_route(live_server.url)
    page.goto(f"{live_server.url}/dashboard/routes/{outside['route_id']}/report.html")
    wait_until(page, "document.querySelector('.offline-note') !== null")
    assert assert_note_readable(page) == ("The street map covers Helsinki; "
                                          "this route is outside it")
    assert "OpenStreetMap" not in text_of(page, ".leaflet-control-attribution")
    assert refused == []
    page.close()


def tiles_settled(page) -> dict:
    wait_until(page, f"(t => t.count > 0 && t.loaded === t.count)({TILES})", timeout=30)
    return page.evaluate(TILES)


def test_tiles_are_drawn_when_requests_fail_on_a_slow_network(live_server, browser,
                                                              street_map):
    """Under load the archive answers slowly and some requests fail: every tile on screen is
    still drawn in the end (a tile whose request failed was left blank for good)."""
    drive(live_server.url, "van", frac=0.5)
    page, refused, _ = offline_page(browser, 1280, 800)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 300, "downloadThroughput": 500_000,
        "uploadThroughput": 500_000})
    failed: set[str] = set()

    def flaky(route):
        wanted = route.request.headers.get("range", "")
        if wanted.startswith("bytes=0-"):  # the header: the reader must start
            return route.continue_()
        if wanted not in failed:  # every tile's first request is lost
            failed.add(wanted)
            return route.abort("connectionreset")
        return route.continue_()

    page.route("**/basemap/**", flaky)
    sign_in(page, live_server.url)
    streets_drawn(page)
    for button in ["in", "in", "out"]:
        page.click(f".leaflet-control-zoom-{button}")
        page.wait_for_timeout(150)
    tiles = tiles_settled(page)
    assert len(failed) > 3  # tiles were asked for, and each failed once
    assert tiles["blank"] == 0, tiles
    assert refused == []
    page.close()


@pytest.mark.parametrize("scale", [2, 3])
def test_street_names_at_street_zoom_on_a_phone(live_server, browser, street_map, scale):
    """At zooms 16, 17 and 18 a 360 px phone shows street names, in ink a reader can see."""
    drive(live_server.url, "van", frac=0.5)
    page, refused, _ = offline_page(browser, 360, 740, scale=scale)
    sign_in(page, live_server.url)
    streets_drawn(page)
    ink = {}
    for z, clicks in ((16, []), (17, ["in"]), (18, ["in"])):
        for button in clicks:
            page.click(f".leaflet-control-zoom-{button}")
        tiles_settled(page)
        page.wait_for_timeout(600)  # labels are laid out after the tiles' geometry
        ink[z] = page.evaluate(LABEL_INK) / scale ** 2  # in CSS pixels
    assert all(v > 1500 for v in ink.values()), ink
    assert refused == []
    page.close()
