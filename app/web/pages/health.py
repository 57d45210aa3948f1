"""The health check a load balancer polls."""

from __future__ import annotations

from flask import jsonify

from app.extensions import services
from app.web.pages import bp


@bp.get("/healthz")
def healthz():
    """Answer 200 when this process and its store are up."""
    store = services().store
    ok = store.ping()
    return jsonify(status="ok" if ok else "store unavailable", store=store.name), 200 if ok else 503
