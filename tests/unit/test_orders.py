"""The day's orders from a CSV: a report per row, nothing half-imported (issue 16)."""

from __future__ import annotations

import pytest

SELLER = {"Authorization": "Bearer demo"}
DAY = {"date": "2026-12-03", "timezone": "Europe/Helsinki"}

GOOD = """recipient,address,phone,reference,notes,time slot,program
Maria K.,Pohjoisesplanadi 21,+358 40 123 4567,order-1,ring twice,10:00-12:00,grocery
Jussi,unioninkatu 20 b 12,,order-2,,,
Leena,Aleksanterinkatu,,order-3,,,express
"""


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
