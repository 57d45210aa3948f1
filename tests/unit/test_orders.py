"""The day's orders from a CSV: a report per row, nothing half-imported (issue 16)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from app.extensions import services

HELSINKI = ZoneInfo("Europe/Helsinki")
SELLER = {"Authorization": "Bearer demo"}
DAY = {"date": "2026-12-03", "timezone": "Europe/Helsinki"}

GOOD = """recipient,address,phone,reference,notes,time slot,program
Maria K.,Pohjoisesplanadi 21,+358 40 123 4567,order-1,ring twice,10:00-12:00,grocery
Jussi,unioninkatu 20 b 12,,order-2,,,
Leena,Aleksanterinkatu,,order-3,,,express
"""


@pytest.fixture
def app():
    """The server's clock at 07:30 on DAY, before the first slot: the check judges slots by it."""
    from app import create_app

    return create_app({
        "TESTING": True, "ASYNC_MODE": "threading", "STORE_URL": "memory://",
        "SELLER_KEYS": {"demo": "demo"}, "DEMO": False,
        "CLOCK": lambda: datetime(2026, 12, 3, 7, 30, tzinfo=HELSINKI).timestamp(),
    })


def check(client, csv_text: str, **extra):
    return client.post("/api/v1/orders/check", json={"csv": csv_text, **DAY, **extra},
                       headers=SELLER)


def test_each_row_is_read_checked_and_geocoded(client):
    resp = check(client, GOOD)
    assert resp.status_code == 200, resp.json
    rows = resp.json["rows"]
    assert [r["row"] for r in rows] == [2, 3, 4]
    first = rows[0]
    assert first["status"] == "ok" and first["place"]["quality"] == "exact"
    assert first["order"]["slot"] == {"from": "2026-12-03T10:00:00+02:00",
                                      "to": "2026-12-03T12:00:00+02:00"}
    assert first["order"]["program"] == "grocery" and first["order"]["notes"] == "ring twice"
    assert rows[1]["status"] in ("ok", "check") and rows[1]["order"]["program"] == "standard"
    # No number: the street's middle, for the seller to drag to the door.
    assert rows[2]["status"] == "check" and rows[2]["place"]["quality"] == "street"
    assert resp.json["summary"] == {"ok": sum(r["status"] == "ok" for r in rows),
                                    "check": sum(r["status"] == "check" for r in rows),
                                    "error": 0}


def test_bad_rows_say_what_to_fix_field_by_field(client):
    csv_text = ("name;street address;mobile;slot;program\n"
                ";Pohjoisesplanadi 21;;;\n"
                "Aino;Nowhere Road 5;not a phone;12:00-10:00;teleport\n"
                "\n"
                "Ville;Unioninkatu 20;;10.00-12.00;standard\n")
    resp = check(client, csv_text)
    assert resp.status_code == 200, resp.json
    rows = resp.json["rows"]
    assert [r["row"] for r in rows] == [2, 3, 5]  # the blank line is skipped, lines counted
    assert rows[0]["problems"] == [{"field": "recipient", "message": "is required"}]
    fields = {p["field"] for p in rows[1]["problems"]}
    assert fields == {"address", "phone", "slot", "program"}
    assert rows[2]["status"] == "ok" and rows[2]["order"]["slot"]["from"].startswith(
        "2026-12-03T10:00")
    assert resp.json["summary"]["error"] == 2


@pytest.mark.parametrize(("body", "field"), [
    ({"csv": "", **DAY}, "csv"),
    ({"csv": "recipient,phone\nAino,+358401234567\n", **DAY}, "csv"),  # no address column
    ({"csv": "recipient,address\n", **DAY}, "csv"),  # a header, no orders
    ({"csv": GOOD, "date": "tomorrow", "timezone": "Europe/Helsinki"}, "date"),
    ({"csv": GOOD, "date": "2026-12-03", "timezone": "Mars/Olympus"}, "timezone"),
    ({"csv": 5, **DAY}, "csv"),
    ({"csv": "recipient,address\n" + "A,Unioninkatu 20\n" * 2001, **DAY}, "csv"),
])
def test_a_file_that_cannot_be_read_is_one_clear_error(client, body, field):
    resp = client.post("/api/v1/orders/check", json=body, headers=SELLER)
    assert resp.status_code == 400, resp.json
    assert resp.json["field"] == field


