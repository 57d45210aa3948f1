"""The front page: links to the lookup and the dashboard; demo links only with the demo fleet on."""

from __future__ import annotations

from tests.support.helpers import register


def test_front_page_links_lookup_and_dashboard(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/track/"' in page and 'href="/dashboard"' in page


def test_demo_links_only_for_the_demo_fleets_own_routes(app, client):
    from app.ops.demo import DemoFleet

    fleet_route, real_route = register(client), register(client)  # the same seller, "demo"
    assert fleet_route["shipments"][0]["token"] not in client.get("/").get_data(as_text=True)
    fleet = DemoFleet(app, "http://127.0.0.1:1", "http://localhost:1")  # not started
    fleet._own(fleet_route["route_id"])  # as when the simulator prints its link record
    page = client.get("/").get_data(as_text=True)
    assert f"/track/{fleet_route['shipments'][0]['token']}" in page
    assert fleet_route["shipments"][0]["tracking_id"] in page
    # A real customer of the seller the fleet drives for: their link is a secret.
    for shipment in real_route["shipments"]:
        assert shipment["token"] not in page and shipment["tracking_id"] not in page


def test_demo_links_lead_with_deliveries_about_to_be_live_in_plain_words(app, client):
    from app.ops.demo import DemoFleet

    loading = register(client, start=False)  # still at the station: "Order received"
    left = register(client)  # out for delivery
    fleet = DemoFleet(app, "http://127.0.0.1:1", "http://localhost:1")
    fleet._own(left["route_id"])
    fleet._own(loading["route_id"])  # the newest route, yet not the first link
    page = client.get("/").get_data(as_text=True)
    order = [page.index(s["tracking_id"]) for s in left["shipments"]]
    assert order == sorted(order)
    # Still loading at the station, it reads "Order received": not a delivery on its way.
    for shipment in loading["shipments"]:
        assert shipment["tracking_id"] not in page
    assert "On the way, next stop" in page and "On the way, 1 stop away" in page
    assert "1 stops away" not in page and "out_for_delivery" not in page
    assert "created" not in page.split("demo-heading")[1]
