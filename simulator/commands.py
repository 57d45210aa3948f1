"""What the CLI commands do, once options are parsed: validate, wire sinks and clock, run."""

from __future__ import annotations

import argparse
import gc
import sys
import time
from typing import IO

from simulator.drive.clock import InstantClock, PacedClock, Timestamps, start_time, zone
from simulator.drive.fleet import Fleet, FleetConfig, Slot
from simulator.errors import SimulatorError, exit_code
from simulator.notes import date_notes, pace_notes, stop_notes
from simulator.options import check_station, coordinates, gps_options, parse_reasons
from simulator.plan.ahead import PoolPlanner
from simulator.plan.block import in_area
from simulator.sinks import DrySink, HttpSink, JsonlSink, OsmAndSink, Sink
from simulator.statusline import StatusLine, summary
from simulator.world.modes import AIR
from simulator.world.profiles import PROFILES

PLANNERS = 1  # worker processes: one keeps 2,000 partners ahead (bench/sim_bench.py)


def run(args: argparse.Namespace, counts: dict[str, int], out: IO[str] | None,
        links: IO[str] | None) -> int:
    """Drive `counts` ({vehicle: drivers}, from simulator.cli) as the options say."""
    from simulator.world.maps import load_map

    if args.stops is not None and args.stops < 1:
        raise SimulatorError("--stops must be at least 1")
    if not 0.0 <= args.fail_rate <= 1.0:
        raise SimulatorError("--fail-rate must be between 0 and 1")
    if not 0.0 <= args.out_of_order <= 1.0:
        raise SimulatorError("--out-of-order must be between 0 and 1")
    if args.leave_after is not None and not 0 <= args.leave_after <= 3600:
        raise SimulatorError("--leave-after must be between 0 and 3600 seconds")
    reasons = parse_reasons(args.fail_reasons)
    gps = gps_options(args)
    _check_pace(args)
    city = load_map(args.map)
    station = coordinates("--station", args.station, 2)
    area = coordinates("--area", args.area, 3)
    addresses = sum(in_area(a, area) for a in city.addresses)
    if not addresses:
        raise SimulatorError("--area holds none of the map's addresses")
    if station is not None:
        check_station(city, counts, station)
    notes = stop_notes(args.stops, args.program, counts, addresses)
    if not (args.dry_run or args.max_speed):
        notes += pace_notes(args.speedup, args.interval, sum(counts.values()),
                            args.protocol == "osmand", getattr(args, "report_interval", 0.0))
    tz = args.timezone or city.timezone()
    start = start_time(zone(tz), args.start, args.date)
    if not args.dry_run:
        notes += date_notes(start, time.time())
    for note in notes:
        print(f"simulator: note: {note}", file=sys.stderr)
    for vehicle in counts:  # fail before anything is registered if a mode has no streets
        if PROFILES[vehicle].mode != AIR:
            city.network(PROFILES[vehicle].mode)
    tune_gc()
    cfg = FleetConfig(counts, start, tz, args.stops, args.program, args.fail_rate,
                      args.interval, args.seed, args.repeat, reasons, args.out_of_order, gps,
                      station, area, args.leave_after)
    sinks = _sinks(args, tz, out)
    progress = StatusLine(enabled=not args.quiet)
    # Paced runs plan ahead in a worker process so the clock never waits; --max-speed has no
    # clock to keep, and planning in the loop is then the cheapest.
    planner = None if args.max_speed else PoolPlanner(city, PLANNERS)
    fleet = Fleet(city, cfg, sinks, _clock(args, start), links, progress, planner)
    return _finish(fleet, progress, args.quiet)


def replay(args: argparse.Namespace, out: IO[str] | None, links: IO[str] | None) -> int:
    from simulator.drive.gpx import read_gpx
    from simulator.drive.replay import replay_driver

    _check_pace(args)
    raw = read_gpx(args.gpx)
    tz = args.timezone or _zone_at(raw[0][0], raw[0][1])
    start = start_time(zone(tz), args.start, args.date)
    driver, payload = replay_driver(raw, start, args.interval, args.name, args.vehicle)
    payload["timezone"] = tz
    cfg = FleetConfig({}, start, tz, interval=min(args.interval, 1.0))
    notes = [] if args.dry_run else date_notes(start, time.time())
    if not (args.dry_run or args.max_speed):
        notes += pace_notes(args.speedup, cfg.interval, 1, args.protocol == "osmand")
    for note in notes:
        print(f"simulator: note: {note}", file=sys.stderr)
    progress = StatusLine(enabled=not args.quiet)
    fleet = Fleet(None, cfg, _sinks(args, tz, out), _clock(args, start), links, progress)
    slot = Slot(args.name, args.vehicle, 0, driver.rng, None)
    fleet.slots.append(slot)
    fleet.launch(slot, driver, payload)
    return _finish(fleet, progress, args.quiet)


def _finish(fleet: Fleet, status: StatusLine, quiet: bool) -> int:
    code = 0
    try:
        fleet.run()
    except KeyboardInterrupt as stop:  # Ctrl-C or SIGTERM (errors.Terminated)
        code = exit_code(stop)
    status.done()
    if not quiet:
        print(summary(fleet, stopped=code != 0), file=sys.stderr)
    if code == 0 and any(sink.refused_all() for sink in fleet.sinks):
        why = "" if quiet else " (the summary above says why)"
        print(f"simulator: the server took none of the positions sent{why}", file=sys.stderr)
        code = 1
    return code


def tune_gc() -> None:
    """Keep the collector from pausing the clock for the map and thousands of timelines.

    Full collections walk every live object; with 2,000 timelines alive they took up to a second
    (bench/sim_bench.py). The map is frozen out of them, and they run far less often.
    """
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)


def _check_pace(args: argparse.Namespace) -> None:
    if not 1 <= args.speedup <= 1000:
        raise SimulatorError("--speedup must be between 1 and 1000")
    if not 0.1 <= args.interval <= 600:
        raise SimulatorError("--interval must be between 0.1 and 600 seconds")


def _sinks(args: argparse.Namespace, tz: str, out: IO[str] | None) -> list[Sink]:
    stamps = Timestamps(zone(tz))
    if args.dry_run:
        sinks: list[Sink] = [DrySink(args.server)]
    else:
        kind = OsmAndSink if args.protocol == "osmand" else HttpSink
        http = kind(args.server, args.key, stamps)
        http.check()
        sinks = [http]
    if out is not None:
        sinks.append(JsonlSink(out, stamps))
    return sinks


def _clock(args: argparse.Namespace, start: float) -> PacedClock | InstantClock:
    return InstantClock() if args.max_speed else PacedClock(start, args.speedup)


def _zone_at(lat: float, lon: float) -> str:
    try:
        from timezonefinder import TimezoneFinder
    except ImportError:
        return "UTC"
    return TimezoneFinder().timezone_at(lng=lon, lat=lat) or "UTC"
