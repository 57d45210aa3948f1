"""A sped-up run's times (the demo's simulator) shown on the server's clock."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.domain.run_clock import RunClock
from app.domain.view import customer_view, route_summary
from tests.support.tracking import make_route, shipments_of
from tests.unit.test_view import SETTINGS, on_the_way_to

T0 = datetime.fromisoformat("2026-06-01T09:00:00+03:00").timestamp()


def epoch(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


@pytest.fixture
def route():
    return make_route()


def test_a_customer_reads_a_x10_run_on_the_server_clock(route):
    """The driver started an hour of the run's time ago; the server started 6 minutes ago."""
    p = on_the_way_to(route, 0, t0=T0)
    ship = next(s for s in shipments_of(route) if s.stop == 3)
    plain = customer_view(route, p, ship, SETTINGS)
    # The run's clock read T0 when the server's read T0 - 3000 (it ran ahead), at x10.
    clock = RunClock(sim=T0, real=T0 - 3000, speedup=10)
    real = customer_view(route, p, ship, SETTINGS, clock=clock)
    assert epoch(real["updated_at"]) == pytest.approx(
        T0 - 3000 + (epoch(plain["updated_at"]) - T0) / 10, abs=1)
    lo, hi = (epoch(e) for e in real["eta"]["window"])
    plo, phi = (epoch(e) for e in plain["eta"]["window"])
    assert lo == pytest.approx(T0 - 3000 + (plo - T0) / 10, abs=1)
    assert hi - lo == pytest.approx((phi - plo) / 10, abs=1)  # ten times as near, and narrow
    assert real["eta"]["text"] != plain["eta"]["text"]
    local = datetime.fromtimestamp(lo).astimezone(datetime.fromisoformat(
        "2026-06-01T09:00:00+03:00").tzinfo)
    assert real["eta"]["text"].startswith(f"Arriving {local:%H:%M}-")


def test_a_seller_reads_steady_real_times_on_every_row(route):
    p = on_the_way_to(route, 2, t0=T0)
    clock = RunClock(sim=T0, real=T0 - 3000, speedup=10)
    rows = route_summary(route, p, shipments_of(route), SETTINGS, clock)["shipments"]
    done = [r for r in rows if r["status"] == "delivered"]
    assert done and all(T0 - 3000 <= epoch(r["updated_at"]) < T0 - 3000 + 600 for r in done)
    summary = route_summary(route, p, shipments_of(route), SETTINGS, clock)
    assert epoch(summary["position"]["at"]) < T0


@pytest.mark.parametrize("record", [None, {}, {"sim": 1, "real": 2, "speedup": 0},
                                    {"sim": "x", "real": 2, "speedup": 10},
                                    {"sim": float("nan"), "real": 2, "speedup": 10}])
def test_a_record_that_is_not_a_clock_is_none(record):
    assert RunClock.from_record(record) is None


def test_the_simulator_links_carry_its_pace():
    from simulator.drive.clock import InstantClock, PacedClock

    anchor = PacedClock(T0, 10).anchor()
    assert anchor["sim"] == T0 and anchor["speedup"] == 10 and RunClock.from_record(anchor)
    assert InstantClock().anchor() is None


def test_a_demo_route_reads_on_the_server_clock_once_its_launcher_keeps_the_clock(app, client):
    """The launcher keeps the clock the simulator printed with the route's link; the API, the
    page and the dashboard then read the route's times on the server's clock."""
    from app.ops.demo import keep_clock
    from tests.support.helpers import register

    reg = register(client)
    token = reg["shipments"][0]["token"]
    ran = epoch(client.get(f"/api/v1/track/{token}").json["updated_at"])  # the run's clock
    with app.app_context():
        keep_clock({"route_id": reg["route_id"],
                    "clock": {"sim": ran - 600, "real": ran - 3000, "speedup": 10}})
    assert epoch(client.get(f"/api/v1/track/{token}").json["updated_at"]) == ran - 2940
    summary = client.get(f"/api/v1/routes/{reg['route_id']}",
                         headers={"Authorization": "Bearer demo"}).json
    assert epoch(summary["updated_at"]) == ran - 2940


def test_a_young_route_without_a_run_clock_is_looked_up_once_a_second_not_per_view(app, client):
    """Every view of every route asks for its run clock each tick; a route in its first minute
    with none recorded yet was read from the store on every one of them."""
    from app.extensions import services
    from app.live.reads import RUN_CLOCK
    from tests.support.helpers import register

    reg = register(client)
    store = services(app).store
    asked = []
    get_doc = store.get_doc
    store.get_doc = lambda kind, key: (asked.append(key) if kind == RUN_CLOCK else None,
                                       get_doc(kind, key))[1]
    for _ in range(5):
        assert client.get(f"/api/v1/track/{reg['shipments'][0]['token']}").status_code == 200
    assert asked.count(reg["route_id"]) <= 1, asked
