"""Command line: ``python -m simulator run`` and ``python -m simulator replay FILE.gpx``."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path
from typing import IO, NoReturn

from rules.hours import OPENS, span
from simulator import settings
from simulator.errors import SimulatorError, Terminated, exit_code
from simulator.plan.outcomes import FAIL_RATE

VEHICLE_OPTIONS = (("vans", "van"), ("bikes", "bike"), ("walkers", "foot"),
                   ("motorcycles", "motorcycle"), ("drones", "drone"))
SMALL_FLEET = {"van": 1, "bike": 1, "foot": 1, "motorcycle": 1}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, no usage dump: scripts and people both read it at a glance.
        self.exit(2, f"simulator: error: {message} (see --help)\n")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--server", default=settings.server(),
                   help="server base URL (env DOORSTEP_SERVER; default %(default)s)")
    p.add_argument("--key", default=settings.key(),
                   help="seller API key used to register routes (env DOORSTEP_KEY; default demo)")
    p.add_argument("--protocol", choices=("api", "osmand"), default="api",
                   help="how positions travel: api (batched POST /api/v1/positions) or osmand "
                   "(one request per fix per phone to /osmand, as Traccar Client sends them; "
                   "routes, phones and stop events still go through the API; default api)")
    p.add_argument("--speedup", type=float, default=10.0,
                   help="simulated seconds per wall second, 1-1000 (default %(default)s)")
    p.add_argument("--max-speed", action="store_true",
                   help="do not wait at all: run as fast as the CPU allows")
    p.add_argument("--interval", type=float, default=3.0,
                   help="seconds of simulated time between GPS fixes (default %(default)s)")
    p.add_argument("--start", help=f"local start time HH:MM (default: now if within {span()}, "
                   f"else {OPENS:02d}:00)")
    p.add_argument("--date", type=date.fromisoformat, help="local date YYYY-MM-DD (default today)")
    p.add_argument("--timezone", help="IANA zone of the area (default: found from the map)")
    p.add_argument("--out", help="also write every route, fix and event with ground truth to "
                   "this JSON-lines file ('-' for stdout)")
    p.add_argument("--dry-run", action="store_true", help="talk to no server")
    p.add_argument("--links", help="write one JSON line per registered route with its tracking "
                   "links and the run's clock (sim, real, speedup: how its stamps map to the real "
                   "clock) to this file ('-' for stdout)")
    p.add_argument("--quiet", action="store_true", help="no progress line and no summary")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m simulator", description="Doorstep route simulator: delivery "
                     "partners on real OpenStreetMap streets, driving the server's public API.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser("run", help="simulate a fleet working a block",
                         description="Simulate a fleet. With no vehicle counts: one van, bike, "
                         "walker and motorcycle.")
    for option, vehicle in VEHICLE_OPTIONS:
        run.add_argument(f"--{option}", type=int, default=None, metavar="N",
                         help=f"number of {vehicle} drivers")
    run.add_argument("--stops", type=int, help="stops per block (default: typical for the "
                     "vehicle and program)")
    run.add_argument("--program", choices=("standard", "express", "grocery", "restaurant"),
                     help="delivery program for every block (default: a mix per vehicle)")
    run.add_argument("--fail-rate", type=float, default=FAIL_RATE,
                     help="chance that a stop ends in a failed attempt, 0-1; a failed stop fails "
                     "all its packages, so it is the share of packages too (default "
                     "%(default)s: the 0.93 %% of packages in Amazon's 2021 Los Angeles routes)")
    run.add_argument("--fail-reasons", metavar="REASON=SHARE,...",
                     help="shares of the failed attempts' reasons, e.g. recipient_unavailable=6,"
                     "no_access=1 (reasons: recipient_unavailable, no_access, no_safe_location, "
                     "business_closed; default 5,2,2,1 in that order)")
    run.add_argument("--out-of-order", type=float, default=0.0, metavar="P",
                     help="chance, per stop, that the driver swaps it with the next one, so "
                     "stops are visited out of the registered order, 0-1 (default 0)")
    gps = run.add_argument_group("GPS as phones do it (all off by default; a phone in one of the "
                                 "map's tunnels never has a fix)")
    gps.add_argument("--gps-dropouts", type=float, default=0.0, metavar="PER_HOUR",
                     help="times an hour a phone loses its fix for 20-180 s (a stairwell, the "
                     "phone in a bag): no fixes at all meanwhile")
    gps.add_argument("--gps-outliers", type=float, default=0.0, metavar="SHARE",
                     help="share of fixes an urban canyon throws 30-150 m off, 0-1, with the "
                     "usual reported accuracy (the ground truth marks them)")
    gps.add_argument("--report-interval", type=float, default=0.0, metavar="S",
                     help="a phone sends a fix only every S seconds (Traccar Client's "
                     "interval; its default is 300), or sooner with --distance-filter")
    gps.add_argument("--distance-filter", type=float, default=0.0, metavar="M",
                     help="with --report-interval: also send once M metres from the last fix "
                     "sent (Traccar Client's distance)")
    run.add_argument("--seed", type=int, default=1, help="random seed (default %(default)s)")
    run.add_argument("--map", help="an .osm.pbf extract (default: the bundled central Helsinki)")
    run.add_argument("--station", metavar="LAT,LON",
                     help="where the delivery station stands, on the map's streets and possibly "
                     "outside the delivery area: blocks then drive in and out (default: the "
                     "south-west quarter of the addressed area)")
    run.add_argument("--area", metavar="LAT,LON,RADIUS_M",
                     help="deliver only to addresses within RADIUS_M metres of LAT,LON "
                     "(default: every address on the map)")
    run.add_argument("--repeat", action="store_true",
                     help="keep starting new blocks until interrupted (demo fleet)")
    run.add_argument("--leave-after", type=float, metavar="S",
                     help="every driver is at the station with the parcels loaded at --start "
                     "and leaves after S simulated seconds (the dashboard's demo delivery; "
                     "default: drivers arrive over ten minutes and load for minutes)")
    _common(run)
    replay = sub.add_parser("replay", help="replay a recorded GPX track as a driver",
                            description="Register a one-stop route ending at the track's last "
                            "point and stream the points at their recorded pace.")
    replay.add_argument("gpx", type=Path, help="the GPX file")
    replay.add_argument("--vehicle", default="van",
                        choices=("van", "bike", "foot", "motorcycle", "drone"),
                        help="vehicle shown for the driver (default %(default)s)")
    replay.add_argument("--name", default="Replay Driver", help="driver name")
    _common(replay)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    with _sigterm_stops():
        return _main(args)


def _main(args: argparse.Namespace) -> int:
    try:
        from simulator import commands

        with ExitStack() as stack:
            out = _open(stack, args.out)
            links = _open(stack, args.links)
            if args.command == "run":
                return commands.run(args, fleet_counts(args), out, links)
            return commands.replay(args, out, links)
    except SimulatorError as exc:
        print(f"simulator: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as stop:  # before the fleet ran (reading the map...): no summary
        return exit_code(stop)
    except Exception as exc:  # never a traceback for the user; DOORSTEP_DEBUG=1 shows it
        if settings.debug():
            raise
        print(f"simulator: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


@contextmanager
def _sigterm_stops() -> Iterator[None]:
    """SIGTERM stops a run as Ctrl-C does (workers ended, the summary, the files flushed), not
    outright: Python's default would leave the ground truth cut mid-line."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers (a test calling main() from a thread)
        return
    previous = signal.signal(signal.SIGTERM, _terminated)
    # A run started in the background by a script inherits SIGINT ignored (the shell's rule
    # for `&` without job control): `kill -INT` and `timeout -s INT` would then never stop it.
    interrupt = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, interrupt)


def _terminated(signum: int, frame: object) -> NoReturn:
    raise Terminated


def fleet_counts(args: argparse.Namespace) -> dict[str, int]:
    """{vehicle: drivers} from --vans, --bikes, ...; none given: SMALL_FLEET."""
    counts = {v: getattr(args, o) for o, v in VEHICLE_OPTIONS if getattr(args, o) is not None}
    for option, vehicle in VEHICLE_OPTIONS:
        if counts.get(vehicle, 0) < 0:
            raise SimulatorError(f"--{option} cannot be negative")
    counts = {v: n for v, n in (counts or SMALL_FLEET).items() if n > 0}
    if not counts:
        raise SimulatorError("no drivers: give at least one of --vans/--bikes/--walkers/...")
    return counts


def _open(stack: ExitStack, name: str | None) -> IO[str] | None:
    if name is None:
        return None
    if name == "-":
        return sys.stdout
    try:
        return stack.enter_context(open(name, "w", encoding="utf-8"))
    except OSError as exc:
        raise SimulatorError(f"cannot write {name}: {exc.strerror}") from None
