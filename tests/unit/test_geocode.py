"""Street addresses to places: offline from the extract, or a geopy provider (issue 16)."""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.planning.addresses import PostalAddress, read_addresses, read_extract
from app.planning.geocode import ExtractGeocoder, fold, parse
from simulator.world.maps import bundled_map

SELLER = {"Authorization": "Bearer demo"}
STREET = [PostalAddress("Unioninkatu", n, "00130", "Helsinki", 60.17 + i / 1000, 24.95)
          for i, n in enumerate(["18", "20", "20 B", "22", "24", "27", "29"])]
TWO_TOWNS = [PostalAddress("Kirkkotie", "5", "00100", "Helsinki", 60.1, 24.9),
             PostalAddress("Kirkkotie", "5", "02100", "Espoo", 60.2, 24.7)]


@pytest.fixture(scope="module")
def bundled():
    return ExtractGeocoder(read_addresses(bundled_map()))


@pytest.fixture(scope="module")
def bundled_with_towns():
    """As `bundled`, with the towns' other names (Helsingfors)."""
    return ExtractGeocoder(*read_extract(bundled_map()))


@pytest.mark.parametrize(("query", "number", "quality"), [
    ("Unioninkatu 20", "20", "exact"),
    ("unioninkatu 20 b", "20 B", "exact"),
    ("Unionin-katu 20B, 00130 Helsinki", "20 B", "exact"),
    ("Unioninkatu 20 C 12", "20", "house"),  # staircase C is not on the map: the house is
    ("Unioninktu 22", "22", "exact"),  # a typo in the street
    ("UNIONINKATU 26", "24", "nearby"),  # not on the map: the nearest on the same side
    ("Unioninkatu 25", "27", "nearby"),
    ("Unioninkatu", None, "street"),
])
def test_spelling_case_and_missing_houses(query, number, quality):
    place = ExtractGeocoder(STREET).geocode(query)
    assert place.raw["quality"] == quality
    if number:
        assert place.raw["number"] == number
    assert 0 < place.raw["score"] <= 1


def test_a_street_the_map_does_not_have_is_no_match():
    assert ExtractGeocoder(STREET).geocode("Mannerheimintie 5") is None
    assert ExtractGeocoder(STREET).geocode("12345") is None
    assert ExtractGeocoder([]).geocode("Unioninkatu 20") is None


def test_the_postcode_tells_two_towns_apart():
    g = ExtractGeocoder(TWO_TOWNS)
    assert g.geocode("Kirkkotie 5, 02100 Espoo").raw["city"] == "Espoo"
    assert g.geocode("Kirkkotie 5, 00100").raw["city"] == "Helsinki"


def test_parse_and_fold():
    assert parse("Pohjoisesplanadi 21 B 12, 00100 Helsinki").number == 21
    assert parse("Pohjoisesplanadi 21 B 12, 00100 Helsinki").letter == "b"
    assert parse("Pohjoisesplanadi 21 B 12, 00100 Helsinki").postcode == "00100"
    assert fold("Mäkelänkatu") == "makelankatu"


def test_every_address_of_the_bundled_map_finds_itself(bundled):
    addresses = read_addresses(bundled_map())
    assert len(addresses) > 500
    # Every third address as written on the map, those a person would write ("Floors 1-3" as
    # a number is a mapping slip). Several objects may share one number: any is the house.
    asked = [a for a in addresses[::3]
             if re.fullmatch(r"\d+(\s?[A-Za-z])?(-\d+)?", a.number) and "," not in a.street]
    missed = [a for a in asked
              if (p := bundled.geocode(f"{a.street} {a.number}")) is None
              or fold(p.raw["street"]) != fold(a.street) or p.raw["quality"] != "exact"
              or _key(p.raw["number"]) != _key(a.number)]
    assert len(asked) > 150 and not missed, missed[:5]


def _key(number: str) -> tuple:
    from app.planning.geocode import _number_key

    return _number_key(number)


def test_the_api_answers_a_place_and_names_the_field(client):
    ok = client.get("/api/v1/geocode", query_string={"q": "pohjoisesplanadi 21"}, headers=SELLER)
    assert ok.status_code == 200, ok.json
    assert ok.json["quality"] == "exact" and ok.json["provider"] == "embedded"
    assert abs(ok.json["lat"] - 60.168) < 0.002 and abs(ok.json["lon"] - 24.948) < 0.004
    for q, status in (("", 400), ("x" * 201, 400), ("Nonexistent Road 1", 404)):
        resp = client.get("/api/v1/geocode", query_string={"q": q}, headers=SELLER)
        assert resp.status_code == status and resp.json["field"] == "q"
    assert client.get("/api/v1/geocode", query_string={"q": "Unioninkatu 20"}).status_code == 401


class _Nominatim(BaseHTTPRequestHandler):
    calls: list[float] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        type(self).calls.append(time.monotonic())
        body = json.dumps([{"lat": "60.1700", "lon": "24.9515", "display_name": "Unioninkatu 20",
                            "place_id": 1}]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_remote_provider_is_cached_and_kept_to_its_rate():
    from app import create_app

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Nominatim)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        app = create_app({"TESTING": True, "ASYNC_MODE": "threading", "STORE_URL": "memory://",
                          "SELLER_KEYS": {"demo": "demo"}, "DEMO": False,
                          "GEOCODER": f"nominatim:http://127.0.0.1:{server.server_port}",
                          "GEOCODER_DELAY": 0.3})
        client = app.test_client()
        started = time.monotonic()
        for q in ("Unioninkatu 20", "unioninkatu 20", "Unioninkatu 22"):
            resp = client.get("/api/v1/geocode", query_string={"q": q}, headers=SELLER)
            assert resp.status_code == 200 and resp.json["provider"] == "nominatim"
        # The second request waited for the provider's rate (measured where it waits: the
        # server's receipt times jitter on a busy machine).
        assert time.monotonic() - started >= 0.3
        assert len(_Nominatim.calls) == 2  # the same address, spelled another way: asked once
    finally:
        server.shutdown()


