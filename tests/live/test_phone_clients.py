"""Every Traccar Client release against gunicorn, each request the way that client sends it.

The shapes are taken from the clients' own sources: the 10.x SDK (traccar-client-sdk,
HttpUploader: a urlencoded form POSTed to the server URL, speed in knots, a heartbeat with no
position), the 9.x app (flutter_background_geolocation with Traccar's JSON location template),
the old iOS client (TCProtocolFormatter: a GET of the root, `%.06f` coordinates; its first
releases sent no speed) and OsmAnd itself (a GET of the root). Each route is read back through
the seller's API: the stored position, speed in m/s, heading and time are what Traccar stores.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
import requests

from tests.support.helpers import STATION, STOPS, register
from tests.support.servers import LiveServer

SELLER = {"Authorization": "Bearer demo"}
KNOT = 1852 / 3600
STATION_AT, STOP0 = (STATION["lat"], STATION["lon"]), STOPS[0][:2]
BUDGET = 100


@pytest.fixture(scope="module", params=["memory", "redis"])
def server(request, tmp_path_factory):
    """One gunicorn per store for the whole module: each test registers its own route. The
    phone budget is lowered from its default (10000/hour, tests/unit/test_limits.py) so that a
    flood past it costs little here; 100 an hour still takes a 30-fix flush in a second."""
    env = {"PHONE_FIXES_PER_DRIVER": f"{BUDGET}/hour"}
    if request.param == "redis":
        import redis

        url = request.getfixturevalue("redis_url")
        redis.Redis.from_url(url).flushdb()
        env["REDIS_URL"] = url
    srv = LiveServer(env, tmp_path_factory.mktemp("phones") / "server.log")
    yield srv
    srv.stop()


@pytest.fixture
def phone(server):
    """A registered route and the device id the server issued for its phone."""
    s = requests.Session()
    reg = register(s, server.url, start=False)
    resp = s.put(f"{server.url}/api/v1/routes/{reg['route_id']}/device", json={},
                 headers=SELLER)
    assert resp.status_code == 200, resp.text
    return Phone(server.url, reg["route_id"], resp.json()["device_id"], s)


class Phone:
    def __init__(self, url: str, route_id: str, device: str, session: requests.Session):
        self.url, self.route_id, self.device, self.http = url, route_id, device, session

    def positions(self) -> list[dict]:
        resp = self.http.get(f"{self.url}/api/v1/routes/{self.route_id}/positions",
                             headers=SELLER)
        assert resp.status_code == 200, resp.text
        return resp.json()["positions"]

    def route(self) -> dict:
        resp = self.http.get(f"{self.url}/api/v1/routes/{self.route_id}", headers=SELLER)
        assert resp.status_code == 200, resp.text
        return resp.json()


def point(k: float) -> tuple[float, float]:
    """A point k of the way from the station to the first stop (0 to 1)."""
    return (STATION_AT[0] + (STOP0[0] - STATION_AT[0]) * k,
            STATION_AT[1] + (STOP0[1] - STATION_AT[1]) * k)


def iso_z(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sdk_form(device: str, lat: float, lon: float, t: int, speed_knots: float = 9.72) -> str:
    """The body Traccar Client 10 (traccar-client-sdk, Ktor submitForm) POSTs to the server URL:
    Kotlin's Double.toString, knots rounded to 2 places, battery fields after the position."""
    return (f"id={device}&lat={lat}&lon={lon}&timestamp={t}&accuracy=4.7&altitude=21.3"
            f"&speed={speed_knots}&bearing=84.5&batt=87&charge=false&battery_health=good"
            f"&battery_voltage=4012&battery_temp=28.5")


FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
        "User-Agent": "Ktor client"}


def test_the_10x_sdk_form_post_to_the_root(phone):
    t = int(time.time()) - 60
    lat, lon = point(0.5)
    resp = phone.http.post(f"{phone.url}/", data=sdk_form(phone.device, lat, lon, t),
                           headers=FORM)
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"accepted": 1, "dropped": 0}
    [stored] = phone.positions()
    assert (stored["lat"], stored["lon"]) == (pytest.approx(lat, abs=1e-7),
                                              pytest.approx(lon, abs=1e-7))
    assert stored["speed"] == pytest.approx(9.72 * KNOT, rel=1e-9)  # 5.0004 m/s
    assert stored["heading"] == 84.5
    assert stored["t"] == t and stored["at"] == iso_z(t)
    route = phone.route()
    assert route["position"]["at"] == iso_z(t)
    assert route["phone"]["battery"] == 87 and route["phone"]["charging"] is False


