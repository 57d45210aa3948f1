"""Small builders for tests: a route payload on real Helsinki coordinates, fixes along it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # 11:00 in Helsinki, inside service hours

# A short walk east along Pohjoisesplanadi and up Unioninkatu, central Helsinki.
STATION = {"lat": 60.1675, "lon": 24.9450, "name": "Station HEL1"}
STOPS = [
    (60.1680, 24.9480, "Pohjoisesplanadi 21"),
    (60.1685, 24.9510, "Pohjoisesplanadi 33"),
    (60.1700, 24.9515, "Unioninkatu 20"),
]


def route_payload(n_stops: int = 3, vehicle: str = "van", recipients=None) -> dict:
    stops = []
    for i, (lat, lon, address) in enumerate(STOPS[:n_stops]):
        who = recipients[i] if recipients else f"Customer {i}"
        stops.append({"lat": lat, "lon": lon, "address": address,
                      "shipments": [{"recipient": who, "reference": f"order-{i}"}]})
    points = [(STATION["lat"], STATION["lon"])] + [(s[0], s[1]) for s in STOPS[:n_stops]]
    legs = [[list(points[i]), list(points[i + 1])] for i in range(n_stops)]
    return {"driver": {"name": "Aino Virtanen", "vehicle": vehicle}, "program": "standard",
            "timezone": "Europe/Helsinki", "station": dict(STATION), "stops": stops, "legs": legs}


def iso(seconds: float) -> str:
    return (T0 + timedelta(seconds=seconds)).isoformat()


def fix_between(a: tuple[float, float], b: tuple[float, float], frac: float, t: float) -> dict:
    return {"lat": a[0] + (b[0] - a[0]) * frac, "lon": a[1] + (b[1] - a[1]) * frac,
            "timestamp": iso(t), "speed": 5.0, "heading": 80, "accuracy": 5}


def _json(resp):
    # Flask's test response has .json as a property, requests' as a method.
    return resp.json() if callable(getattr(resp, "json", None)) else resp.json


def register(client_or_session, base: str = "", key: str = "demo", start: bool = True,
             payload: dict | None = None, **kwargs) -> dict:
    """Register a route (`payload`, else route_payload(**kwargs)); with `start`, the driver
    also leaves the station (route_started)."""
    resp = client_or_session.post(f"{base}/api/v1/routes", json=payload or route_payload(**kwargs),
                                  headers={"Authorization": f"Bearer {key}"})
    assert resp.status_code == 201, resp.text
    reg = _json(resp)
    if start:
        resp = client_or_session.post(
            f"{base}/api/v1/events", json={"type": "route_started", "timestamp": iso(0)},
            headers={"Authorization": f"Bearer {reg['driver_token']}"})
        assert resp.status_code == 200, resp.text
    return reg


def steady(view: dict) -> dict:
    """A customer view without what moves with the wall clock alone: before any fix the ETA is
    counted from now, so two reads a second apart differ there and nowhere else."""
    eta = dict(view.get("eta") or {})
    eta.pop("at", None)
    return {**view, "eta": eta}
