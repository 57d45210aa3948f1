"""A seeded fleet with an instant clock: where drivers go, how fast, when, and what happens."""

from __future__ import annotations

import io
from datetime import date, datetime

import numpy as np
import pytest

from simulator.drive.clock import InstantClock, Timestamps, service_window, start_time, zone
from simulator.drive.fleet import Fleet, FleetConfig
from simulator.plan.ahead import Planner, PoolPlanner
from simulator.plan.programs import PROGRAMS
from simulator.plan.service import PER_PACKAGE_S
from simulator.sinks import DrySink, JsonlSink, ListSink
from simulator.world.geo import LocalProjection, haversine_m
from simulator.world.maps import load_map
from simulator.world.profiles import PROFILES

TZ = "Europe/Helsinki"
DAY = date(2026, 11, 26)


def run_fleet(counts, start="09:00", seed=7, city=None, out=None, planner=None, **kw):
    city = city or load_map()
    t0 = start_time(zone(TZ), start, DAY)
    sink = ListSink()
    sinks = [DrySink(), sink] + ([JsonlSink(out, Timestamps(zone(TZ)))] if out else [])
    fleet = Fleet(city, FleetConfig(counts, t0, TZ, seed=seed, **kw), sinks, InstantClock(),
                  planner=planner)
    fleet.run()
    return fleet, sink


@pytest.fixture(scope="module")
def mixed():
    return run_fleet({"van": 2, "bike": 2, "foot": 2, "motorcycle": 1, "drone": 1})


def _distance_to_network(p, starts, ends):
    """The distance from point p to the nearest of the segments (starts[i], ends[i]), in metres.

    All segments at once with numpy: one Python loop over some 10,000 segments per fix made
    this the slowest test of the fast suite."""
    d = ends - starts
    length2 = (d * d).sum(axis=1)
    along = np.divide(((p - starts) * d).sum(axis=1), length2, out=np.zeros_like(length2),
                      where=length2 > 0)
    nearest = starts + np.clip(along, 0.0, 1.0)[:, None] * d
    return float(np.sqrt(((p - nearest) ** 2).sum(axis=1)).min())


def test_driving_positions_lie_on_the_mode_network(mixed):
    fleet, sink = mixed
    city = fleet.city
    for vehicle in ("van", "bike", "foot"):
        net = city.network(PROFILES[vehicle].mode)
        proj = LocalProjection(*city.center)
        starts = [proj.to_xy(*net.point(a)) for a, _ in net.edges]
        ends = [proj.to_xy(*net.point(b)) for _, b in net.edges]
        station = (fleet.station.lat, fleet.station.lon)
        kerb = net.snap_kerb(*station) if vehicle == "van" else net.snap(*station)
        # The station's yard: a straight piece between it and its street, off the network.
        starts.append(proj.to_xy(*station))
        ends.append(proj.to_xy(*net.point(kerb)))
        starts, ends = np.array(starts), np.array(ends)
        fixes = [f for f in sink.fixes if f.driver.vehicle == vehicle and f.phase == "drive"]
        assert len(fixes) > 20
        for f in fixes[::7]:
            p = np.array(proj.to_xy(f.true_lat, f.true_lon))
            assert _distance_to_network(p, starts, ends) < 1.0


def test_fixes_stay_within_their_reported_accuracy(mixed):
    _, sink = mixed
    for f in sink.fixes:
        assert haversine_m(f.lat, f.lon, f.true_lat, f.true_lon) <= 2.5 * f.accuracy + 0.2
        assert 1.0 < f.accuracy < 40.0 and 0 <= f.heading < 360


def test_speeds_stay_in_the_profile_range(mixed):
    _, sink = mixed
    for vehicle, prof in PROFILES.items():
        speeds = [f.true_speed for f in sink.fixes if f.driver.vehicle == vehicle]
        assert max(speeds) <= prof.top_speed.high + 1e-6
        # On the road (walks to the door apart), traffic included.
        moving = [f.true_speed for f in sink.fixes
                  if f.driver.vehicle == vehicle and f.phase == "drive" and f.true_speed > 0.5]
        assert moving and sum(moving) / len(moving) >= prof.top_speed.low * 0.25


