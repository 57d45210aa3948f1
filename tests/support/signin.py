"""Signing a seller in through the real form, CSRF token included."""

from __future__ import annotations

import re


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client, key: str = "demo"):
    token = csrf_of(client.get("/signin").get_data(as_text=True))
    return client.post("/signin", data={"key": key, "csrf_token": token, "next": "/dashboard"})
