"""Simulator figures: map load, 100-stop planning, ticks/s for N drivers, lag behind the clock.

Run: python bench/sim_bench.py [--drivers 100 500 2000] [--lag-drivers 2000 --speedup 20]
     python bench/sim_bench.py --drivers --lag server --speedup 3   # against the real app
The lag part paces a real run (default mix, arrivals over ten minutes) and times every tick
against the clock, planning in the tick loop and in a worker process, in dry run and against a
stdlib HTTP server in another process.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sim_server import serve  # noqa: E402
from simulator.commands import tune_gc  # noqa: E402
from simulator.drive.clock import InstantClock, PacedClock, Timestamps, start_time, zone  # noqa: E402
from simulator.drive.fleet import Fleet, FleetConfig  # noqa: E402
from simulator.plan.ahead import Planner, PoolPlanner  # noqa: E402
from simulator.plan.block import plan_block  # noqa: E402
from simulator.plan.programs import PROGRAMS  # noqa: E402
from simulator.plan.timeline import build_timeline  # noqa: E402
from simulator.sinks import DrySink, HttpSink, Sink  # noqa: E402
from simulator.sinks.payloads import fix_item  # noqa: E402
from simulator.world.maps import _load, bundled_map, load_map  # noqa: E402
from simulator.world.modes import NETWORK_MODES  # noqa: E402
from simulator.world.osm_reader import Address  # noqa: E402
from simulator.world.profiles import PROFILES  # noqa: E402

TZ = "Europe/Helsinki"


class EncodeSink(Sink):
    """Does the HTTP sink's per-tick work (items + JSON) without a network."""

    def __init__(self) -> None:
        self.stamp = Timestamps(zone(TZ))
        self.bytes = 0

    def send(self, fixes, events):  # type: ignore[no-untyped-def]
        body = {"positions": [fix_item(f, self.stamp(f.t)) for f in fixes]}
        self.bytes += len(json.dumps(body))


def spread(xs: list[float]) -> str:
    q = statistics.quantiles(xs, n=10)
    return (f"median {statistics.median(xs) * 1e3:.1f} ms, p10 {q[0] * 1e3:.1f}, "
            f"p90 {q[-1] * 1e3:.1f}, max {max(xs) * 1e3:.1f}")


def bench_map() -> None:
    path = bundled_map()
    t = time.perf_counter()
    city = _load.__wrapped__(path, 0)
    print(f"map parse (pyosmium, Helsinki): {(time.perf_counter() - t) * 1e3:.0f} ms")
    for mode in NETWORK_MODES:
        t = time.perf_counter()
        net = city.network(mode)
        print(f"  {mode} network: {net.size} nodes, {len(net.edges)} edges, "
              f"{(time.perf_counter() - t) * 1e3:.0f} ms")


def bench_planning(runs: int = 30) -> None:
    city = load_map()
    station = Address(*city.station_point(), "Station")
    prof, program = PROFILES["van"], PROGRAMS["standard"]
    plans, timelines = [], []
    for seed in range(runs):
        rng = random.Random(seed)  # nosec B311 # seeded simulation
        t = time.perf_counter()
        plan = plan_block(city, prof, program, rng, 100, station)
        t1 = time.perf_counter()
        build_timeline(plan, prof, program, rng, 8 * 3600.0, 20 * 3600.0, 0.05)
        plans.append(t1 - t)
        timelines.append(time.perf_counter() - t1)
    print(f"plan 100-stop van (snap, Dijkstra matrix, NN + 2-opt + Or-opt, paths): {spread(plans)}")
    print(f"timeline for it (kinematics, outcomes): {spread(timelines)}")


def bench_ticks(n: int, ticks: int = 100) -> None:
    city = load_map()
    per = mix(n)
    t0 = start_time(zone(TZ), "09:00", None)
    sink = EncodeSink()
    cfg = FleetConfig(per, t0, TZ, seed=1, stops=8)
    fleet = Fleet(city, cfg, [DrySink(), sink], InstantClock())
    t = time.perf_counter()
    fleet.t = t0 + 600  # everyone has arrived: the first tick starts all blocks
    fleet.tick()
    start = time.perf_counter() - t
    t = time.perf_counter()
    for _ in range(ticks):
        fleet.tick()
    dt = time.perf_counter() - t
    print(f"{n} drivers: start all blocks {start:.1f} s; {ticks / dt:.0f} ticks/s "
          f"({dt / ticks * 1e3:.1f} ms per tick incl. JSON, {fleet.active()} on shift) -> "
          f"keeps pace at 3 s fixes up to speed-up x{3 / (dt / ticks):.0f}")