def test_dwell_times_stay_in_the_profile_range(mixed):
    fleet, _ = mixed
    for slot in fleet.slots:
        assert slot.blocks == 1
    _, sink = mixed
    for driver, payload, _reg in sink.routes:
        prof, program = PROFILES[driver.vehicle], PROGRAMS[driver.program]
        most = max(len(s.get("shipments", [])) for s in payload["stops"])  # a scan each
        dwells = [s.t1 - s.t0 for s in driver.timeline.segments if s.phase == "dwell"]
        assert dwells
        for d in dwells:
            assert prof.dwell.low * program.dwell_factor - 1e-6 <= d
            assert d <= (prof.dwell.high + PER_PACKAGE_S * (most - 1)) * program.dwell_factor + 1e-6


def test_the_clock_stays_within_service_hours():
    fleet, sink = run_fleet({"van": 2, "motorcycle": 1}, start="18:30", stops=40)
    opening, closing = service_window(DAY, zone(TZ))
    times = [f.t for f in sink.fixes] + [ev.t for _, ev in sink.events]
    assert opening <= min(times) and max(times) <= closing
    left = sum(s.not_attempted for s in fleet.slots)
    assert left > 0  # a 40-stop van cannot finish in 90 minutes
    kinds = [ev.type for _, ev in sink.events]
    assert kinds.count("returned") == 3


def test_events_follow_the_block(mixed):
    _, sink = mixed
    for driver, payload, _ in sink.routes:
        kinds = [ev.type for d, ev in sink.events if d is driver]
        assert kinds[0] == "route_started" and kinds[-1] == "returned"
        stops = [ev.stop for d, ev in sink.events if d is driver and ev.type == "arrived"]
        assert stops == list(range(len(payload["stops"])))
        for d, ev in sink.events:
            if d is driver and ev.type == "delivered":
                assert ev.proof["note"] and ev.proof["left_at"]


def test_attempts_occur_at_the_configured_rate():
    _, sink = run_fleet({"van": 4}, stops=60, fail_rate=0.2, seed=11, program="standard")
    outcomes = [ev for _, ev in sink.events if ev.type in {"delivered", "attempted"}]
    attempts = [ev for ev in outcomes if ev.type == "attempted"]
    assert len(outcomes) >= 200
    assert abs(len(attempts) / len(outcomes) - 0.2) < 0.06
    reasons = {ev.reason for ev in attempts}
    assert reasons <= {"no_safe_location", "business_closed", "no_access", "recipient_unavailable"}
    assert len(reasons) >= 3


def test_vans_respect_one_way_streets():
    fleet, sink = run_fleet({"van": 3}, stops=40, seed=3)
    net = fleet.city.network("driving")
    node_at = {net.point(i): i for i in range(net.size)}
    checked = 0
    for driver, _, _ in sink.routes:
        paths = {id(s.path): s.path for s in driver.timeline.segments if s.phase == "drive"}
        for path in paths.values():
            station = (fleet.station.lat, fleet.station.lon)  # its yard is off the network
            nodes = [node_at[p] for p in zip(path.lat, path.lon, strict=True) if p != station]
            for a, b in zip(nodes, nodes[1:], strict=False):
                assert (a, b) in net.edges, "van drove against a one-way"
                checked += 1
    one_way = [e for e in net.edges if (e[1], e[0]) not in net.edges]
    assert checked > 500 and one_way


def test_same_seed_same_bytes():
    outs = []
    for _ in range(2):
        buf = io.StringIO()
        run_fleet({"van": 1, "bike": 1, "drone": 1}, seed=5, out=buf)
        outs.append(buf.getvalue())
    assert outs[0] == outs[1] and len(outs[0]) > 10_000
    buf = io.StringIO()
    run_fleet({"van": 1, "bike": 1, "drone": 1}, seed=6, out=buf)
    assert buf.getvalue() != outs[0]