def test_only_a_seller_may_check_orders(client):
    resp = client.post("/api/v1/orders/check", json={"csv": GOOD, **DAY})
    assert resp.status_code == 401


def test_a_byte_order_mark_before_the_header_is_not_part_of_it(client):
    """Excel's "CSV UTF-8" starts with one; pasted or sent as text, it reached the header."""
    resp = check(client, "\ufeff" + GOOD)
    assert resp.status_code == 200, resp.json
    assert [r["row"] for r in resp.json["rows"]] == [2, 3, 4]


@pytest.mark.parametrize(("slot", "ok"), [
    ("08:00-10:00", True), ("18:00-20:00", True), ("07:00-09:00", False),
    ("19:00-21:00", False), ("06:00-07:30", False), ("12:00-10:00", False),
    # The outside check: "8.00-10.00" was taken and "8-10" refused; whole hours are a slot too.
    ("8-10", True), ("8.00-10.00", True), ("16 - 18:30", True), ("7-9", False), ("lunch", False),
])
def test_a_slot_outside_the_service_hours_or_inverted_is_an_error_at_import(client, slot, ok):
    resp = check(client, f"recipient,address,slot\nAino,Pohjoisesplanadi 21,{slot}\n")
    row = resp.json["rows"][0]
    assert (row["status"] == "ok") is ok, row
    if not ok:
        assert [p["field"] for p in row["problems"]] == ["slot"]
        assert "08:00-20:00" in row["problems"][0]["message"] or "start before end" in (
            row["problems"][0]["message"])


def test_duplicate_rows_and_references_are_warned_not_dropped(client):
    csv_text = ("recipient,address,reference\n"
                "Aino,Pohjoisesplanadi 21,o-1\n"
                "Jussi,Mikonkatu 18,o-2\n"
                "aino, pohjoisesplanadi 21 ,O-1\n"  # the same order exported twice
                "Leena,Unioninkatu 20,o-2\n")  # another order under a used reference
    rows = check(client, csv_text).json["rows"]
    assert [r["status"] for r in rows][:2] == ["ok", "ok"] and len(rows) == 4
    assert rows[2]["status"] == "check"
    assert rows[2]["warnings"] == [{"field": "row", "message": "the same order as line 2"}]
    assert rows[3]["warnings"] == [{"field": "reference",
                                    "message": "the same reference as line 3"}]


def test_a_pickup_column_names_where_the_parcels_are_collected(client):
    csv_text = ("recipient,address,pickup\n"
                "Aino,Pohjoisesplanadi 21,\"Ravintola Kala, Mikonkatu 18\"\n"
                "Jussi,Unioninkatu 20,\"ravintola  kala, mikonkatu 18\"\n"
                "Leena,Aleksanterinkatu 9,Nowhere Road 1\n"
                "Ville,Kluuvikatu 7,\n")
    body = check(client, csv_text).json
    assert len(body["pickups"]) == 1  # the same place on two lines is one pickup
    pickup = body["pickups"][0]
    assert pickup["address"] == "Ravintola Kala, Mikonkatu 18"
    assert pickup["place"]["address"].startswith("Mikonkatu 18")
    rows = body["rows"]
    assert [r["order"]["pickup"] for r in rows] == [0, 0, None, None]
    assert rows[2]["status"] == "error" and rows[2]["problems"][0]["field"] == "pickup"
    assert rows[0]["status"] == "ok" and rows[3]["status"] == "ok"


def test_a_place_off_the_street_map_is_an_error_at_import_and_never_planned():
    """A remote geocoder (or a dragged pin) may put a door where no street of the map leads:
    it was planned as the crow flies from the nearest corner."""
    from datetime import date

    from geopy.geocoders.base import Geocoder
    from geopy.location import Location

    from app.planning.orders import read_orders
    from app.planning.plan import Order, plan_day
    from app.planning.streets import off_map
    from simulator.world.maps import load_map

    class Tallinn(Geocoder):  # answers like Nominatim would for an address across the bay
        def geocode(self, query, exactly_one=True, **_):
            return Location("Viru väljak 4, Tallinn", (59.4366, 24.7536), {})

    city = load_map(None)
    report = read_orders("recipient,address\nAino,Viru väljak 4\n", date(2026, 12, 3),
                         "Europe/Helsinki", Tallinn(), lambda la, lo: off_map(city, la, lo))
    row = report.rows[0]
    assert row.status == "error" and row.problems[0]["field"] == "address"
    assert "off the street map" in row.problems[0]["message"]
    assert off_map(city, 60.1685, 24.9484) is None  # a door in the centre
    near, far = Order(60.1685, 24.9484), Order(59.4366, 24.7536)
    for vehicle in ("van", "bike", "foot"):
        plan = plan_day(city, (60.1675, 24.9450), [near, far], [vehicle], 0.0, 12 * 3600.0,
                        12 * 3600.0)
        assert [b.stops for b in plan.blocks] == [[0]]
        assert plan.unassigned[0][0] == 1 and "off the street map" in plan.unassigned[0][1]


