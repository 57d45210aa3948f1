"""The health check a load balancer polls."""

from __future__ import annotations

from flask import jsonify

from app.extensions import services
from app.store import StoreFull
from app.web.pages import bp

STATUS = {"ok": "ok", "unavailable": "store unavailable", "full": "store full"}


@bp.get("/healthz")
def healthz():
    """Answer 200 when this process and its store are up and the store takes writes."""
    svc = services()
    state = svc.store.health()
    failing = svc.reads.live.failing  # the store answers, but refused the progress written behind
    if state == "ok" and failing is not None:
        state = "full" if isinstance(failing, StoreFull) else "unavailable"
    return (jsonify(status=STATUS[state], store=svc.store.name),
            200 if state == "ok" else 503, {} if state == "ok" else {"Retry-After": "5"})
