"""How much a simulated round looks like a real one: the simulator's figures beside published ones.

Run: python bench/realism.py [--seeds 10] [--map FILE.osm.pbf] [--modes van van120 bike ...]

Each seed of each mode is one `python -m simulator run --dry-run --max-speed --out FILE` (the
public CLI, in this process), and every figure is read back from that ground-truth file: fixes
with their true phase and position, stop events, and the route record. Published figures and
their sources are in docs/simulator.md ("How real a round is").
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.cli import main as simulator  # noqa: E402
from simulator.world.geo import haversine_m  # noqa: E402

# mode name -> simulator options (one driver per run, the standard program)
MODES = {
    "van": ["--vans", "1"],
    "van120": ["--vans", "1", "--stops", "120"],
    "motorcycle": ["--motorcycles", "1"],
    "bike": ["--bikes", "1"],
}
STARTS = ("08:00", "09:30", "11:00", "12:30", "14:00")  # seeds cycle through them
MOVING = {"drive", "light"}  # the vehicle is on the road (a red light included)
CRAWL_KMH, CRAWL_S = 8.0, 180.0  # a leg this slow for this long is a van stuck at walking pace


@dataclass
class Round:
    """One block's figures, read from one ground-truth file."""

    interval: float
    # (seconds, metres, seconds at red lights) per leg between two stops
    legs: list[tuple[float, float, float]] = field(default_factory=list)
    slow_s: float = 0.0  # moving time under walking pace (6 km/h), red lights apart
    lights_s: float = 0.0  # waiting at red lights
    moving_s: float = 0.0
    moving_m: float = 0.0
    walk_m: float = 0.0
    parked_s: float = 0.0  # on the round, not moving (parking, walking, at the door, lights not)
    round_s: float = 0.0
    stops: int = 0
    packages: list[int] = field(default_factory=list)
    failed_packages: int = 0
    planned_dwell: list[float] = field(default_factory=list)
    service: list[float] = field(default_factory=list)


def read_round(path: Path, interval: float) -> Round:
    r = Round(interval)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    route = next(x for x in rows if x["kind"] == "route")
    events = [x for x in rows if x["kind"] == "event"]
    times = {e["type"]: _epoch(e["t"]) for e in events if e["type"] in ("route_started",
                                                                           "returned")}
    r.round_s = times["returned"] - times["route_started"]
    done = {e["stop"]: e["type"] for e in events if e["type"] in ("delivered", "attempted")}
    for k, stop in enumerate(route["stops"]):
        if k in done:
            r.stops += 1
            r.packages.append(stop["shipments"])
            r.failed_packages += stop["shipments"] if done[k] == "attempted" else 0
            r.planned_dwell.append(stop["dwell_s"])
            r.service.append(route["truth"]["service_s"][k])
    # Every sampled instant's truth: the fixes sent, and the instants without one (a tunnel).
    fixes = [x for x in rows if x["kind"] in ("position", "no_fix")]
    leg: list[float] = [0.0, 0.0, 0.0]
    for a, b in zip(fixes, fixes[1:], strict=False):
        pa, pb = a["truth"]["phase"], b["truth"]["phase"]
        metres = haversine_m(a["truth"]["lat"], a["truth"]["lon"], b["truth"]["lat"],
                             b["truth"]["lon"])
        if pa in MOVING:
            r.moving_s += interval
            r.moving_m += metres
            leg[0] += interval
            leg[1] += metres
            if pa == "drive" and a["truth"]["speed"] < 6 / 3.6:
                r.slow_s += interval
            if pa == "light":
                r.lights_s += interval
                leg[2] += interval
        elif pa not in ("load", "returned"):
            r.parked_s += interval
            if pa == "walk":
                r.walk_m += metres
        if pa in MOVING and pb not in MOVING:
            r.legs.append((leg[0], leg[1], leg[2]))
            leg = [0.0, 0.0, 0.0]
    return r


def _epoch(stamp: str) -> float:
    return datetime.fromisoformat(stamp).timestamp()


def run_mode(mode: str, seeds: int, map_path: str | None, interval: float) -> list[Round]:
    rounds = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(1, seeds + 1):
            out = Path(tmp) / f"{mode}-{seed}.jsonl"
            argv = ["run", "--dry-run", "--max-speed", "--quiet", "--program", "standard",
                    "--seed", str(seed), "--date", "2026-11-26",
                    "--start", STARTS[seed % len(STARTS)], "--interval", str(interval),
                    "--out", str(out), *MODES[mode]]
            if map_path:
                argv += ["--map", map_path]
            if simulator(argv) != 0:
                raise SystemExit(f"realism: the simulator failed on {mode} seed {seed}")
            rounds.append(read_round(out, interval))
    return rounds


def kmh(metres: float, seconds: float) -> float:
    return metres / seconds * 3.6 if seconds else 0.0