def test_a_station_off_the_street_map_is_refused_naming_it(client):
    body = {"date": "2026-12-03", "timezone": "Europe/Helsinki",
            "station": {"lat": 59.4366, "lon": 24.7536}, "couriers": [{"vehicle": "bike"}],
            "orders": [{"lat": 60.1685, "lon": 24.9484, "recipient": "A", "address": "X 1"}]}
    resp = client.post("/api/v1/plans", json=body, headers=SELLER)
    assert resp.status_code == 400 and resp.json["field"] == "station"


def test_lines_that_leave_trailing_columns_out_are_read_by_the_headers_delimiter(client):
    csv_text = ("recipient;address;phone;reference;notes;slot;program;pickup\n"
                "Aino;Pohjoisesplanadi 21;;o-1\n"
                "Jussi;Mikonkatu 18;;o-2;;10:00-12:00\n")
    rows = check(client, csv_text).json["rows"]
    assert [r["status"] for r in rows] == ["ok", "ok"]
    assert rows[1]["order"]["slot"]["from"].startswith("2026-12-03T10:00")


@pytest.mark.parametrize("typed", ["0401234567", "040 123 4567", "(040) 123-4567",
                                   "+358 40 123 4567", "00358401234567"])
def test_a_national_phone_is_read_in_the_days_country(client, typed):
    resp = check(client, f"recipient,address,phone\nMaria,Pohjoisesplanadi 21,{typed}\n")
    row = resp.json["rows"][0]
    assert row["problems"] == [] and row["order"]["phone"] == "+358401234567"


def test_a_phone_that_cannot_be_a_number_must_be_fixed(client):
    resp = check(client, "recipient,address,phone\nMaria,Pohjoisesplanadi 21,abc\n")
    row = resp.json["rows"][0]
    assert row["status"] == "error" and [p["field"] for p in row["problems"]] == ["phone"]


def test_an_address_ending_in_the_country_or_the_towns_swedish_name_is_found(client):
    csv_text = ("recipient,address\nMaria,\"Mikonkatu 18, FI-00100 Helsinki, Finland\"\n"
                "Jussi,\"Mikonkatu 18, Helsingfors\"\n")
    rows = check(client, csv_text).json["rows"]
    assert [r["status"] for r in rows] == ["ok", "ok"], rows


def test_a_slot_that_has_ended_today_must_be_fixed(app, client):
    services(app).clock.now = lambda: datetime(2026, 12, 3, 12, 5, tzinfo=HELSINKI).timestamp()
    csv_text = ("recipient,address,slot\nMaria,Pohjoisesplanadi 21,10:00-12:00\n"
                "Jussi,Mikonkatu 18,12:00-14:00\n")
    rows = check(client, csv_text).json["rows"]
    assert rows[0]["status"] == "error"
    assert rows[0]["problems"][0]["field"] == "slot"
    assert rows[0]["problems"][0]["message"].startswith("slot has passed")
    assert rows[1]["status"] == "ok" and rows[1]["order"]["slot"]["to"].startswith(
        "2026-12-03T14:00")


def test_finnish_and_swedish_headers_are_read(client):
    fi = ("Vastaanottaja;Osoite;Puhelin;Viite;Lisätiedot;Aikaikkuna;Paketit\n"
          "Maria K.;Pohjoisesplanadi 21;040 123 4567;tilaus-1;soita kahdesti;10:00-12:00;3\n")
    sv = ("Mottagare,Adress,Telefon,Referens,Anteckningar,Tidsfönster,Antal paket\n"
          "Maria K.,Pohjoisesplanadi 21,040 123 4567,order-1,ring två gånger,10:00-12:00,2\n")
    for text, note, parcels in ((fi, "soita kahdesti", 3), (sv, "ring två gånger", 2)):
        resp = check(client, text)
        assert resp.status_code == 200, resp.json
        order = resp.json["rows"][0]["order"]
        assert resp.json["rows"][0]["status"] == "ok", resp.json["rows"][0]
        assert order["recipient"] == "Maria K." and order["phone"] == "+358401234567"
        assert order["notes"] == note and order["slot"]["from"].startswith("2026-12-03T10:00")
        assert order["parcels"] == parcels and order["reference"]


