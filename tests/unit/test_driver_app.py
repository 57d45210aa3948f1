"""The driver app's server side: driver links, the block, proof photos, and every bad input
answered with a clear 4xx that changes nothing."""

from __future__ import annotations

import secrets

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.driver import metadata_of, phone_photo
from tests.support.fuzz import examples
from tests.support.helpers import T0, iso, register
from tests.support.notify import Clock, make_app
from tests.support.report import report_code
from tests.support.signin import csrf_of, sign_in

DAY = 86400.0


@pytest.fixture
def app(tmp_path):
    from app import create_app

    return create_app(
        {
            "TESTING": True,
            "ASYNC_MODE": "threading",
            "STORE_URL": "memory://",
            "SECRET_KEY": "unit",
            "SELLER_KEYS": {"demo": "demo", "acme": "acme-key"},
            "DEMO": False,
            "PHOTO_STORE": str(tmp_path / "photos"),
            "PHOTO_MAX_BYTES": 600_000,
        }
    )


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def signed_in(client, key: str = "demo") -> str:
    sign_in(client, key)
    return csrf_of(client.get("/dashboard").get_data(as_text=True))


def new_link(client, csrf: str, route_id: str) -> str:
    resp = client.post(f"/dashboard/routes/{route_id}/driver-link", headers={"X-CSRF-Token": csrf})
    assert resp.status_code == 201, resp.get_data(as_text=True)
    assert resp.headers["Cache-Control"] == "no-store"
    return resp.json["path"].split("#", 1)[1]


def key() -> str:
    return "ph_" + secrets.token_hex(16)


def upload(client, token: str, data: bytes, stop: int = 0, photo_key: str | None = None):
    return client.post(
        f"/api/v1/photos?stop={stop}",
        data=data,
        headers={
            **bearer(token),
            "Idempotency-Key": photo_key or key(),
            "Content-Type": "image/jpeg",
        },
    )


def delivered(stop: int, t: float, **proof) -> dict:
    return {
        "type": "delivered",
        "stop": stop,
        "timestamp": iso(t),
        "proof": {"left_at": "front door", **proof},
    }


# Driver links


def test_link_opens_the_block_with_first_names_and_notes_only(client):
    payload_reg = register(client, start=False, recipients=["Maria Korhonen", "Jussi", "Leena"])
    csrf = signed_in(client)
    token = new_link(client, csrf, payload_reg["route_id"])
    assert token.startswith("da_")
    block = client.get("/api/v1/driver/block", headers=bearer(token))
    assert block.status_code == 200 and block.headers["Cache-Control"] == "no-store"
    body = block.json
    assert body["status"] == "not_started" and body["next_stop"] == 0
    assert [s["address"] for s in body["stops"]][0] == "Pohjoisesplanadi 21"
    assert body["stops"][0]["shipments"][0]["recipient"] == "Maria"
    text = block.get_data(as_text=True)
    assert "Korhonen" not in text and "order-0" not in text and "token" not in text
    # The same link is shown again (derived from SECRET_KEY), and its QR code with it.
    shown = client.get(f"/dashboard/routes/{payload_reg['route_id']}/driver-link").json
    assert shown["path"] == "/drive/#" + token
    qr = client.get(shown["qr"], query_string={"base": "https://track.example.com"})
    assert qr.mimetype == "image/svg+xml" and b"<svg" in qr.data


def test_stop_notes_are_taken_and_bounded(client):
    from tests.support.helpers import route_payload

    payload = route_payload()
    payload["stops"][1]["notes"] = "Ring twice"
    resp = client.post("/api/v1/routes", json=payload, headers=bearer("demo"))
    assert resp.status_code == 201
    reg = resp.json
    csrf = signed_in(client)
    block = client.get(
        "/api/v1/driver/block", headers=bearer(new_link(client, csrf, reg["route_id"]))
    ).json
    assert [s["notes"] for s in block["stops"]] == ["", "Ring twice", ""]
    payload["stops"][0]["notes"] = "x" * 501
    resp = client.post("/api/v1/routes", json=payload, headers=bearer("demo"))
    assert resp.status_code == 400 and resp.json["field"] == "stops[0].notes"


