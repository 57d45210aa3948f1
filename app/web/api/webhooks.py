"""Seller webhooks: register an endpoint and its event types, list them, remove one."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, jsonify

from app.extensions import services
from app.notify.webhooks import EVENT_TYPES
from app.notify.webhooks.endpoints import public
from app.notify.webhooks.targets import RefusedTarget, check_url
from app.web.api import bp
from app.web.api.auth import require_seller
from app.web.api.body import json_body
from app.web.api.errors import ApiError
from app.web.api.validation import InvalidField, obj, text

MAX_ENDPOINTS = 20


def _url(body: dict) -> str:
    url = text(body, "url", 500)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises on a port past 65535 or not a number
    except ValueError:  # `http://[::1`: an unclosed IPv6 bracket
        raise InvalidField("url", "must be an http:// or https:// URL with a host") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidField("url", "must be an http:// or https:// URL with a host")
    try:
        check_url(url, current_app.config["WEBHOOK_ALLOW_PRIVATE"])
    except RefusedTarget as exc:
        raise InvalidField("url", str(exc)) from None
    return url


def _events(body: dict) -> list[str]:
    events = body.get("events", list(EVENT_TYPES))
    if not isinstance(events, list) or not events:
        raise InvalidField("events", "must be a non-empty list")
    unknown = [e for e in events if e not in EVENT_TYPES]
    if unknown:
        raise InvalidField("events", f"unknown {unknown[0]!r}; use {', '.join(EVENT_TYPES)}")
    return list(dict.fromkeys(events))


@bp.post("/webhooks")
def create_webhook():
    """Register an endpoint; the answer shows its signing secret, this once only."""
    seller = require_seller()
    body = obj(json_body(), "body")
    url, events = _url(body), _events(body)
    endpoints = services().notify.endpoints
    if len(endpoints.for_seller(seller)) >= MAX_ENDPOINTS:
        raise ApiError(409, f"at most {MAX_ENDPOINTS} endpoints per seller", "url")
    return jsonify(public(endpoints.create(seller, url, events), with_secret=True)), 201


@bp.get("/webhooks")
def list_webhooks():
    """List the seller's endpoints with how their latest delivery went."""
    seller = require_seller()
    docs = services().notify.endpoints.for_seller(seller)
    return jsonify(webhooks=[public(d) for d in docs], event_types=list(EVENT_TYPES))


@bp.delete("/webhooks/<webhook_id>")
def delete_webhook(webhook_id: str):
    """Remove an endpoint; deliveries still waiting for it are dropped when they come due."""
    seller = require_seller()
    endpoints = services().notify.endpoints
    doc = endpoints.get(webhook_id)
    if doc is None or doc["seller_id"] != seller:
        raise ApiError(404, "no such webhook", "webhook_id")
    endpoints.delete(webhook_id)
    return jsonify(deleted=True, id=webhook_id)