SHOPIFY = (
    "Name,Email,Financial Status,Lineitem quantity,Lineitem name,Shipping Name,Shipping Street,"
    "Shipping Address1,Shipping Address2,Shipping Company,Shipping City,Shipping Zip,"
    "Shipping Province,Shipping Country,Shipping Phone,Notes,Phone,Billing Address1\n"
    "#1001,maria@example.com,paid,1,Coffee,Maria K.,Pohjoisesplanadi 21 A 4,Pohjoisesplanadi 21,"
    "A 4,,Helsinki,00100,,FI,+358401234567,leave at the door,,Mannerheimintie 1\n"
    "#1001,maria@example.com,,2,Cups,,,,,,,,,,,,,\n"
    "#1002,jussi@example.com,paid,1,Tea,Jussi,Unioninkatu 20,Unioninkatu 20,,,Helsinki,00170,,"
    "FI,,,0401234568,\n"
)


def test_a_shopify_orders_export_is_read_one_order_a_line(client):
    resp = check(client, SHOPIFY)
    assert resp.status_code == 200, resp.json
    rows = resp.json["rows"]
    # The second line is a further item of #1001, not an order with no name or address.
    assert [r["order"]["reference"] for r in rows] == ["#1001", "#1002"]
    first, second = (r["order"] for r in rows)
    assert first["recipient"] == "Maria K." and first["notes"] == "leave at the door"
    # The flat is kept for the driver; the geocoder is asked for the house (no "check").
    assert first["address"] == "Pohjoisesplanadi 21 A 4, 00100 Helsinki"
    assert rows[0]["status"] == "ok" and rows[0]["place"]["quality"] == "exact"
    assert rows[0]["place"]["address"].startswith("Pohjoisesplanadi 21")
    # No shipping phone: the buyer's, in E.164; never the billing address.
    assert second["phone"] == "+358401234568" and "Mannerheimintie" not in second["address"]
    assert resp.json["summary"]["error"] == 0


@pytest.mark.parametrize("value", ["0", "two", "101", "1.5"])
def test_a_parcels_count_that_is_no_count_is_an_error_naming_it(client, value):
    resp = check(client, f"recipient,address,parcels\nMaria,Pohjoisesplanadi 21,{value}\n")
    row = resp.json["rows"][0]
    assert row["status"] == "error" and [p["field"] for p in row["problems"]] == ["parcels"]


def test_capacity_is_counted_in_parcels_from_the_list_to_the_driver(client):
    """A drone carries one parcel: an order of two parcels is left out, not planned; a bike's
    route keeps the count, and the driver app shows it."""
    text = ("recipient,address,parcels\nMaria,Pohjoisesplanadi 21,2\nJussi,Unioninkatu 20,1\n")
    rows = check(client, text).json["rows"]
    orders = [{"lat": r["place"]["lat"], "lon": r["place"]["lon"],
               "recipient": r["order"]["recipient"], "address": r["order"]["address"],
               "parcels": r["order"]["parcels"]} for r in rows]
    station = {"lat": 60.1675, "lon": 24.9450}
    drone = client.post("/api/v1/plans", json={**DAY, "station": station, "orders": orders,
                                               "couriers": [{"vehicle": "drone"}]},
                        headers=SELLER).json
    assert [u["order"] for u in drone["unassigned"]] == [0]
    bike = client.post("/api/v1/plans", json={**DAY, "station": station, "orders": orders,
                                              "couriers": [{"vehicle": "bike"}]},
                       headers=SELLER).json
    block = bike["blocks"][0]
    assert block["parcels"] == 3
    reg = client.post("/api/v1/routes", json=block["route"], headers=SELLER)
    assert reg.status_code == 201, reg.json
    view = client.get("/api/v1/driver/block",
                      headers={"Authorization": f"Bearer {reg.json['driver_token']}"}).json
    counts = {s["shipments"][0]["recipient"]: s["shipments"][0]["parcels"] for s in view["stops"]}
    assert counts == {"Maria": 2, "Jussi": 1}
