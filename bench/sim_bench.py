"""Simulator figures: map load, 100-stop planning time, and ticks per second for N drivers.

Run: python bench/sim_bench.py [--drivers 100 500 2000]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.clock import InstantClock, Timestamps, start_time, zone  # noqa: E402
from simulator.fleet import Fleet, FleetConfig  # noqa: E402
from simulator.maps import _load, bundled_map, load_map  # noqa: E402
from simulator.modes import NETWORK_MODES  # noqa: E402
from simulator.osm_reader import Address  # noqa: E402
from simulator.payloads import fix_item  # noqa: E402
from simulator.planning import plan_block  # noqa: E402
from simulator.profiles import PROFILES  # noqa: E402
from simulator.programs import PROGRAMS  # noqa: E402
from simulator.sinks import DrySink, Sink  # noqa: E402
from simulator.timeline import build_timeline  # noqa: E402

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
        rng = random.Random(seed)
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
    per = {"van": n // 4, "bike": n // 4, "foot": n // 4, "motorcycle": n - 3 * (n // 4)}
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--drivers", type=int, nargs="*", default=[100, 500, 2000])
    args = parser.parse_args()
    bench_map()
    bench_planning()
    for n in args.drivers:
        bench_ticks(n)


if __name__ == "__main__":
    main()