# Traccar Client 9's location template (lib/preferences.dart) as the SDK renders it, lines
# trimmed and joined, with the SDK's `device_id` param; `_` carries a query for old servers.
NINE_X_BODY = (
    '{"location":{"timestamp":"<%= timestamp %>","coords":{"latitude":<%= latitude %>,'
    '"longitude":<%= longitude %>,"accuracy":5.2,"speed":4.2,"heading":271.3,"altitude":18.6},'
    '"is_moving":true,"odometer":1234.5,"event":"","battery":{"level":0.62,"is_charging":true},'
    '"activity":{"type":"in_vehicle"},"extras":{},"_":"&id=<%= id %>&lat=<%= latitude %>'
    '&lon=<%= longitude %>&timestamp=<%= timestamp %>&"},"device_id":"<%= id %>"}')


def test_the_9x_json_body(phone):
    """flutter_background_geolocation with Traccar's location template, to the root."""
    t = time.time() - 60
    lat, lon = point(0.4)
    stamp = datetime.fromtimestamp(t, UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")
    values = {"timestamp": stamp, "latitude": repr(lat), "longitude": repr(lon),
              "id": phone.device}
    body = NINE_X_BODY
    for name, value in values.items():
        body = body.replace(f"<%= {name} %>", value)
    resp = phone.http.post(f"{phone.url}/", data=body,
                           headers={"Content-Type": "application/json"})
    assert resp.status_code == 200 and resp.json() == {"accepted": 1, "dropped": 0}, resp.text
    [stored] = phone.positions()
    assert stored["speed"] == 4.2 and stored["heading"] == 271.3  # m/s as sent
    sent = datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
    assert stored["t"] == pytest.approx(sent, abs=1e-6)  # to the millisecond sent
    said = phone.route()["phone"]
    assert (said["battery"], said["charging"]) == (62.0, True)


def test_the_old_ios_query_without_speed_on_a_get_of_the_root(phone):
    t = int(time.time()) - 60
    lat, lon = point(0.3)
    query = (f"id={phone.device}&timestamp={t}&lat={lat:.06f}&lon={lon:.06f}&bearing=-1"
             f"&altitude=12.5&batt=45")
    resp = phone.http.get(f"{phone.url}/?{query}")
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"accepted": 1, "dropped": 0}
    [stored] = phone.positions()
    assert (stored["lat"], stored["lon"]) == (round(lat, 6), round(lon, 6))
    assert stored["speed"] is None and stored["heading"] is None  # -1: the phone did not know
    assert stored["at"] == iso_z(t)


def test_osmand_get_of_the_root_stores_the_position_and_the_page_stays(phone):
    t_ms = int(time.time() * 1000) - 60_000
    lat, lon = point(0.2)
    query = urlencode({"id": phone.device, "lat": lat, "lon": lon, "timestamp": t_ms,
                       "hdop": 0.9, "altitude": 14, "speed": 10})
    resp = phone.http.get(f"{phone.url}/?{query}")
    assert resp.status_code == 200 and resp.json()["accepted"] == 1, resp.text
    [stored] = phone.positions()
    assert stored["t"] == t_ms / 1000 and stored["speed"] == pytest.approx(10 * KNOT)
    page = phone.http.get(f"{phone.url}/")
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    # A device id without a location is a phone's heartbeat, never the page; a query without
    # an id is a person's.
    beat = phone.http.get(f"{phone.url}/?id={phone.device}&batt=40")
    assert beat.status_code == 200 and beat.json() == {"accepted": 0, "dropped": 0}
    page = phone.http.get(f"{phone.url}/?lat=60.1&lon=24.9")
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    assert len(phone.positions()) == 1


def test_a_heartbeat_keeps_the_phone_reporting_and_stores_no_position(phone):
    t = int(time.time()) - 120
    lat, lon = point(0.5)
    assert phone.http.post(f"{phone.url}/", data=sdk_form(phone.device, lat, lon, t),
                           headers=FORM).status_code == 200
    # Traccar Client 10, heartbeat on, phone still, no fix: id, time and battery only.
    beat = f"id={phone.device}&timestamp={t + 60}&batt=86&charge=true&battery_health=good"
    resp = phone.http.post(f"{phone.url}/", data=beat, headers=FORM)
    assert resp.status_code == 200 and resp.json() == {"accepted": 0, "dropped": 0}, resp.text
    # Only cell or wifi data, and a JSON location without coords: the same.
    cell = phone.http.get(f"{phone.url}/osmand?id={phone.device}&cell=244,91,1234,5678")
    assert cell.status_code == 200, cell.text
    json_beat = phone.http.post(f"{phone.url}/", json={
        "device_id": phone.device, "location": {"timestamp": iso_z(t + 90), "event": "heartbeat",
                                                "battery": {"level": 0.85, "is_charging": True}}})
    assert json_beat.status_code == 200, json_beat.text
    assert [p["t"] for p in phone.positions()] == [t]  # the last location is kept
    route = phone.route()
    assert route["position"]["at"] == iso_z(t)
    assert route["phone"]["battery"] == 85.0 and route["phone"]["charging"] is True
    heard = datetime.fromisoformat(route["phone"]["heard_at"].replace("Z", "+00:00"))
    assert abs(heard.timestamp() - time.time()) < 30  # alive: heard just now