def mix(n: int) -> dict[str, int]:
    return {"van": n // 4, "bike": n // 4, "foot": n // 4, "motorcycle": n - 3 * (n // 4)}


def bench_lag(n: int, speedup: float, minutes: float, pool: bool, url: str | None,
              gc_tuned: bool = True) -> None:
    """Pace a run for `minutes` of simulated time; print how far each tick fell behind."""
    city = load_map()
    if gc_tuned:
        tune_gc()
    t0 = start_time(zone(TZ), "09:00", None)
    planner = PoolPlanner(city, 1) if pool else Planner(city)
    sinks: list[Sink] = [DrySink(), EncodeSink()]
    if url:
        sinks = [HttpSink(url, "demo", Timestamps(zone(TZ)))]
    cfg = FleetConfig(mix(n), t0, TZ, seed=1)
    lags: list[float] = []
    fleet = Fleet(city, cfg, sinks, InstantClock(), planner=planner,
                  on_tick=lambda f, t, lag: lags.append(lag))
    fleet.clock = PacedClock(t0, speedup)
    wall, all_on = time.perf_counter(), None
    while fleet.t < t0 + minutes * 60:
        fleet.tick()
        if all_on is None and fleet.active() == n:
            all_on = time.perf_counter() - wall
    planner.close()
    for sink in sinks:
        sink.close()
    q = statistics.quantiles(lags, n=100)
    delays = fleet.start_delays
    print(f"{n} drivers x{speedup:g} {'worker' if pool else 'in-loop'} planning, "
          f"{'tuned' if gc_tuned else 'default'} gc, "
          f"{'HTTP' if url else 'dry run'}: lag behind the clock median "
          f"{statistics.median(lags) * 1e3:.0f} ms, p99 {q[98] * 1e3:.0f} ms, "
          f"max {max(lags) * 1e3:.0f} ms over {len(lags)} ticks; all on shift after "
          f"{all_on if all_on is not None else float('nan'):.1f} s wall; block starts late: "
          f"median {statistics.median(delays):.0f} s, max {max(delays):.0f} s simulated")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--drivers", type=int, nargs="*", default=[100, 500, 2000])
    parser.add_argument("--lag-drivers", type=int, default=2000)
    parser.add_argument("--speedup", type=float, default=20.0)
    parser.add_argument("--minutes", type=float, default=11.0,
                        help="simulated minutes paced (arrivals take the first ten)")
    parser.add_argument("--lag", nargs="*", default=["loop", "worker", "http"],
                        choices=("loop", "worker", "worker-default-gc", "http", "server"),
                        help="paced runs: planning in the loop, in a worker, over HTTP to a "
                        "stand-in server, or to the real app under gunicorn ('server')")
    parser.add_argument("--server-env", action="append", default=[],
                        help="KEY=VALUE for the real app of --lag server (e.g. REDIS_URL=...)")
    args = parser.parse_args()
    bench_map()
    bench_planning()
    for n in args.drivers:
        bench_ticks(n)
    n, speedup, minutes = args.lag_drivers, args.speedup, args.minutes
    if "loop" in args.lag:
        bench_lag(n, speedup, minutes, False, None)
    if "worker-default-gc" in args.lag:
        bench_lag(n, speedup, minutes, True, None, gc_tuned=False)
    if "worker" in args.lag:
        bench_lag(n, speedup, minutes, True, None)
    if "http" in args.lag:
        ctx = multiprocessing.get_context("spawn")  # a clean process: no copy of the map
        ready = ctx.Queue()
        server = ctx.Process(target=serve, args=(ready,), daemon=True)
        server.start()
        try:
            bench_lag(n, speedup, minutes, True, ready.get(timeout=30))
        finally:
            server.terminate()
            server.join()
    if "server" in args.lag:
        from bench.load import ROOT, start_server

        proc, url = start_server(ROOT, args.server_env, "/tmp/sim-bench-server.log")  # nosec B108 # a developer's bench log
        try:
            bench_lag(n, speedup, minutes, True, url)
        finally:
            proc.terminate()
            proc.wait(timeout=20)


if __name__ == "__main__":
    main()