def figures(rounds: list[Round]) -> dict[str, float]:
    """The table's figures for one mode, pooled over its seeds."""
    crawl = [any(s - w >= CRAWL_S and kmh(m, s - w) < CRAWL_KMH for s, m, w in r.legs)
             for r in rounds]
    jammed = [any(s >= CRAWL_S and kmh(m, s) < CRAWL_KMH for s, m, _ in r.legs) for r in rounds]
    packages = [p for r in rounds for p in r.packages]
    moving_s = sum(r.moving_s for r in rounds)
    return {
        "crawl_seeds": sum(crawl),
        "jammed_seeds": sum(jammed),
        "lights_share": sum(r.lights_s for r in rounds) / moving_s,
        "slow_share": sum(r.slow_s for r in rounds) / moving_s,
        "failed_packages": sum(r.failed_packages for r in rounds),
        "all_packages": sum(packages),
        "walk_share": sum(r.walk_m for r in rounds)
        / max(1.0, sum(r.walk_m + r.moving_m for r in rounds)),
        "parked_share": sum(r.parked_s for r in rounds) / sum(r.round_s for r in rounds),
        "packages": statistics.mean(packages),
        "speed": kmh(sum(r.moving_m for r in rounds), moving_s),
        "planned_dwell": statistics.mean(d for r in rounds for d in r.planned_dwell),
        "service": statistics.mean(s for r in rounds for s in r.service),
        "stops": statistics.median(r.stops for r in rounds),
        "stops_per_hour": sum(r.stops for r in rounds) / sum(r.round_s for r in rounds) * 3600,
    }


def table(fig: dict[str, dict[str, float]], seeds: int) -> str:
    van, big = fig.get("van"), fig.get("van120")
    rows = [("figure", "published (source)", "simulator")]

    def add(name: str, published: str, mode: str, fmt) -> None:  # type: ignore[no-untyped-def]
        if mode in fig:
            rows.append((f"{name} [{mode}]", published, fmt(fig[mode])))

    for mode in ("van", "van120", "motorcycle"):
        add("legs of 3 min+ under 8 km/h, red lights apart", "none expected", mode,
            lambda f: f"in {f['crawl_seeds']} of {seeds} seeds; "
            f"{f['slow_share']:.0%} of driving under 6 km/h")
        add("the same, red lights included", "some, in central traffic", mode,
            lambda f: f"in {f['jammed_seeds']} of {seeds} seeds; "
            f"{f['lights_share']:.0%} of moving time at red lights")
    # Pooled over every mode: at 1 % a single 30-stop block fails 0 to 2 stops.
    failed = sum(f["failed_packages"] for f in fig.values())
    packages = sum(f["all_packages"] for f in fig.values())
    rows.append(("failed attempts, share of packages [all modes]",
                 "0.93 % (Amazon LMRRC 2021, LA)",
                 f"{failed / max(1, packages):.2%} ({failed:.0f} of {packages:.0f})"))
    for mode in ("van", "van120"):
        add("walking share of the round's distance", "about 40 % (Allen et al. 2018, London)",
            mode, lambda f: f"{f['walk_share']:.0%}")
        add("parked share of the round's time", "about 60 % (Allen et al. 2018, London)", mode,
            lambda f: f"{f['parked_share']:.0%}")
    add("packages per stop", "1.74 (Amazon LMRRC 2021)", "van", lambda f: f"{f['packages']:.2f}")
    add("speed on the road, city centre", "11.4 km/h (TfL 2018, central London, 07-19)",
        "van", lambda f: f"{f['speed']:.1f} km/h")
    add("speed on the road, city centre", "15 km/h moving (Pedal Me e-cargo bikes, 2020)",
        "bike", lambda f: f"{f['speed']:.1f} km/h")
    if "bike" in fig and van:
        rows.append(("cargo bike vs van, speed on the road", "1.3x moving (Pedal Me / TfL); "
                     "1.61x whole service (Westminster/Possible 2021)",
                     f"{fig['bike']['speed'] / van['speed']:.2f}x"))
    for mode in ("van", "motorcycle", "bike"):
        add("planned dwell sent / simulated time at a stop (mean)", "the same", mode,
            lambda f: f"{f['planned_dwell']:.0f} s / {f['service']:.0f} s")
    add("stops per van block (median)", "145 (Amazon LMRRC 2021)", "van",
        lambda f: f"{f['stops']:.0f}")
    if big:
        add("stops per van block (median)", "145 (Amazon LMRRC 2021)", "van120",
            lambda f: f"{f['stops']:.0f}")
    for mode in ("van", "van120", "bike"):
        add("stops per hour of the round", "-", mode, lambda f: f"{f['stops_per_hour']:.1f}")
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
             for r in rows]
    lines.insert(1, "| " + " | ".join("-" * w for w in widths) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--modes", nargs="+", choices=tuple(MODES), default=list(MODES))
    ap.add_argument("--map", help="an .osm.pbf extract (default: the bundled one)")
    ap.add_argument("--interval", type=float, default=3.0, help="seconds between fixes")
    args = ap.parse_args()
    fig: dict[str, dict[str, float]] = defaultdict(dict)
    for mode in args.modes:
        fig[mode] = figures(run_mode(mode, args.seeds, args.map, args.interval))
    print(f"{args.seeds} seeds per mode, map: {args.map or 'bundled central Helsinki'}")
    print(table(fig, args.seeds))


if __name__ == "__main__":
    main()
