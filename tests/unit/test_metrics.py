"""/metrics in Prometheus' text format, and JSON log lines."""

from __future__ import annotations

import json
import logging

from app.ops.logs import JsonLines
from tests.support.helpers import STATION, STOPS, fix_between, register


def value(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    raise KeyError(name)


def test_metrics_count_accepted_dropped_and_rejected_fixes(client):
    reg = register(client)
    before = client.get("/metrics").get_data(as_text=True)
    a, b = (STATION["lat"], STATION["lon"]), STOPS[0][:2]
    good = fix_between(a, b, 0.5, 10)
    resp = client.post("/api/v1/positions", json={"positions": [good, good, {"lat": 200}]},
                       headers={"Authorization": f"Bearer {reg['driver_token']}"})
    assert resp.json["accepted"] == 1
    after = client.get("/metrics").get_data(as_text=True)
    assert resp.headers.get("Content-Type", "").startswith("application/json")
    for name, grew in [("doorstep_fixes_accepted_total", 1), ("doorstep_fixes_rejected_total", 1),
                       ('doorstep_fixes_dropped_total{reason="duplicate"}', 1)]:
        old = value(before, name) if name in before else 0.0
        assert value(after, name) - old == grew, name
    for name in ("doorstep_viewers", "doorstep_broadcast_tick_seconds_count",
                 "doorstep_frames_sent_total", "doorstep_queue_lag_seconds_count"):
        assert name in after.replace('{kind="view"}', ""), name


def test_json_log_lines_carry_extras_and_exceptions():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord("doorstep", logging.ERROR, __file__, 1, "tick %s failed",
                                   ("7",), sys.exc_info())
    record.route_id = "r_1"
    line = json.loads(JsonLines().format(record))
    assert line["message"] == "tick 7 failed" and line["level"] == "error"
    assert line["route_id"] == "r_1" and "ValueError: boom" in line["exception"]
    assert line["time"].endswith("Z")
