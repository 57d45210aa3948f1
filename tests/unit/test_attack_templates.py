"""Class 1 of issue 21: text a seller or driver typed is never template source, anywhere.

folium renders the route report through Jinja2, twice for popups and tooltips (the second time
with the first output as source): `{{ 7*7 }}` in a recipient's name once ran on the server.
Each payload goes in through the public API, in every text field, and must come out literally.
"""

from __future__ import annotations

import html
import re

import pytest

from tests.support.helpers import iso, route_payload
from tests.support.report import report_code
from tests.support.signin import sign_in

SELLER = {"Authorization": "Bearer demo"}

# No spaces: the driver's name is kept to its first word. Evaluated, each shows something else.
PAYLOADS = {
    "expression": ("{{7*7}}", "49"),
    "shell": ("{{cycler.__init__.__globals__.os.popen('id').read()}}", "uid="),
    "statement": ("{%if(1)%}EVALUATED{%endif%}", "EVALUATED"),
    "comment": ("{#hidden#}", None),
    "js-literal": ("${7*7}", "49"),
    "set": ("{%set(x)='EVAL'+'UATED'%}{{x}}", "EVALUATED"),
}
FIELDS = ("driver", "station", "address", "recipient", "reference", "left_at", "note")


def route_with(client, payload: str) -> dict:
    """Register and deliver a route where every text field holds `<field>:<payload>`."""
    body = route_payload(n_stops=2)
    body["driver"]["name"] = f"driver:{payload}"
    body["station"]["name"] = f"station:{payload}"
    for stop in body["stops"]:
        stop["address"] = f"address:{payload}"
        stop["shipments"][0]["recipient"] = f"recipient:{payload}"
        stop["shipments"][0]["reference"] = f"reference:{payload}"
    resp = client.post("/api/v1/routes", json=body, headers=SELLER)
    assert resp.status_code == 201, resp.json
    reg = resp.json
    driver = {"Authorization": f"Bearer {reg['driver_token']}"}
    for event in ({"type": "route_started", "timestamp": iso(0)},
                  {"type": "delivered", "stop": 0, "timestamp": iso(300),
                   "proof": {"left_at": f"left_at:{payload}", "note": f"note:{payload}"}}):
        assert client.post("/api/v1/events", json=event, headers=driver).status_code == 200
    return reg


def shown(page: str) -> str:
    """The page's text as a reader sees it: entities decoded, JS escapes of `/` undone."""
    return html.unescape(page.replace("\\/", "/"))


@pytest.mark.parametrize("name", PAYLOADS)
def test_report_shows_template_syntax_in_every_field_literally(client, name):
    payload, evaluated = PAYLOADS[name]
    reg = route_with(client, payload)
    sign_in(client)
    resp = client.get(f"/dashboard/routes/{reg['route_id']}/report.html")
    assert resp.status_code == 200
    page = shown(report_code(resp.get_data(as_text=True)))
    # The reference is not in the report; every other field is, literally.
    for field in FIELDS:
        if field != "reference":
            assert f"{field}:{payload}" in page, field
        if evaluated:
            assert f"{field}:{evaluated}" not in page, field
    assert "uid=" not in page


@pytest.mark.parametrize("name", ["expression", "statement", "shell"])
def test_pages_and_api_keep_template_syntax_as_data(client, name):
    payload, evaluated = PAYLOADS[name]
    reg = route_with(client, payload)
    token = reg["shipments"][0]["token"]
    sign_in(client)
    for url in (f"/track/{token}", "/dashboard", f"/api/v1/track/{token}",
                f"/api/v1/routes/{reg['route_id']}", "/api/v1/messages"):
        resp = client.get(url, headers=SELLER if url.startswith("/api/v1/") else {})
        assert resp.status_code == 200, url
        text = shown(resp.get_data(as_text=True))
        assert not re.search(rf"(driver|station|address|recipient|note):{evaluated}", text), url
        assert "uid=" not in text
    view = client.get(f"/api/v1/track/{token}").json
    assert view["driver"]["name"] == f"driver:{payload}"
