"""Proof photos in an S3-compatible bucket: a real S3 server over HTTP (moto's standalone
server), the same upload, proof and retention as a directory; a bucket that is down is a 503."""

from __future__ import annotations

import secrets

import pytest

from tests.support.driver import metadata_of, phone_photo
from tests.support.helpers import iso, register
from tests.support.servers import free_port

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def bucket_server():
    server_mod = pytest.importorskip("moto.server")
    port = free_port()
    server = server_mod.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def s3_client(endpoint: str):
    import boto3

    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="doorstep", aws_secret_access_key="doorstep-secret")


def make_app(endpoint: str, bucket: str):
    from app import create_app

    return create_app({
        "TESTING": True, "ASYNC_MODE": "threading", "STORE_URL": "memory://",
        "SECRET_KEY": "unit", "SELLER_KEYS": {"demo": "demo"}, "DEMO": False,
        "PHOTO_STORE": f"s3://{bucket}/proof", "PHOTO_S3_ENDPOINT": endpoint,
        "PHOTO_S3_REGION": "us-east-1", "PHOTO_S3_KEY_ID": "doorstep",
        "PHOTO_S3_SECRET": "doorstep-secret", "PHOTO_MAX_BYTES": 600_000,
    })


def upload(client, token: str, data: bytes, photo: str, stop: int = 0):
    return client.post(f"/api/v1/photos?stop={stop}", data=data, headers={
        "Authorization": f"Bearer {token}", "Idempotency-Key": photo,
        "Content-Type": "image/jpeg"})


def test_photos_go_to_the_bucket_and_back_only_to_their_link(bucket_server):
    s3 = s3_client(bucket_server)
    s3.create_bucket(Bucket="proofs")
    app = make_app(bucket_server, "proofs")
    client = app.test_client()
    reg = register(client)
    photo = "ph_" + secrets.token_hex(16)
    resp = upload(client, reg["driver_token"], phone_photo(3000, 2000), photo)
    assert resp.status_code == 201, resp.json
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="proofs")["Contents"]]
    assert keys == [f"proof/{reg['route_id']}/{photo}.jpg"]
    stored = s3.get_object(Bucket="proofs", Key=keys[0])["Body"].read()
    assert metadata_of(stored) == {}  # stripped before it left the server
    client.post("/api/v1/events", headers={"Authorization": f"Bearer {reg['driver_token']}"},
                json={"type": "delivered", "stop": 0, "timestamp": iso(60),
                      "proof": {"left_at": "front door", "photo": photo}})
    mine, other = reg["shipments"][0]["token"], reg["shipments"][1]["token"]
    got = client.get(f"/api/v1/track/{mine}/photos/{photo}")
    assert got.status_code == 200 and got.data == stored
    assert client.get(f"/api/v1/track/{other}/photos/{photo}").status_code == 404
    # The route forgotten (retention): its photos leave the bucket with it.
    app.extensions["doorstep"].photos.forget(reg["route_id"])
    assert s3.list_objects_v2(Bucket="proofs").get("KeyCount", 0) == 0


def test_a_bucket_that_is_missing_or_down_answers_503_and_keeps_nothing(bucket_server):
    app = make_app(bucket_server, "no-such-bucket")
    client = app.test_client()
    reg = register(client)
    photo = "ph_" + secrets.token_hex(16)
    resp = upload(client, reg["driver_token"], phone_photo(40, 30), photo)
    assert resp.status_code == 503 and "Retry-After" in resp.headers
    assert app.extensions["doorstep"].photos.get(photo) is None
    down = make_app(f"http://127.0.0.1:{free_port()}", "proofs")  # nothing listens there
    client = down.test_client()
    reg = register(client)
    resp = upload(client, reg["driver_token"], phone_photo(40, 30), photo)
    assert resp.status_code == 503
