"""Instructions, feedback and branding keep the same records in memory and in a real Redis."""

from __future__ import annotations

import pytest

from app.customer.branding import Branding
from app.customer.feedback import Feedback, summary
from app.customer.instructions import Instructions
from app.store import open_store
from tests.support.driver import phone_photo


@pytest.fixture(params=["memory", "redis"])
def store(request):
    if request.param == "memory":
        return open_store("memory://")
    return open_store(request.getfixturevalue("clean_redis"))


def test_instructions_are_replaced_cleared_and_listed_per_seller(store):
    notes = Instructions(store, clock=lambda: 100.0)
    notes.put("DS1", "acme", "ring twice", None)
    notes.put("DS2", "acme", "", "porch")
    notes.put("DS3", "other", "code 1", None)
    notes.put("DS1", "acme", "ring three times", "mailroom")
    assert notes.get("DS1")["note"] == "ring three times"
    assert {d["tracking_id"] for d in notes.for_seller("acme")} == {"DS1", "DS2"}
    assert set(notes.for_shipments(["DS1", "DS9"])) == {"DS1"}
    notes.put("DS2", "acme", "", None)  # nothing left: cleared
    assert notes.get("DS2") is None


def test_feedback_is_kept_once_and_the_sellers_list_is_bounded(store, monkeypatch):
    monkeypatch.setattr("app.customer.feedback.MAX_LISTED", 3)
    fb = Feedback(store, clock=lambda: 100.0)
    assert fb.add("DS1", "acme", "r1", "Aino", "2026-11-26", 5, 4, "great") is not None
    assert fb.add("DS1", "acme", "r1", "Aino", "2026-11-26", 1, 1, "changed mind") is None
    assert fb.get("DS1")["comment"] == "great"
    for i in range(2, 7):
        fb.add(f"DS{i}", "acme", "r2", "Juha", "2026-11-27", 3, i % 5 + 1, "")
    listed = fb.for_seller("acme")
    assert [d["tracking_id"] for d in listed] == ["DS6", "DS5", "DS4"]  # newest three
    fb.forget("acme", ["DS5"])
    assert [d["tracking_id"] for d in fb.for_seller("acme")] == ["DS6", "DS4"]
    assert "DS5" not in str(store.read_log("feedback_by_seller", "acme"))


def test_averages_per_driver_and_day():
    docs = [{"driver": "Aino", "day": "2026-11-26", "delivery": 5, "product": 4},
            {"driver": "Aino", "day": "2026-11-27", "delivery": 3, "product": 2},
            {"driver": "Juha", "day": "2026-11-27", "delivery": 4, "product": 5}]
    out = summary(docs)
    assert out["all"] == {"count": 3, "delivery": 4.0, "product": 3.67}
    assert out["by_driver"][0] == {"driver": "Aino", "count": 2, "delivery": 4.0, "product": 3.0}
    assert [d["day"] for d in out["by_day"]] == ["2026-11-27", "2026-11-26"]
    assert summary([])["all"] == {"count": 0, "delivery": None, "product": None}


def test_branding_and_logo_round_trip(store):
    brand = Branding(store)
    assert brand.get("acme")["name"] is None
    brand.put("acme", {"name": "Shop", "colour": "#123456"})
    doc = brand.put_logo("acme", phone_photo(300, 200))
    assert doc["name"] == "Shop" and len(doc["logo"]) == 16
    assert brand.logo("acme").startswith(b"\x89PNG")
    assert brand.put("acme", {"name": "Shop 2"})["logo"] == doc["logo"]  # the logo stays
    brand.delete_logo("acme")
    assert brand.logo("acme") is None and brand.get("acme")["name"] == "Shop 2"