def test_a_backlog_flush_of_30_fixes_is_taken_whole(phone):
    """Back in coverage, the SDK sends its queue one request after the other."""
    start = int(time.time()) - 3600
    sent = []
    for i in range(30):
        lat, lon = point(i / 30)
        t = start + 60 * i
        resp = phone.http.post(f"{phone.url}/", data=sdk_form(phone.device, lat, lon, t, 1.5),
                               headers=FORM)
        assert resp.status_code == 200, (i, resp.status_code, resp.text)
        sent.append(t)
    assert [p["t"] for p in phone.positions()] == sent  # all of them, in order
    assert phone.route()["position"]["at"] == iso_z(sent[-1])


def test_a_fix_from_a_clock_set_ahead_does_not_freeze_the_route(phone):
    now = int(time.time())
    lat, lon = point(0.3)
    ahead = phone.http.post(f"{phone.url}/", data=sdk_form(phone.device, lat, lon,
                                                             now + 2 * 86400), headers=FORM)
    assert ahead.status_code == 200 and ahead.json() == {"accepted": 0, "dropped": 1}
    # Inside FIX_MAX_AHEAD: kept, as Traccar keeps it...
    soon = phone.http.post(f"{phone.url}/", data=sdk_form(phone.device, lat, lon, now + 5 * 3600),
                           headers=FORM)
    assert soon.status_code == 200 and soon.json() == {"accepted": 1, "dropped": 0}
    # ...and the right fixes after it are taken, the latest on time is where the driver is.
    for k, t in ((0.35, now - 20), (0.4, now - 10)):
        resp = phone.http.post(f"{phone.url}/", data=sdk_form(phone.device, *point(k), t),
                               headers=FORM)
        assert resp.status_code == 200 and resp.json() == {"accepted": 1, "dropped": 0}, t
    # The history is in time order: the wrong clock's fix stays at its own time.
    assert [p["t"] for p in phone.positions()] == [now - 20, now - 10, now + 5 * 3600]
    position = phone.route()["position"]
    assert position["at"] == iso_z(now - 10)
    assert (position["lat"], position["lon"]) == (pytest.approx(point(0.4)[0], abs=1e-6),
                                                  pytest.approx(point(0.4)[1], abs=1e-6))


def test_valid_false_never_moves_the_driver(phone):
    t = int(time.time()) - 60
    first = phone.http.post(f"{phone.url}/", data=sdk_form(phone.device, *point(0.2), t - 10),
                            headers=FORM)
    assert first.status_code == 200
    invalid = phone.http.get(f"{phone.url}/?" + urlencode(
        {"id": phone.device, "lat": point(0.6)[0], "lon": point(0.6)[1], "timestamp": t,
         "valid": "false"}))
    assert invalid.status_code == 200 and invalid.json() == {"accepted": 0, "dropped": 1}
    assert [p["t"] for p in phone.positions()] == [t - 10]
    assert phone.route()["position"]["at"] == iso_z(t - 10)


def test_a_flood_from_one_device_id_stops_at_its_budget_and_no_one_else(server, phone):
    """A leaked or runaway device id: its fixes stop at the phone budget, 429 naming `id`
    with Retry-After, and the seller's other phones go on."""
    start = int(time.time()) - 7200
    codes = []
    for i in range(BUDGET + 20):
        resp = phone.http.post(f"{phone.url}/", headers=FORM, data=sdk_form(
            phone.device, *point((i % 50) / 50), start + 5 * i, 1.0))
        codes.append(resp.status_code)
    assert codes == [200] * BUDGET + [429] * 20
    assert resp.json()["field"] == "id" and "fixes for this driver" in resp.json()["error"]
    assert 60 < int(resp.headers["Retry-After"]) <= 3600
    assert len(phone.positions()) <= BUDGET
    other = requests.Session()
    reg = register(other, server.url, start=False)
    device = other.put(f"{server.url}/api/v1/routes/{reg['route_id']}/device", json={},
                       headers=SELLER).json()["device_id"]
    resp = other.post(f"{server.url}/", headers=FORM,
                      data=sdk_form(device, *point(0.1), int(time.time()) - 5))
    assert resp.status_code == 200 and resp.json()["accepted"] == 1
