"""Tracking-number lookup: our own shipments by status (no link), carriers by format."""

from __future__ import annotations

import pytest

from tests.support.helpers import iso, register


def test_own_shipment_shows_status_but_never_the_link(client):
    reg = register(client)
    shipment = reg["shipments"][0]
    number = shipment["tracking_id"].lower()  # pasted in lower case, with spaces
    html = client.get(f"/track?number= {number[:4]} {number[4:]} ").get_data(as_text=True)
    assert 'data-kind="own"' in html
    assert "On the way" in html and "Out for delivery" in html  # the status, the timeline
    assert "Aino" not in html  # nobody's name, not even the driver's
    assert shipment["token"] not in html
    assert "/track/" + shipment["token"] not in html


@pytest.mark.parametrize("number, carrier, valid", [
    ("1Z999AA10123456784", "UPS", True),
    ("1Z 999 AA1 0123 4567 85", "UPS", False),
    ("449044304137821", "FedEx", True),
    ("EC123456785US", "USPS", True),
])
def test_carrier_numbers_are_recognised_by_format_and_check_digit(client, number, carrier,
                                                                  valid):
    html = client.get("/track", query_string={"number": number}).get_data(as_text=True)
    assert 'data-kind="carrier"' in html
    assert f"{carrier} shipment" in html
    if valid:
        assert "Status from the carrier's site" in html
        assert "no live map" in html
    else:
        assert "check digit" in html
    assert 'id="map"' not in html


def test_unknown_number_says_so(client):
    html = client.get("/track?number=DS0000000000").get_data(as_text=True)
    assert 'data-kind="unknown"' in html and "Not found" in html


def test_lookup_escapes_what_was_typed(client):
    html = client.get("/track", query_string={"number": "<script>x</script>"}).get_data(
        as_text=True)
    assert "<script>x" not in html and "&lt;SCRIPT&gt;" in html


def test_lookup_page_in_the_browser(live_server, browser, tmp_path):
    from tests.support.pages import new_page, screenshot, text_of

    page = new_page(browser)
    page.goto(live_server.url + "/track")
    page.fill("#number", "1Z999AA10123456784")
    page.click("button[type=submit]")
    page.wait_for_selector("#result")
    assert text_of(page, "#result h2") == "UPS shipment"
    screenshot(page, tmp_path, "lookup-360")
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot(page, tmp_path, "lookup-1280")
    page.close()


def test_a_tracking_number_never_shows_the_proof_or_free_text(client):
    """The number is printed on the label: whoever reads it sees statuses, not the door code."""
    reg = register(client, n_stops=1, recipients=["Maria Virtanen"])
    driver = {"Authorization": f"Bearer {reg['driver_token']}"}
    resp = client.post("/api/v1/events", headers=driver, json={
        "type": "delivered", "stop": 0, "timestamp": iso(120),
        "proof": {"left_at": "behind the bins, door code 4321", "note": "gate code 9876"}})
    assert resp.status_code == 200, resp.json
    number = reg["shipments"][0]["tracking_id"]
    html = client.get(f"/track?number={number}").get_data(as_text=True)
    assert "Delivered" in html
    for secret in ("4321", "9876", "behind the bins", "Maria", "Aino", "Pohjoisesplanadi"):
        assert secret not in html