def test_a_provider_that_is_down_is_a_503_and_a_bad_setting_stops_start_up():
    from app import create_app
    from tests.support.servers import free_port

    app = create_app({"TESTING": True, "ASYNC_MODE": "threading", "STORE_URL": "memory://",
                      "SELLER_KEYS": {"demo": "demo"}, "DEMO": False,
                      "GEOCODER": f"photon:http://127.0.0.1:{free_port()}", "GEOCODER_DELAY": 0})
    resp = app.test_client().get("/api/v1/geocode", query_string={"q": "Unioninkatu 20"},
                                 headers=SELLER)
    assert resp.status_code == 503 and "photon" in resp.json["error"]
    with pytest.raises(ValueError, match="GEOCODER"):
        create_app({"TESTING": True, "STORE_URL": "memory://", "GEOCODER": "google"})


def test_the_dashboards_programs_panel_finds_an_address_for_the_signed_in_seller(client):
    from tests.support.signin import sign_in

    assert client.get("/dashboard/geocode", query_string={"q": "Unioninkatu 20"}).status_code == 302
    sign_in(client, key="demo")
    ok = client.get("/dashboard/geocode", query_string={"q": "pohjoisesplanadi 21"})
    assert ok.status_code == 200 and ok.json["quality"] == "exact"
    for q, status in (("", 400), ("Nonexistent Road 1", 404)):
        resp = client.get("/dashboard/geocode", query_string={"q": q})
        assert resp.status_code == status and resp.json["field"] == "q"
    html = client.get("/dashboard").get_data(as_text=True)
    assert 'id="programs-address"' in html and "/dashboard/geocode" in html


@pytest.mark.parametrize(("query", "city"), [
    ("Kirkkotie 5, Espoo", "Espoo"),
    ("Kirkkotie 5, 02100", "Espoo"),
    ("Kirkkotie 5, helsinki", "Helsinki"),
    ("Kirkkotie 5, 00100 Helsinki, ", "Helsinki"),
    ("Kirkkotie 5, Espo", "Espoo"),  # a typo in the town
])
def test_the_town_or_postcode_given_restricts_the_match(query, city):
    assert ExtractGeocoder(TWO_TOWNS).geocode(query).raw["city"] == city


@pytest.mark.parametrize("query", [
    "Kirkkotie 5, Vantaa",  # a town the map does not have: not its Kirkkotie
    "Kirkkotie 5, 01300 Vantaa",
    "Kirkkotie 5, 01300",
    "Kirkkotie 5, 00100 Espoo",  # a postcode of one town, the other town's name
])
def test_a_town_or_postcode_not_on_the_map_matches_nothing_there(query):
    assert ExtractGeocoder(TWO_TOWNS).geocode(query) is None


@pytest.mark.parametrize("query", [
    "Mikonkatu 18, 00100 Helsinki, Finland",
    "Mikonkatu 18, Helsinki, Suomi",
    "Mikonkatu 18, FI-00100 Helsinki",
    "Mikonkatu 18, Helsingfors",  # the city's name:sv on the map's place node
    "Mikonkatu 18, 00100 Helsingfors, Finland",
])
def test_common_address_endings_find_the_house(query, bundled_with_towns):
    place = bundled_with_towns.geocode(query)
    assert place is not None and place.raw["quality"] == "exact"
    assert (place.raw["street"], place.raw["number"]) == ("Mikonkatu", "18")


def test_a_country_at_the_end_does_not_stand_for_a_town_not_on_the_map():
    assert ExtractGeocoder(TWO_TOWNS).geocode("Kirkkotie 5, Vantaa, Finland") is None
    assert ExtractGeocoder(TWO_TOWNS).geocode("Kirkkotie 5, Espoo, Suomi").raw["city"] == "Espoo"


def test_the_town_restricts_the_bundled_map_and_another_street_asks_for_a_pin_check(bundled):
    assert bundled.geocode("Unioninkatu 20, Helsinki").raw["quality"] in ("exact", "house")
    assert bundled.geocode("Unioninkatu 20, Tampere") is None
    assert bundled.geocode("Unioninkatu 20, 33100 Tampere") is None
    # "Esplanadi" is no street here: the nearest name is another street, shown, to check.
    place = bundled.geocode("Esplanadi 21")
    assert place.raw["quality"] == "other_street" and place.raw["street"] != "Esplanadi"
    assert bundled.geocode("Pohjoisesplandi 21").raw["quality"] == "exact"  # a typo is not


def test_another_street_is_a_line_to_check_with_the_street_found(client):
    csv_text = "recipient,address\nAino,Esplanadi 21\nJussi,\"Pohjoisesplanadi 21, Tampere\"\n"
    rows = client.post("/api/v1/orders/check", headers=SELLER, json={
        "csv": csv_text, "date": "2026-12-03", "timezone": "Europe/Helsinki"}).json["rows"]
    assert rows[0]["status"] == "check"
    assert rows[0]["warnings"][0]["field"] == "address"
    assert rows[0]["warnings"][0]["message"].startswith("another street than the one typed: "
                                                       f"found {rows[0]['place']['address']}")
    assert rows[1]["status"] == "error" and rows[1]["problems"][0]["field"] == "address"