def test_planning_in_a_worker_process_gives_the_same_bytes():
    outs = []
    for planner in (None, PoolPlanner(load_map(), 1, wait=True)):
        buf = io.StringIO()
        run_fleet({"van": 1, "bike": 2, "motorcycle": 1}, seed=9, out=buf, planner=planner,
                  repeat=False)
        outs.append(buf.getvalue())
    assert outs[0] == outs[1] and len(outs[0]) > 10_000


class SlowPlanner(Planner):
    """Holds every plan back for a few ticks, like a busy worker."""

    def __init__(self, city, ticks: int) -> None:
        super().__init__(city)
        self.ticks, self.asked = ticks, {}

    def take(self, key):
        self.asked[key] = self.asked.get(key, 0) + 1
        return super().take(key) if self.asked[key] > self.ticks else None


def test_a_late_plan_never_holds_up_the_clock():
    city = load_map()
    t0 = start_time(zone(TZ), "09:00", DAY)
    sink = ListSink()
    fleet = Fleet(city, FleetConfig({"bike": 3}, t0, TZ, stops=2, seed=3),
                  [DrySink(), sink], InstantClock(), planner=SlowPlanner(city, 5))
    ticks = []
    fleet.on_tick = lambda f, t, lag: ticks.append(t)
    fleet.run()
    assert all(b - a == 3.0 for a, b in zip(ticks, ticks[1:], strict=False))
    assert len(fleet.start_delays) == 3 and min(fleet.start_delays) >= 5 * 3.0
    for driver, _, _ in sink.routes:  # late partners keep their plan, first fix at the station
        first = next(f for f in sink.fixes if f.driver is driver)
        assert first.phase == "load" and first.t > driver.timeline.start


def test_timestamps_carry_the_local_offset():
    buf = io.StringIO()
    run_fleet({"foot": 1}, out=buf)
    first = buf.getvalue().splitlines()[0]
    assert '"t":"2026-11-26T09:' in first and "+02:00" in first
    assert datetime.fromisoformat("2026-11-26T09:00:00+02:00")


def test_second_extract_runs_a_block(tmp_path):
    from simulator.world.synthetic import write_grid_town

    city = load_map(write_grid_town(tmp_path / "town.osm.pbf"))
    fleet, sink = run_fleet({"van": 1, "bike": 1, "foot": 1}, city=city, stops=6)
    assert sum(s.delivered + s.attempted for s in fleet.slots) == 18
    assert sink.fixes


@pytest.mark.parametrize("program", ["standard", "express", "grocery", "restaurant"])
def test_programs_shape_the_block(program):
    fleet, sink = run_fleet({"van": 1, "bike": 1}, program=program, seed=2)
    counts = [len(p["stops"]) for _, p, _ in sink.routes]
    expected = {"standard": [30, 10], "express": [4, 4], "grocery": [8, 8],
                "restaurant": [2, 2]}[program]
    assert counts == expected
    if program == "restaurant":
        # From the station to the restaurant (a pickup stop), then the drop-off it loads.
        for _, p, _ in sink.routes:
            pickup, drop = p["stops"]
            assert pickup["kind"] == "pickup" and "shipments" not in pickup
            assert pickup["address"].startswith("Restaurant") and drop["pickup"] == 0
        kinds = [(e.type, e.stop) for _, e in sink.events]
        assert kinds.count(("picked_up", 0)) == 2
        # Picked up before it is delivered, in each driver's own events.
        for d in {id(driver) for driver, _ in sink.events}:
            mine = [e.type for driver, e in sink.events if id(driver) == d]
            assert mine.index("picked_up") < min(mine.index(t) for t in ("delivered", "attempted")
                                                 if t in mine)


def test_repeat_starts_new_blocks_and_skips_the_night():
    city = load_map()
    t0 = start_time(zone(TZ), "17:00", DAY)
    sink = ListSink()
    cfg = FleetConfig({"motorcycle": 1}, t0, TZ, seed=4, repeat=True, program="express")
    fleet = Fleet(city, cfg, [DrySink(), sink], InstantClock())
    _, closing = service_window(DAY, zone(TZ))
    while fleet.t < closing + 13 * 3600:
        fleet.tick()
    days = {datetime.fromtimestamp(f.t, zone(TZ)).date() for f in sink.fixes}
    assert len(sink.routes) >= 3 and len(days) == 2
    hours = {datetime.fromtimestamp(f.t, zone(TZ)).hour for f in sink.fixes}
    assert hours <= set(range(8, 20))