def test_a_revoked_link_can_send_and_read_nothing(client):
    reg = register(client, start=False)
    csrf = signed_in(client)
    old = new_link(client, csrf, reg["route_id"])
    resp = client.delete(
        f"/dashboard/routes/{reg['route_id']}/driver-link", headers={"X-CSRF-Token": csrf}
    )
    assert resp.status_code == 200 and resp.json["active"] is False
    for method, path, body in (
        ("get", "/api/v1/driver/block", None),
        ("post", "/api/v1/events", {"type": "route_started", "timestamp": iso(0)}),
        ("post", "/api/v1/positions", {"lat": 60.17, "lon": 24.94, "timestamp": iso(1)}),
    ):
        resp = getattr(client, method)(path, json=body, headers=bearer(old))
        assert resp.status_code == 401 and resp.json["field"] == "Authorization", path
    assert upload(client, old, phone_photo(40, 30)).status_code == 401
    route = client.get(f"/api/v1/routes/{reg['route_id']}", headers=bearer("demo")).json
    assert route["status"] == "not_started" and route["position"] is None
    # A new link works; the old one stays dead.
    new = new_link(client, csrf, reg["route_id"])
    assert new != old
    assert client.get("/api/v1/driver/block", headers=bearer(new)).status_code == 200
    assert client.get("/api/v1/driver/block", headers=bearer(old)).status_code == 401
    # The route's own API driver token was never touched.
    assert (
        client.get("/api/v1/driver/block", headers=bearer(reg["driver_token"])).status_code == 200
    )
    assert (
        client.delete(
            f"/dashboard/routes/{reg['route_id']}/driver-link", headers={"X-CSRF-Token": csrf}
        ).status_code
        == 200
    )
    assert (
        client.delete(
            f"/dashboard/routes/{reg['route_id']}/driver-link", headers={"X-CSRF-Token": csrf}
        ).status_code
        == 404
    )


def test_a_link_is_never_built_on_the_host_header(app, client):
    reg = register(client, start=False)
    csrf = signed_in(client)
    path = f"/dashboard/routes/{reg['route_id']}/driver-link"
    # The same signed-in session, sent to the server with another Host header.
    client.set_cookie("session", client.get_cookie("session").value, domain="evil.example")
    evil = {"headers": {"Host": "evil.example"}}
    made = client.post(path, headers={"Host": "evil.example", "X-CSRF-Token": csrf})
    assert made.status_code == 201
    assert made.json["url"] is None and made.json["public_url"] is False
    assert "evil" not in made.get_data(as_text=True)
    # The QR code needs the dashboard's own origin, and takes nothing but an origin.
    qr = client.get(made.json["qr"], **evil)
    assert qr.status_code == 400 and qr.json["field"] == "base"
    for bad in ("javascript:alert(1)", "https://x.example/path", "https://a@b.example", ""):
        answer = client.get(made.json["qr"], query_string={"base": bad})
        assert answer.status_code == 400, bad
    app.config["PUBLIC_URL"] = "https://track.example.com"
    shown = client.get(path, **evil).json
    assert shown["url"] == "https://track.example.com" + made.json["path"]
    assert client.get(made.json["qr"], **evil).status_code == 200


def test_links_are_the_sellers_own_and_need_csrf(client):
    theirs = register(client, key="acme-key", start=False)
    mine = register(client, start=False)
    csrf = signed_in(client)
    base = f"/dashboard/routes/{theirs['route_id']}/driver-link"
    assert client.post(base, headers={"X-CSRF-Token": csrf}).status_code == 404
    assert client.get(base).status_code == 404
    assert client.get(base).json["field"] == "route_id"  # JSON, like every API answer
    assert client.get(base + ".svg").status_code == 404
    assert client.post(f"/dashboard/routes/{mine['route_id']}/driver-link").status_code == 400
    assert client.get(f"/dashboard/routes/{'x' * 500}/driver-link").status_code == 404


