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
    failing = svc.reads.saving_failed()  # the store answers, but refused the writes behind
    if state == "ok" and failing is not None:
        state = "full" if isinstance(failing, StoreFull) else "unavailable"
    return (jsonify(status=STATUS[state], store=svc.store.name, basemap=_basemap()),
            200 if state == "ok" else 503, {} if state == "ok" else {"Retry-After": "5"})


def _basemap() -> dict:
    """The street map's state; reported, not counted against health (streets are decoration)."""
    basemap = services().basemap
    status = basemap.status()
    if status is None:
        return {"state": basemap.kind}
    # No path here: /healthz is public. The log and `python -m app basemap check` name the file.
    return {"state": status.state}
