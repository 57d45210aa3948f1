"""Run options that need more than argparse: parsed, checked, one line per mistake."""

from __future__ import annotations

import argparse

from simulator.drive.gps import GpsOptions
from simulator.errors import SimulatorError
from simulator.plan.outcomes import REASONS
from simulator.world.geo import haversine_m
from simulator.world.maps import CityMap
from simulator.world.modes import AIR
from simulator.world.profiles import PROFILES

MAX_STATION_GAP_M = 300.0  # from --station to the nearest street a vehicle can take


def coordinates(option: str, text: str | None, n: int) -> tuple | None:
    """"60.17,24.94" -> (60.17, 24.94); a latitude first, a longitude second."""
    if text is None:
        return None
    try:
        values = tuple(float(x) for x in text.split(","))
    except ValueError:
        values = ()
    if len(values) != n or not (-90 <= values[0] <= 90 and -180 <= values[1] <= 180) or (
            n == 3 and not 0 < values[2] < 1e6):
        shape = "LAT,LON" if n == 2 else "LAT,LON,RADIUS_M"
        raise SimulatorError(f"{option} must be {shape}, got {text!r}")
    return values


def check_station(city: CityMap, counts: dict[str, int], point: tuple[float, float]) -> None:
    """A station the vehicles cannot reach from the streets is a mistake, not a walk."""
    for vehicle in counts:
        mode = PROFILES[vehicle].mode
        if mode == AIR:
            continue
        net = city.network(mode)
        gap = haversine_m(*point, *net.point(net.snap(*point)))
        if gap > MAX_STATION_GAP_M:
            raise SimulatorError(f"--station is {gap:.0f} m from the map's nearest street for "
                                 f"{vehicle}s (at most {MAX_STATION_GAP_M:.0f} m)")


def gps_options(args: argparse.Namespace) -> GpsOptions:
    if not 0 <= args.gps_dropouts <= 60:
        raise SimulatorError("--gps-dropouts must be between 0 and 60 an hour")
    if not 0 <= args.gps_outliers <= 1:
        raise SimulatorError("--gps-outliers must be between 0 and 1")
    if not 0 <= args.report_interval <= 3600:
        raise SimulatorError("--report-interval must be between 0 and 3600 seconds")
    if not 0 <= args.distance_filter <= 10_000:
        raise SimulatorError("--distance-filter must be between 0 and 10000 metres")
    if args.distance_filter and not args.report_interval:
        raise SimulatorError("--distance-filter needs --report-interval (Traccar Client sends "
                             "on either)")
    return GpsOptions(args.gps_dropouts, args.gps_outliers, args.report_interval,
                      args.distance_filter)


def parse_reasons(text: str | None) -> dict[str, float] | None:
    """--fail-reasons "recipient_unavailable=6,no_access=1" -> {reason: share}."""
    if text is None:
        return None
    out: dict[str, float] = {}
    for part in text.split(","):
        name, _, share = part.strip().partition("=")
        if name not in REASONS:
            raise SimulatorError(f"--fail-reasons: unknown reason {name!r} (one of "
                                 f"{', '.join(REASONS)})")
        try:
            out[name] = float(share)
        except ValueError:
            raise SimulatorError(f"--fail-reasons: {name} needs a share, like {name}=2") from None
        if not 0 <= out[name] < float("inf"):
            raise SimulatorError(f"--fail-reasons: the share of {name} must be 0 or more")
    if not sum(out.values()) > 0:
        raise SimulatorError("--fail-reasons: at least one reason needs a share above 0")
    return out