def test_after_a_secret_key_change_the_link_works_but_is_not_shown_again():
    from app.access.driver_links import DriverLinks
    from app.store.memory import MemoryStore

    store = MemoryStore()
    token = DriverLinks(store, "before").create("r_1", "demo")
    after = DriverLinks(store, "after")
    assert after.current("r_1") is None and after.exists("r_1")
    assert after.route_for(token) == "r_1"  # the phone holding it keeps working
    assert DriverLinks(store, "before").current("r_1") == token
    assert after.route_for("da_" + "x" * 32) is None and after.route_for(token[3:]) is None


def test_the_link_is_stored_hashed_and_the_page_holds_no_token(app, client):
    reg = register(client, start=False)
    csrf = signed_in(client)
    token = new_link(client, csrf, reg["route_id"])
    store = app.extensions["doorstep"].store
    assert token not in repr(store._docs)
    page = client.get("/drive/")
    assert page.status_code == 200 and "da_" not in page.get_data(as_text=True)
    assert "geolocation=(self)" in page.headers["Permissions-Policy"]
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    # Every other page keeps location and camera off.
    assert "geolocation=()" in client.get("/track").headers["Permissions-Policy"]
    assert client.get("/drive/sw.js").mimetype == "text/javascript"
    manifest = client.get("/drive/manifest.webmanifest").json
    assert manifest["start_url"] == "/drive/" and manifest["display"] == "standalone"


# Proof photos


def test_a_photo_is_stripped_downscaled_and_shown_to_its_link_only(app, client, tmp_path):
    reg = register(client)
    photo = key()
    resp = upload(client, reg["driver_token"], phone_photo(3000, 2000), 0, photo)
    assert resp.status_code == 201
    assert (resp.json["width"], resp.json["height"]) == (1280, 853)
    again = upload(client, reg["driver_token"], phone_photo(3000, 2000), 0, photo)
    assert again.status_code == 200 and again.json == resp.json  # a retry stores nothing new
    assert len(list((tmp_path / "photos").rglob("*.jpg"))) == 1
    ok = client.post(
        "/api/v1/events", json=delivered(0, 60, photo=photo), headers=bearer(reg["driver_token"])
    )
    assert ok.json == {"accepted": 1, "rejected": []}
    mine, other = reg["shipments"][0]["token"], reg["shipments"][1]["token"]
    assert client.get(f"/api/v1/track/{mine}").json["proof"]["photo"] == photo
    got = client.get(f"/api/v1/track/{mine}/photos/{photo}")
    assert got.status_code == 200 and got.mimetype == "image/jpeg"
    assert got.headers["Cache-Control"] == "private, no-store"
    assert metadata_of(got.data) == {}
    assert client.get(f"/api/v1/track/{other}/photos/{photo}").status_code == 404
    lookup = client.get("/track", query_string={"number": reg["shipments"][0]["tracking_id"]})
    assert photo not in lookup.get_data(as_text=True)
    # The seller sees it, another seller does not.
    signed_in(client, "acme-key")
    assert client.get(f"/dashboard/photos/{photo}").status_code == 404
    signed_in(client)
    assert client.get(f"/dashboard/photos/{photo}").data == got.data


