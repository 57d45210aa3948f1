"""Class 11 of issue 21: 413 and 429 answer each door in its own language, with the right words.

Machine doors (the API, the phone door, the dashboard's fetch calls) get a JSON body naming the
limit and the field; pages get one plain sentence. A phone refused for unknown device ids is
not told about sign-ins.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from app import create_app
from tests.support.helpers import register
from tests.support.signin import csrf_of, sign_in

pytestmark = pytest.mark.usefixtures("routes_registered_before_t0")

PHONE = "phone-0042-courier-helsinki"  # device ids a seller picks are 20+ characters

LIMIT = 4096


@pytest.fixture
def app():
    return create_app({"TESTING": True, "ASYNC_MODE": "threading", "STORE_URL": "memory://",
                       "SELLER_KEYS": {"demo": "demo"}, "MAX_CONTENT_LENGTH": LIMIT,
                       "DEVICE_FAILURE_RATE": "3/minute", "SIGNIN_FAILURE_RATE": "2/minute",
                       "FIXES_PER_DRIVER": "2/minute", "PHONE_FIXES_PER_DRIVER": "2/hour"})


BIG = "x" * (LIMIT * 2)
BIG_JSON = json.dumps({"pad": BIG})


@pytest.mark.parametrize("url, kwargs", [
    ("/osmand", {"data": urlencode({"id": "phone-1", "pad": BIG}),
                 "content_type": "application/x-www-form-urlencoded"}),
    ("/", {"data": BIG_JSON, "content_type": "application/json"}),
    ("/osmand", {"data": BIG_JSON, "content_type": "application/json"}),
    ("/api/v1/positions", {"data": BIG_JSON, "content_type": "application/json"}),
    ("/dashboard/demo", {"data": BIG_JSON, "content_type": "application/json"}),
])
def test_a_body_too_large_is_json_on_machine_doors(client, url, kwargs):
    sign_in(client)  # the dashboard's demo reads its body only for a seller
    resp = client.post(url, **kwargs)
    assert resp.status_code == 413 and resp.is_json, resp.get_data(as_text=True)[:200]
    assert resp.json == {"error": f"body too large (at most {LIMIT} bytes)", "field": "body"}


def test_a_form_too_large_on_a_page_is_one_plain_sentence(client):
    resp = client.post("/signin", data={"key": BIG, "csrf_token": "x"})
    assert resp.status_code == 413 and resp.mimetype == "text/plain"
    assert resp.get_data(as_text=True) == (
        f"The request is too large: at most {LIMIT} bytes are accepted.")


def test_unknown_devices_are_limited_in_json_that_speaks_of_devices(client):
    url = "/osmand?" + urlencode({"id": "nobody-0000", "lat": 60.1, "lon": 24.9})
    codes = [client.get(url).status_code for _ in range(4)]
    assert codes == [400, 400, 400, 429]
    resp = client.get(url)
    assert resp.status_code == 429 and resp.is_json and int(resp.headers["Retry-After"]) >= 1
    assert resp.json["field"] == "id"
    assert resp.json["error"].startswith("too many unknown device ids from this address")
    assert "sign-in" not in resp.json["error"]


def test_a_drivers_position_limit_on_the_phone_door_is_json(client):
    reg = register(client)
    client.put(f"/api/v1/routes/{reg['route_id']}/device", json={"device_id": PHONE},
               headers={"Authorization": "Bearer demo"})
    url = "/osmand?" + urlencode({"id": PHONE, "lat": 60.1676,
                                  "lon": 24.9455})
    codes = [client.get(url).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    resp = client.get(url)
    assert resp.is_json and resp.json["field"] == "id"
    assert "fixes for this driver" in resp.json["error"]


def test_failed_sign_ins_on_the_page_are_one_plain_sentence_about_sign_ins(client):
    token = csrf_of(client.get("/signin").get_data(as_text=True))
    for _ in range(2):
        assert client.post("/signin", data={"key": "wrong", "csrf_token": token}).status_code \
            == 401
    resp = client.post("/signin", data={"key": "wrong", "csrf_token": token})
    assert resp.status_code == 429 and resp.mimetype == "text/plain"
    assert resp.get_data(as_text=True).startswith("Too many failed sign-ins from this address")
    assert int(resp.headers["Retry-After"]) >= 1


def test_failed_sign_ins_on_the_api_are_json(client):
    for _ in range(2):
        client.get("/api/v1/routes", headers={"Authorization": "Bearer wrong"})
    resp = client.get("/api/v1/routes", headers={"Authorization": "Bearer wrong"})
    assert resp.status_code == 429 and resp.is_json
    assert resp.json["field"] == "Authorization"
    assert "failed sign-ins" in resp.json["error"]
