"""Helpers for the driver app's tests: a seller session that makes driver links, proof photos
with the metadata a phone writes."""

from __future__ import annotations

import io
import re

import requests
from PIL import Image


def seller_session(base: str, key: str = "demo") -> tuple[requests.Session, str]:
    """A signed-in dashboard session and its CSRF token, through the real sign-in form."""
    s = requests.Session()
    token = re.search(
        r'name="csrf_token" value="([^"]+)"', s.get(f"{base}/signin", timeout=10).text
    ).group(1)
    resp = s.post(
        f"{base}/signin",
        data={"key": key, "csrf_token": token, "next": "/dashboard"},
        timeout=10,
        allow_redirects=False,
    )
    assert resp.status_code == 302, resp.text
    csrf = re.search(
        r'name="csrf_token" value="([^"]+)"', s.get(f"{base}/dashboard", timeout=10).text
    ).group(1)
    return s, csrf


def make_link(session: requests.Session, csrf: str, base: str, route_id: str) -> str:
    resp = session.post(
        f"{base}/dashboard/routes/{route_id}/driver-link",
        headers={"X-CSRF-Token": csrf},
        timeout=10,
    )
    assert resp.status_code == 201, resp.text
    return base + resp.json()["path"]  # without PUBLIC_URL: on the dashboard's own address


def phone_photo(width: int = 3000, height: int = 2000, colour: str = "#c0392b") -> bytes:
    """A JPEG as a phone writes it: large, with EXIF naming the camera and where it stood."""
    img = Image.new("RGB", (width, height), colour)
    exif = img.getexif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 15"  # Model
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (60.0, 10.0, 5.0), "E", (24.0, 56.0, 40.0)
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def metadata_of(jpeg: bytes) -> dict:
    """Whatever metadata Pillow finds in a JPEG: EXIF tags, GPS, other info blocks."""
    img = Image.open(io.BytesIO(jpeg))
    exif = img.getexif()
    found = dict(exif)
    if exif.get_ifd(0x8825):
        found["gps"] = dict(exif.get_ifd(0x8825))
    found.update({k: v for k, v in img.info.items() if k in ("exif", "xmp", "comment", "icc")})
    return found
