"""Signing a seller in through the real form, CSRF token included."""

from __future__ import annotations

import re


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client, key: str = "demo"):
    token = csrf_of(client.get("/signin").get_data(as_text=True))
    return client.post("/signin", data={"key": key, "csrf_token": token, "next": "/dashboard"})


def page_csrf(client, token: str) -> str:
    """The CSRF token a customer's tracking page was rendered with (its data-config)."""
    import html
    import json

    page = client.get(f"/track/{token}").get_data(as_text=True)
    config = re.search(r'data-config="([^"]+)"', page).group(1)
    return json.loads(html.unescape(config))["csrfToken"]
