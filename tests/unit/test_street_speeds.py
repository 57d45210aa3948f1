"""Street speeds learned from the fleet's own fixes time the next driver's ETA (issue 19)."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.support.helpers import STATION, STOPS, fix_between, iso, register

A = (STATION["lat"], STATION["lon"])
B = STOPS[0][:2]  # leg 0 is one straight segment, about 170 m


def _eta_s(client, reg, t: float) -> float:
    """Seconds from `t` to the ETA the first stop's customer is shown."""
    view = client.get(f"/api/v1/track/{reg['shipments'][0]['token']}").json
    at = datetime.fromisoformat(view["eta"]["at"].replace("Z", "+00:00")).timestamp()
    return at - datetime.fromisoformat(iso(t)).timestamp()


def _post(client, reg, fixes):
    resp = client.post("/api/v1/positions", json={"positions": fixes},
                       headers={"Authorization": f"Bearer {reg['driver_token']}"})
    assert resp.status_code == 200, resp.json
    assert resp.json["accepted"] == len(fixes)


@pytest.mark.parametrize("learn", [True, False])
def test_a_street_the_fleet_crawled_along_times_the_next_van_there(learn):
    """With LEARN_STREET_SPEEDS on; off (the default), the second van's ETA is as the first's."""
    from app import create_app

    client = create_app({"TESTING": True, "ASYNC_MODE": "threading", "STORE_URL": "memory://",
                         "SELLER_KEYS": {"demo": "demo"}, "DEMO": False,
                         "LEARN_STREET_SPEEDS": learn}).test_client()
    first = register(client, n_stops=1)
    _post(client, first, [fix_between(A, B, 0.0, 1)])
    fresh = _eta_s(client, first, 1)  # nothing learned: the van's profile speed, and dwell
    # The first van crawls along the street at about 1 m/s (a queue), not as a van drives.
    _post(client, first, [fix_between(A, B, k / 10, 1 + 15 * k) for k in range(1, 9)])
    second = register(client, n_stops=1)
    _post(client, second, [fix_between(A, B, 0.0, 200)])
    learned = _eta_s(client, second, 200)
    if learn:
        assert learned > fresh + 90, (fresh, learned)
    else:
        assert abs(learned - fresh) < 30, (fresh, learned)
