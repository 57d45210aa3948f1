"""Prometheus metrics at /metrics: ingest, drops, viewers, broadcast ticks, frames, queue lag.

One registry per process (one gunicorn worker per process here): scrape every process, or sum
them in Prometheus (`sum by (...)`).
"""

from __future__ import annotations

import gc
import time

from flask import Blueprint, Flask, Response, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

REGISTRY = CollectorRegistry(auto_describe=True)
_FAST = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)

FIXES = Counter("doorstep_fixes_accepted", "Fixes the engine accepted", registry=REGISTRY)
DROPPED = Counter("doorstep_fixes_dropped", "Valid fixes the engine ignored, by reason",
                  ["reason"], registry=REGISTRY)
REJECTED = Counter("doorstep_fixes_rejected", "Batch items refused by validation",
                   registry=REGISTRY)
VIEWERS = Gauge("doorstep_viewers", "Socket.IO connections open in this process",
                registry=REGISTRY)
TICK = Histogram("doorstep_broadcast_tick_seconds", "Time spent in one broadcast tick",
                 buckets=_FAST, registry=REGISTRY)
DELAY = Histogram("doorstep_broadcast_delay_seconds",
                  "From the first change of a route to its frames being handed to the sockets",
                  buckets=_FAST, registry=REGISTRY)
FRAMES = Counter("doorstep_frames_sent", "Frames handed to sockets, per audience",
                 ["kind"], registry=REGISTRY)
COALESCED = Counter("doorstep_changes_coalesced",
                    "Route changes overtaken by a newer one before they were sent (latest wins)",
                    registry=REGISTRY)
SKIPPED = Counter("doorstep_frames_skipped_slow",
                  "Frames not queued for a viewer whose socket is backed up (latest wins)",
                  registry=REGISTRY)
QUEUE_LAG = Histogram("doorstep_queue_lag_seconds",
                      "Message queue: from publishing a tick's frames to receiving them",
                      buckets=_FAST, registry=REGISTRY)
GC_PAUSE = Histogram("doorstep_gc_pause_seconds",
                     "Garbage collector pauses (every greenlet waits for them), by generation",
                     ["generation"], buckets=_FAST, registry=REGISTRY)

_gc_started: list[float] = [0.0]


def _gc_timer(phase: str, info: dict) -> None:
    # ../shared/design.md: under gevent, tail latency was set by the collector; this shows
    # what it costs.
    if phase == "start":
        _gc_started[0] = time.perf_counter()
    else:
        GC_PAUSE.labels(str(info.get("generation"))).observe(
            time.perf_counter() - _gc_started[0])


def watch_gc() -> None:
    if _gc_timer not in gc.callbacks:
        gc.callbacks.append(_gc_timer)

bp = Blueprint("metrics", __name__)


def fixes_counted(accepted: int, dropped: dict[str, int]) -> None:
    FIXES.inc(accepted)
    for reason, n in dropped.items():
        DROPPED.labels(reason).inc(n)


@bp.get("/metrics")
def scrape():
    """Prometheus text format."""
    return Response(generate_latest(REGISTRY), mimetype=CONTENT_TYPE_LATEST)


def _count_rejected(response: Response) -> Response:
    # Validation lives in the API; counting its answer keeps the API module untouched.
    if request.path == "/api/v1/positions" and response.is_json:
        body = response.get_json(silent=True) or {}
        if isinstance(body, dict) and body.get("rejected"):
            REJECTED.inc(len(body["rejected"]))
    return response


def init_app(app: Flask, viewers=None) -> None:
    """Serve /metrics; `viewers` answers the number of open connections when scraped."""
    app.register_blueprint(bp)
    app.after_request(_count_rejected)
    watch_gc()
    if viewers is not None:
        VIEWERS.set_function(viewers)
