"""The health check a load balancer polls."""

from __future__ import annotations

from flask import jsonify

from app.web.pages import bp
from app.wiring import services

STATUS = {"ok": "ok", "unavailable": "store unavailable", "full": "store full"}


@bp.get("/healthz")
def healthz():
    """Answer 200 when this process and its store are up and the store takes writes."""
    svc = services()
    state = svc.store.health()
    if state == "ok" and svc.reads.live.failing:
        state = "full"  # the store answers but refuses the progress written behind
    return (jsonify(status=STATUS[state], store=svc.store.name),
            200 if state == "ok" else 503, {} if state == "ok" else {"Retry-After": "5"})