def test_a_leg_that_goes_nowhere_is_still_a_valid_leg_for_the_api():
    # Seen with 2,000 drivers against the app: a block whose last stop parks at the station's
    # node had a one-point return leg, and the server refused the whole route (HTTP 400).
    from app.web.api.route_input import parse_route
    from simulator.sinks.payloads import _polyline

    assert _polyline([(60.1, 24.9), (60.1, 24.9)]) == [[60.1, 24.9], [60.1, 24.9]]
    body = {"driver": {"name": "Aino V", "vehicle": "van"}, "timezone": "Europe/Helsinki",
            "station": {"lat": 60.1, "lon": 24.9, "name": "Station"},
            "stops": [{"lat": 60.101, "lon": 24.9, "address": "A 1",
                       "shipments": [{"recipient": "R"}]}],
            "legs": [_polyline([(60.1, 24.9), (60.101, 24.9)]), _polyline([(60.1, 24.9)])]}
    assert len(parse_route(body, "Europe/Helsinki").legs) == 2


def test_a_repeating_fleet_stays_within_a_day_of_the_real_clock():
    # The demo fleet repeats at 10x or more, gaining hours on the real clock each day; servers
    # refuse fixes more than a day ahead (FIX_MAX_AHEAD). Each new day starts again near "now".
    city = load_map()
    t0 = start_time(zone(TZ), "19:00", DAY)
    sink = ListSink()
    cfg = FleetConfig({"motorcycle": 1}, t0, TZ, seed=4, repeat=True, program="express")
    real_now = t0 - 3 * 86400  # and the run is three days ahead of the real clock already
    fleet = Fleet(city, cfg, [DrySink(), sink], InstantClock(now=real_now))
    for _ in range(60_000):
        fleet.tick()
        if len(sink.routes) >= 2:
            break
    next_days = [f.t for f in sink.fixes if f.t < t0 - 3600]  # after the night, days back
    assert len(sink.routes) >= 2 and next_days
    assert all(-86400 < t - real_now < 86400 for t in next_days)  # the server's window
    hours = {datetime.fromtimestamp(f.t, zone(TZ)).hour for f in sink.fixes}
    assert hours <= set(range(8, 20))


def test_the_status_line_writes_to_the_stderr_of_now(monkeypatch):
    """Not the stream that was sys.stderr when the module was first imported: that one may
    have been replaced and closed since (a test's capture did, and the next run failed with
    "I/O operation on closed file")."""
    import io

    from simulator.statusline import StatusLine

    now = io.StringIO()
    monkeypatch.setattr("sys.stderr", now)
    assert StatusLine().stream is now


@pytest.mark.parametrize("leave_after", [0.0, 40.0])
def test_leave_after_puts_every_driver_on_the_way_at_once(leave_after):
    """The dashboard's demo: at the station at the start, loaded, gone `leave_after` s later
    (without it, drivers arrive over ten minutes and load for five or more)."""
    t0 = start_time(zone(TZ), "09:00", DAY)
    fleet, sink = run_fleet({"bike": 2, "van": 1}, stops=2, leave_after=leave_after)
    for driver, _, _ in sink.routes:
        started = [ev.t for d, ev in sink.events if d is driver and ev.type == "route_started"]
        assert started == [t0 + leave_after]
        first_move = min(f.t for f in sink.fixes if f.driver is driver and f.phase == "drive")
        assert first_move - t0 < leave_after + 60
    assert fleet.start_delays == [0.0, 0.0, 0.0]
    _, usual = run_fleet({"bike": 2, "van": 1}, stops=2)
    assert min(ev.t for _, ev in usual.events if ev.type == "route_started") - t0 > 120
