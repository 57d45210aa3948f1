"""JSON lines: one record per route, position and event, with the ground truth beside each."""

from __future__ import annotations

import json
from typing import IO

from simulator.drive.clock import Timestamps
from simulator.sinks.base import Sink


class JsonlSink(Sink):
    def __init__(self, stream: IO[str], stamps: Timestamps) -> None:
        self.stream, self.stamp = stream, stamps

    def _write(self, record: dict) -> None:
        self.stream.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")

    def register(self, driver, payload, reg):  # type: ignore[no-untyped-def]
        tl = driver.timeline
        self._write({
            "kind": "route", "t": self.stamp(tl.start), "driver": driver.name,
            "vehicle": driver.vehicle, "program": driver.program,
            "route_id": reg.route_id if reg else None, "station": payload["station"],
            "stops": [{"address": s["address"], "lat": s["lat"], "lon": s["lon"],
                       "dwell_s": s.get("dwell_s"), "shipments": len(s.get("shipments", [])),
                       "kind": s.get("kind", "delivery")}
                      for s in payload["stops"]],
            "truth": {"arrivals": [self.stamp(a) if a is not None else None
                                   for a in tl.arrivals], "outcomes": tl.outcomes,
                      "service_s": [None if s is None else round(s, 1) for s in tl.service]},
        })
        return reg

    def send(self, fixes, events):  # type: ignore[no-untyped-def]
        for driver, ev in events:
            rec = {"kind": "event", "t": self.stamp(ev.t), "driver": driver.name,
                   "route_id": driver.route_id, "type": ev.type, "stop": ev.stop}
            if ev.proof is not None:
                rec["proof"] = ev.proof
            if ev.reason is not None:
                rec["reason"] = ev.reason
            self._write(rec)
        for f in fixes:
            truth = {"lat": round(f.true_lat, 7), "lon": round(f.true_lon, 7),
                     "speed": round(f.true_speed, 2), "phase": f.phase}
            if f.outlier:
                truth["outlier"] = True
            self._write({
                "kind": "position", "t": self.stamp(f.t), "driver": f.driver.name,
                "route_id": f.driver.route_id, "lat": f.lat, "lon": f.lon, "speed": f.speed,
                "heading": f.heading, "accuracy": f.accuracy, "truth": truth,
            })

    def no_fix(self, instants):  # type: ignore[no-untyped-def]
        for g in instants:
            self._write({
                "kind": "no_fix", "t": self.stamp(g.t), "driver": g.driver.name,
                "route_id": g.driver.route_id, "why": g.why,
                "truth": {"lat": round(g.true_lat, 7), "lon": round(g.true_lon, 7),
                          "speed": round(g.true_speed, 2), "phase": g.phase},
            })

    def close(self) -> None:
        self.stream.flush()
