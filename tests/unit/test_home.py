"""The front page: links to the lookup and the dashboard; demo links only with the demo fleet on."""

from __future__ import annotations

from tests.support.helpers import register


def test_front_page_links_lookup_and_dashboard(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/track/"' in page and 'href="/dashboard"' in page


def test_demo_links_only_when_the_demo_runs(app, client):
    reg = register(client)
    token = reg["shipments"][0]["token"]
    assert token not in client.get("/").get_data(as_text=True)
    app.config["DEMO"] = True
    page = client.get("/").get_data(as_text=True)
    assert f"/track/{token}" in page
    assert reg["shipments"][0]["tracking_id"] in page
