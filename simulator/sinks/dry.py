"""A sink that sends nothing but makes up registrations, so a run needs no server."""

from __future__ import annotations

from simulator.sinks.base import Registration, Sink


class DrySink(Sink):
    def __init__(self, base_url: str = "http://localhost:5000") -> None:
        self.base_url = base_url.rstrip("/")
        self.count = 0

    def register(self, driver, payload, reg):  # type: ignore[no-untyped-def]
        self.count += 1
        n = self.count
        items = [(stop, s) for stop, st in enumerate(payload["stops"])
                 for s in st.get("shipments", [])]  # a pickup has none
        shipments = [
            {"tracking_id": f"DRY{n:04d}{k:03d}", "stop": stop,
             "reference": s.get("reference"), "token": f"dry-{n}-{k}",
             "tracking_url": f"{self.base_url}/track/dry-{n}-{k}"}
            for k, (stop, s) in enumerate(items)
        ]
        return Registration(f"r_dry{n:04d}", f"dt_dry{n:04d}", shipments)