@pytest.mark.parametrize(
    ("data", "headers", "query", "status", "field"),
    [
        (b"not an image at all", {}, "stop=0", 415, "photo"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", {}, "stop=0", 415, "photo"),
        (phone_photo(40, 30)[:200], {}, "stop=0", 415, "photo"),  # truncated
        (b"\xff" * 700_000, {}, "stop=0", 413, "photo"),  # over PHOTO_MAX_BYTES
        (phone_photo(40, 30), {"Idempotency-Key": "photo-1"}, "stop=0", 400, "Idempotency-Key"),
        (phone_photo(40, 30), {}, "stop=3", 400, "stop"),
        (phone_photo(40, 30), {}, "stop=-1", 400, "stop"),
        (phone_photo(40, 30), {}, "", 400, "stop"),
    ],
)
def test_bad_uploads_are_refused_and_store_nothing(
    client, tmp_path, data, headers, query, status, field
):
    reg = register(client)
    resp = client.post(
        f"/api/v1/photos?{query}",
        data=data,
        headers={**bearer(reg["driver_token"]), "Idempotency-Key": key(), **headers},
    )
    assert resp.status_code == status and resp.json["field"] == field, resp.json
    assert not list((tmp_path / "photos").rglob("*.jpg"))


def blank_png(width: int, height: int) -> bytes:
    """A black 1-bit PNG, the image `Image.new("1", size)` saves, written here in a fifth of a
    second for 400 Mpx (Pillow takes about five to fill and encode it)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    rows = (b"\x00" * (1 + (width + 7) // 8)) * height  # filter byte 0, then the packed pixels
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit, grey, no interlace
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def test_a_blank_png_is_what_pillow_reads():
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(blank_png(300, 200)))
    assert (image.format, image.mode, image.size) == ("PNG", "1", (300, 200))
    assert image.getextrema() == (0, 0)


def test_a_decompression_bomb_is_refused(app, client, tmp_path):
    bomb = blank_png(9000, 9000)  # a few kB that decode to 81 Mpx
    assert len(bomb) < 20_000
    reg = register(client)
    resp = upload(client, reg["driver_token"], bomb)
    assert resp.status_code == 413 and "PHOTO_MAX_PIXELS" in resp.json["error"]
    assert "9000x9000" in resp.json["error"]
    # Past Pillow's own ceiling (400 Mpx): still named as too many pixels, not "not an image".
    resp = upload(client, reg["driver_token"], blank_png(20000, 20000))
    assert resp.status_code == 413 and resp.json["field"] == "photo"
    assert "PHOTO_MAX_PIXELS" in resp.json["error"]
    assert not list((tmp_path / "photos").rglob("*.jpg"))


def test_a_second_outcome_names_the_stop_once(client):
    reg = register(client)
    token = reg["driver_token"]
    sent = client.post("/api/v1/events", json=delivered(0, 60), headers=bearer(token))
    assert sent.status_code == 200, sent.get_data(as_text=True)
    other = {"type": "attempted", "stop": 0, "reason": "no_access", "timestamp": iso(90)}
    resp = client.post("/api/v1/events", json=other, headers=bearer(token))
    assert resp.status_code == 400
    assert resp.json == {**resp.json, "field": "stop", "error": "stop already delivered"}


def test_another_routes_photo_cannot_be_claimed(client, tmp_path):
    first, second = register(client), register(client)
    photo = key()
    assert upload(client, first["driver_token"], phone_photo(40, 30), 0, photo).status_code == 201
    # The same key from another route is a conflict, not a second photo.
    resp = upload(client, second["driver_token"], phone_photo(40, 30), 0, photo)
    assert resp.status_code == 409 and resp.json["field"] == "Idempotency-Key"
    # Naming another route's photo (or another stop's) in a delivery is refused, nothing kept.
    for reg, stop in ((second, 0), (first, 1)):
        resp = client.post(
            "/api/v1/events",
            json=delivered(stop, 60, photo=photo),
            headers=bearer(reg["driver_token"]),
        )
        assert resp.status_code == 400 and resp.json["field"] == "proof.photo"
    resp = client.post(
        "/api/v1/events",
        json=delivered(0, 60, signature="drawn.png"),
        headers=bearer(first["driver_token"]),
    )
    assert resp.status_code == 400 and resp.json["field"] == "proof.signature"
    view = client.get(f"/api/v1/track/{second['shipments'][0]['token']}").json
    assert view["status"] != "delivered" and view["proof"] is None
    # In a batch, the item is rejected and the others kept.
    batch = {
        "events": [
            delivered(0, 60, photo=photo),
            {"type": "arrived", "stop": 1, "timestamp": iso(70)},
        ]
    }
    resp = client.post("/api/v1/events", json=batch, headers=bearer(second["driver_token"]))
    assert resp.json["accepted"] == 1
    assert resp.json["rejected"] == [
        {"index": 0, "field": "events[0].proof.photo", "error": resp.json["rejected"][0]["error"]}
    ]


def test_replayed_events_change_nothing_and_answer_2xx(app, client):
    reg = register(client)
    token = reg["driver_token"]
    photo = key()
    upload(client, token, phone_photo(40, 30), 0, photo)
    events = [
        {"type": "arrived", "stop": 0, "timestamp": iso(50)},
        delivered(0, 60, photo=photo),
        {"type": "attempted", "stop": 1, "reason": "no_access", "timestamp": iso(120)},
    ]
    for event in events:
        assert client.post("/api/v1/events", json=event, headers=bearer(token)).status_code == 200
    before = [client.get(f"/api/v1/track/{s['token']}").json for s in reg["shipments"]]
    for event in events:  # the phone's outbox sends again what it never saw answered
        resp = client.post("/api/v1/events", json=event, headers=bearer(token))
        assert resp.status_code == 200 and resp.json["accepted"] == 1
    after = [client.get(f"/api/v1/track/{s['token']}").json for s in reg["shipments"]]
    assert [v["timeline"] for v in after] == [v["timeline"] for v in before]
    assert [v["proof"] for v in after] == [v["proof"] for v in before]
    # Back at the station, twice: the second answers as the first, a later one is refused.
    back = {"type": "returned", "timestamp": iso(300)}
    assert client.post("/api/v1/events", json=back, headers=bearer(token)).json["accepted"] == 1
    finished = [client.get(f"/api/v1/track/{s['token']}").json for s in reg["shipments"]]
    resp = client.post("/api/v1/events", json=back, headers=bearer(token))
    assert resp.status_code == 200 and resp.json["accepted"] == 1
    again = [client.get(f"/api/v1/track/{s['token']}").json for s in reg["shipments"]]
    assert [v["timeline"] for v in again] == [v["timeline"] for v in finished]
    later = client.post(
        "/api/v1/events", json={**back, "timestamp": iso(400)}, headers=bearer(token)
    )
    assert later.status_code == 409 and later.json["field"] == "route"


def test_no_photos_after_the_route_is_finished(client):
    reg = register(client)
    client.post(
        "/api/v1/events",
        json={"type": "returned", "timestamp": iso(300)},
        headers=bearer(reg["driver_token"]),
    )
    resp = upload(client, reg["driver_token"], phone_photo(40, 30))
    assert resp.status_code == 409 and resp.json["field"] == "route"


@pytest.fixture(params=["memory", "redis"])
def store_url(request):
    if request.param == "memory":
        return "memory://"
    return request.getfixturevalue("clean_redis")


def test_retention_forgets_photos_and_the_link(tmp_path, store_url):
    clock = Clock(T0.timestamp() + 60)
    app = make_app(
        clock, SECRET_KEY="unit", PHOTO_STORE=str(tmp_path), RETENTION=DAY, STORE_URL=store_url
    )
    client = app.test_client()
    reg = register(client, n_stops=1)
    csrf = signed_in(client)
    link = new_link(client, csrf, reg["route_id"])
    photo = key()
    assert upload(client, link, phone_photo(40, 30), 0, photo).status_code == 201
    assert (
        client.post(
            "/api/v1/events", json=delivered(0, 90, photo=photo), headers=bearer(link)
        ).status_code
        == 200
    )
    assert list(tmp_path.rglob("*.jpg"))
    clock.advance(DAY + 120)
    assert app.extensions["doorstep"].retention.sweep() == 1
    assert not list(tmp_path.rglob("*.jpg"))
    store = app.extensions["doorstep"].store
    assert not store.list_docs("photo") and not store.list_docs("driver_link")
    assert not store.list_docs("driver_link_route")
    assert client.get("/api/v1/driver/block", headers=bearer(link)).status_code == 401
    # Nothing left for this app's broadcaster thread to read once the test's Redis has stopped.
    app.extensions["doorstep"].broadcaster.flush(force=True)


def test_the_route_report_carries_the_photo_inside_the_file(client):
    reg = register(client)
    photo, signature = key(), key()
    upload(client, reg["driver_token"], phone_photo(400, 300), 0, photo)
    upload(client, reg["driver_token"], phone_photo(200, 100, "#ffffff"), 0, signature)
    client.post(
        "/api/v1/events",
        json=delivered(0, 60, photo=photo, signature=signature),
        headers=bearer(reg["driver_token"]),
    )
    signed_in(client)
    html = report_code(
        client.get(f"/dashboard/routes/{reg['route_id']}/report.html").get_data(as_text=True))
    assert html.count("data:image/jpeg;base64,") == 2  # the photo and the signature
    assert photo not in html and "/photos/" not in html  # nothing fetched from the server


def test_a_route_keeps_a_bounded_number_of_photos(client, tmp_path):
    reg = register(client, n_stops=1)  # 3 x 1 stop + 10 = 13 photos
    small = phone_photo(40, 30)
    for _ in range(13):
        assert upload(client, reg["driver_token"], small).status_code == 201
    resp = upload(client, reg["driver_token"], small)
    assert resp.status_code == 409 and resp.json["field"] == "photo"
    assert len(list((tmp_path / "photos").rglob("*.jpg"))) == 13


def test_a_refused_deliverys_photo_is_neither_kept_nor_counted(tmp_path, store_url):
    app = make_app(Clock(T0.timestamp() + 60), SECRET_KEY="unit",
                   PHOTO_STORE=str(tmp_path / "photos"), STORE_URL=store_url)
    client = app.test_client()
    reg = register(client, n_stops=1)  # 3 x 1 stop + 10 = 13 photos
    token, small = reg["driver_token"], phone_photo(40, 30)
    first = key()
    assert upload(client, token, small, 0, first).status_code == 201
    sent = client.post("/api/v1/events", json=delivered(0, 60, photo=first), headers=bearer(token))
    assert sent.json["accepted"] == 1
    # A phone that did not know (a second phone, an outbox from before a reload) delivers the
    # stop again, with a photo and a signature each time: refused, and nothing of it kept.
    for n in range(13):
        photo, drawn = key(), key()
        assert upload(client, token, small, 0, photo).status_code == 201
        assert upload(client, token, small, 0, drawn).status_code == 201
        again = delivered(0, 100 + n, photo=photo, signature=drawn)
        resp = client.post("/api/v1/events", json=again, headers=bearer(token))
        assert resp.status_code == 400 and resp.json["field"] == "stop"
        assert client.get(f"/api/v1/track/{reg['shipments'][0]['token']}").json["proof"][
            "photo"] == first
    # In a batch too; the item naming the delivery already taken keeps its photo.
    photo = key()
    assert upload(client, token, small, 0, photo).status_code == 201
    batch = {"events": [delivered(0, 60, photo=first), delivered(0, 200, photo=photo)]}
    resp = client.post("/api/v1/events", json=batch, headers=bearer(token))
    assert resp.json["accepted"] == 1 and resp.json["rejected"][0]["field"] == "events[1].stop"
    assert len(list((tmp_path / "photos").rglob("*.jpg"))) == 1  # the delivered photo alone
    # The route's cap counts the photo it kept: twelve more fit, the thirteenth does not.
    for _ in range(12):
        assert upload(client, token, small).status_code == 201
    resp = upload(client, token, small)
    assert resp.status_code == 409 and resp.json["field"] == "photo"
    # Nothing left for this app's threads to write once the test's Redis has stopped.
    app.extensions["doorstep"].ingest.save()
    app.extensions["doorstep"].broadcaster.flush(force=True)


def test_a_photo_not_of_the_stop_is_not_released_by_a_refusal(client, tmp_path):
    reg = register(client)
    token, photo = reg["driver_token"], key()
    assert upload(client, token, phone_photo(40, 30), 1, photo).status_code == 201
    # Stop 0's delivery names stop 1's photo: refused, and stop 1's photo stays for its event.
    resp = client.post("/api/v1/events", json=delivered(0, 60, photo=photo), headers=bearer(token))
    assert resp.status_code == 400 and resp.json["field"] == "proof.photo"
    resp = client.post("/api/v1/events", json=delivered(1, 90, photo=photo), headers=bearer(token))
    assert resp.status_code == 200 and resp.json["accepted"] == 1


@pytest.mark.parametrize(
    "photo",
    ["drawn.png", "javascript:alert(1)", "ph_nothex", "ph_" + "0" * 32, "https://", "ftp://x.example/p.jpg",
     "https://x.example/a b.jpg", "//x.example/p.jpg", "data:image/png;base64,AAAA"],
)
def test_a_photo_must_be_an_uploaded_key_or_a_url(client, photo):
    reg = register(client)
    token = reg["driver_token"]
    resp = client.post("/api/v1/events", json=delivered(0, 60, photo=photo), headers=bearer(token))
    assert resp.status_code == 400 and resp.json["field"] == "proof.photo", resp.json
    view = client.get(f"/api/v1/track/{reg['shipments'][0]['token']}").json
    assert view["status"] != "delivered" and view["proof"] is None
    # In a batch the item is refused and what came before and after it is kept.
    batch = {"events": [{"type": "arrived", "stop": 0, "timestamp": iso(50)},
                        delivered(0, 60, photo=photo),
                        delivered(1, 70, photo="https://photos.example.com/p/1.jpg")]}
    resp = client.post("/api/v1/events", json=batch, headers=bearer(token))
    assert resp.status_code == 200 and resp.json["accepted"] == 2
    assert [r["field"] for r in resp.json["rejected"]] == ["events[1].proof.photo"]
    second = client.get(f"/api/v1/track/{reg['shipments'][1]['token']}").json
    assert second["proof"]["photo"] == "https://photos.example.com/p/1.jpg"


def test_photos_can_go_before_their_route(tmp_path):
    clock = Clock(T0.timestamp() + 60)
    app = make_app(
        clock, SECRET_KEY="unit", PHOTO_STORE=str(tmp_path), RETENTION=30 * DAY, PHOTO_RETENTION=DAY
    )
    client = app.test_client()
    reg = register(client, n_stops=1)
    photo = key()
    upload(client, reg["driver_token"], phone_photo(40, 30), 0, photo)
    client.post(
        "/api/v1/events", json=delivered(0, 90, photo=photo), headers=bearer(reg["driver_token"])
    )
    token = reg["shipments"][0]["token"]
    clock.advance(DAY - 120)
    app.extensions["doorstep"].retention.sweep()
    assert client.get(f"/api/v1/track/{token}/photos/{photo}").status_code == 200
    clock.advance(240)
    app.extensions["doorstep"].retention.sweep()
    assert client.get(f"/api/v1/track/{token}/photos/{photo}").status_code == 404
    assert not list(tmp_path.rglob("*.jpg"))
    view = client.get(f"/api/v1/track/{token}").json  # the route and the proof's words stay
    assert view["status"] == "delivered" and view["proof"]["left_at"] == "front door"


def test_photo_storage_that_cannot_write_answers_503_and_keeps_nothing(tmp_path):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the photo directory should be")
    app = make_app(Clock(T0.timestamp() + 60), PHOTO_STORE=str(blocked))
    client = app.test_client()
    reg = register(client)
    photo = key()
    resp = upload(client, reg["driver_token"], phone_photo(40, 30), 0, photo)
    assert resp.status_code == 503 and "Retry-After" in resp.headers
    assert app.extensions["doorstep"].photos.get(photo) is None  # the retry starts afresh


@settings(
    max_examples=examples(60),
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@given(
    body=st.binary(max_size=2000),
    stop=st.text(max_size=6),
    header=st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40),
    kind=st.sampled_from(["image/jpeg", "image/png", "text/plain", ""]),
)
def test_the_photo_door_never_fails(body, stop, header, kind):
    resp = FUZZ_CLIENT.post(
        "/api/v1/photos",
        query_string={"stop": stop},
        data=body,
        headers={
            **bearer(FUZZ_REG["driver_token"]),
            "Idempotency-Key": header.encode("utf-8", "replace").decode("latin-1"),
            "Content-Type": kind,
        },
    )
    assert resp.status_code in (400, 413, 415), resp.get_data(as_text=True)
    assert resp.json["field"] in ("stop", "photo", "Idempotency-Key")


FUZZ_APP = make_app(
    Clock(T0.timestamp() + 60),
    PHOTO_STORE="/nonexistent/never-written",
    EVENTS_PER_DRIVER="100000000/second",
    EVENTS_PER_SELLER="100000000/second",
)
FUZZ_CLIENT = FUZZ_APP.test_client()
FUZZ_REG = register(FUZZ_CLIENT)


def test_a_photo_taken_sideways_stands_upright(client):
    import io

    from PIL import Image

    img = Image.new("RGB", (300, 200), "white")
    exif = img.getexif()
    exif[0x0112] = 6  # Orientation: the camera was turned 90 degrees
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    reg = register(client)
    resp = upload(client, reg["driver_token"], out.getvalue())
    assert (resp.json["width"], resp.json["height"]) == (200, 300)


def test_the_home_screen_icon_is_a_png_drawn_here(client):
    import io

    from PIL import Image

    page = client.get("/drive/").get_data(as_text=True)
    assert 'rel="apple-touch-icon" sizes="180x180" href="/drive/apple-touch-icon.png"' in page
    resp = client.get("/drive/apple-touch-icon.png")
    assert resp.status_code == 200 and resp.mimetype == "image/png"
    img = Image.open(io.BytesIO(resp.data))
    assert img.format == "PNG" and img.size == (180, 180)
    assert img.getpixel((5, 5)) == (0x0B, 0x6B, 0xCB)  # the app's blue
    assert img.getpixel((90, 70)) == (255, 255, 255)  # the white pin in the middle


def test_a_first_fix_stamped_before_the_start_does_not_go_before_it(client):
    from tests.support.helpers import STOPS

    reg = register(client, start=False)
    token = reg["driver_token"]
    started = {"type": "route_started", "timestamp": iso(60)}
    assert client.post("/api/v1/events", json=started, headers=bearer(token)).status_code == 200
    # The phone's first fix, a cached one from a second before the start, right at stop 1.
    lat, lon = STOPS[0][:2]
    fixes = {
        "positions": [
            {"lat": lat, "lon": lon, "timestamp": iso(59)},
            {"lat": lat, "lon": lon, "timestamp": iso(65)},
        ]
    }
    assert client.post("/api/v1/positions", json=fixes, headers=bearer(token)).status_code < 300
    view = client.get(f"/api/v1/track/{reg['shipments'][0]['token']}").json
    timeline = view["timeline"]
    assert len(timeline) >= 3, timeline  # created, out for delivery, then the driver near
    assert timeline[1]["status"] == "out_for_delivery"
    times = [t["at"] for t in timeline]
    assert times == sorted(times), timeline


def test_a_jpeg_comment_does_not_reach_the_customer():
    """The third outside check: Pillow wrote a JPEG's comment segment back out."""
    import io

    from PIL import Image

    from app.proof.images import clean

    out = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(out, "JPEG", comment=b"home 60.17,24.94")
    cleaned, _, _ = clean(out.getvalue(), 1280, 40_000_000)
    assert b"60.17" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as img:
        assert "comment" not in img.info
