"""A second extract (issue 16): geocoding and planning on whatever map the server is given.

pyrosm's wheel ships a small extract of a town near Kotka (`test.osm.pbf`, 7 addresses, a few
hundred street nodes): the server is pointed at it (GEOCODER_MAP) and plans there offline, by
address where the extract has them and by coordinates elsewhere. It is read from the installed
package, never copied into the repository.
"""

from __future__ import annotations

import random
from pathlib import Path

import pyrosm
import pytest

from app import create_app
from app.planning.addresses import read_addresses
from app.planning.streets import OFF_MAP_M, street_gap_m
from simulator.world.maps import load_map
from tests.unit.test_plans import DAY  # a day ahead: a past one is refused

KOTKA = Path(pyrosm.__file__).parent / "data" / "test.osm.pbf"
SELLER = {"Authorization": "Bearer demo"}
pytestmark = pytest.mark.skipif(not KOTKA.is_file(), reason="pyrosm's test extract is missing")


@pytest.fixture(scope="module")
def kotka():
    app = create_app({"TESTING": True, "ASYNC_MODE": "threading", "STORE_URL": "memory://",
                      "SELLER_KEYS": {"demo": "demo"}, "DEMO": False,
                      "GEOCODER_MAP": str(KOTKA)})
    return app.test_client()


def test_its_addresses_geocode_offline(kotka):
    resp = kotka.get("/api/v1/geocode", query_string={"q": "tikankatu 11"}, headers=SELLER)
    assert resp.status_code == 200, resp.json
    assert resp.json["quality"] == "exact" and "Kotka" in resp.json["address"]
    assert abs(resp.json["lat"] - 60.5204) < 0.001 and abs(resp.json["lon"] - 26.9497) < 0.001
    # The bundled map's streets are not on this one.
    resp = kotka.get("/api/v1/geocode", query_string={"q": "Unioninkatu 20"}, headers=SELLER)
    assert resp.status_code == 404 and resp.json["field"] == "q"


def test_a_csv_of_its_addresses_checks_and_a_day_plans_on_its_streets(kotka):
    addresses = read_addresses(KOTKA)
    lines = ["recipient,address"] + [f"Customer {i},{a.street} {a.number}"
                                     for i, a in enumerate(addresses)]
    report = kotka.post("/api/v1/orders/check", headers=SELLER, json={
        "csv": "\n".join(lines) + "\n", "date": "2026-11-26"}).json
    assert report["summary"]["error"] == 0, report
    orders = [{"lat": r["place"]["lat"], "lon": r["place"]["lon"],
               "address": r["place"]["address"], "recipient": r["order"]["recipient"]}
              for r in report["rows"]]
    # More doors by coordinates: points of its walking network (the town has few addresses).
    net = load_map(str(KOTKA)).network("walking")
    rng = random.Random(3)
    for k in rng.sample(range(net.size), 13):
        lat, lon = net.point(k)
        orders.append({"lat": lat, "lon": lon, "address": f"Point {k}", "recipient": f"P {k}"})
    station = {"lat": 60.5290, "lon": 26.9505, "name": "Kotka depot"}
    resp = kotka.post("/api/v1/plans", headers=SELLER, json={
        "date": DAY, "station": station, "orders": orders,
        "couriers": [{"vehicle": "bike"}, {"vehicle": "van"}]})
    assert resp.status_code == 200, resp.json
    plan = resp.json
    taken = sorted(i for b in plan["blocks"] for i in b["orders"])
    left = {u["order"]: u["reason"] for u in plan["unassigned"]}
    assert sorted(taken + list(left)) == list(range(len(orders)))
    # The clipped extract's driving network does not reach Suntionkatu 27 (486 m off it; the
    # van was sent there as the crow flies): the bike takes it, or it is left out saying why.
    drive = load_map(str(KOTKA)).network("driving")
    for i, why in left.items():
        assert why.startswith("off the street map")
        assert street_gap_m(drive, orders[i]["lat"], orders[i]["lon"]) > OFF_MAP_M
    assert len(left) <= 1
    for block in plan["blocks"]:
        legs = block["route"]["legs"]
        assert all(len(leg) > 2 for leg in legs[:-1])  # along its streets, not straight lines
        assert all(60.4 < lat < 60.6 and 26.8 < lon < 27.1 for leg in legs for lat, lon in leg)
        reg = kotka.post("/api/v1/routes", json=block["route"], headers=SELLER)
        assert reg.status_code == 201, reg.json
