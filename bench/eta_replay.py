"""Replay simulated blocks through the tracking engine and score it against the ground truth.

The simulator runs in-process with an instant clock; a sink turns each registered route into a
`Route` and feeds every tick's events, then fixes, to the engine, as the server would.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field, fields
from datetime import datetime

from app.domain.arrival import arrival
from app.domain.model import DriverProfile, Fix, Point, Route, Stop, StopEvent
from app.domain.tracking import Settings, apply_event, apply_fix, start_progress, unserved_before
from app.domain.tracking.street_speeds import StreetSpeeds


@dataclass
class Score:
    samples: dict[int, list[float]] = field(default_factory=dict)  # stops away -> errors (%)
    # The same against the handover (the delivered or attempted time: what the customer
    # waits for), signed: negative is an ETA earlier than the handover.
    handover: dict[int, list[float]] = field(default_factory=dict)
    # stops away -> [handovers inside the last window shown at that distance, windows]
    windows: dict[int, list[int]] = field(default_factory=dict)
    fixes: int = 0
    dropped: int = 0
    stops_checked: int = 0
    stops_away_mismatches: int = 0
    fix_seconds: float = 0.0

    def errors_at(self, n: int) -> list[float]:
        return self.samples.get(n, [])

    def merge(self, other: Score) -> None:
        """Add another seed's score to this one (subclasses' counters too)."""
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if f.name == "windows":
                for n, (inside, total) in theirs.items():
                    counts = mine.setdefault(n, [0, 0])
                    counts[0] += inside
                    counts[1] += total
            elif isinstance(mine, dict):
                for n, errs in theirs.items():
                    mine.setdefault(n, []).extend(errs)
            else:
                setattr(self, f.name, mine + theirs)

    def summary(self, n: int, errors: list[float] | None = None) -> tuple[float, float, float, int]:
        """Median, 25th and 90th percentile of the absolute error in %, and the sample count."""
        errs = sorted(abs(e) for e in (self.errors_at(n) if errors is None else errors))
        if not errs:
            return float("nan"), float("nan"), float("nan"), 0
        q = statistics.quantiles(errs, n=20, method="inclusive") if len(errs) > 1 else errs * 19
        return statistics.median(errs), q[4], q[17], len(errs)


class EngineSink:
    """A simulator sink (see simulator/sinks/base.py) that drives the engine directly."""

    def __init__(self, settings: Settings, sample_at: tuple[int, ...],
                 speeds: StreetSpeeds | None = None) -> None:
        self.settings, self.sample_at = settings, sample_at
        # Used by the ETA when given; what the fixes teach is gathered in `learned` either way.
        self.speeds, self.learned = speeds, StreetSpeeds()
        self.score = Score()
        self.runs: dict[str, dict] = {}

    def register(self, driver, payload, reg):  # type: ignore[no-untyped-def]
        tl = driver.timeline
        route = to_route(payload, reg, tl.start)
        outcome_at = [None] * len(route.stops)
        for ev in tl.events:
            if ev.type in ("delivered", "attempted"):
                outcome_at[ev.stop] = ev.t
        self.runs[route.id] = {
            "route": route,
            "progress": start_progress(route, tl.start),
            "arrivals": tl.arrivals,
            "served_at": outcome_at,
            "sampled": set(),
            "handover_sampled": set(),
            "windows": {},  # (stop, stops away) -> the last window shown then
        }
        return reg

    def send(self, fixes, events) -> None:  # type: ignore[no-untyped-def]
        for driver, ev in events:
            run = self.runs[driver.route_id]
            event = StopEvent(ev.type, ev.t, ev.stop, None, ev.reason, ev.proof)
            apply_event(run["route"], run["progress"], event, self.settings)
        for f in fixes:
            run = self.runs[f.driver.route_id]
            fix = Fix(f.lat, f.lon, f.t, f.speed, f.heading, f.accuracy)
            started = time.perf_counter()
            result = apply_fix(run["route"], run["progress"], fix, self.settings,
                               speeds=self.speeds)
            self.learned.add(result.travelled)
            self.score.fix_seconds += time.perf_counter() - started
            self.score.fixes += 1
            self.score.dropped += not result.accepted
            self._check(run, f.t)

    def _check(self, run: dict, t: float) -> None:
        progress, score = run["progress"], self.score
        if not progress.started or progress.finished:
            return
        away = unserved_before(progress)
        served_at = run["served_at"]
        true_away = 0
        for k, n in enumerate(away):
            if not progress.stops[k].served or served_at[k] is None or served_at[k] > t:
                score.stops_checked += 1
                score.stops_away_mismatches += n != true_away
            if served_at[k] is None or served_at[k] > t:
                true_away += 1
            arrival, eta = run["arrivals"][k], progress.etas[k]
            key = (k, n)
            if n in self.sample_at and key not in run["sampled"] and arrival and eta:
                run["sampled"].add(key)
                if arrival - t > 60:
                    error = abs(eta - arrival) / (arrival - t) * 100
                    score.samples.setdefault(n, []).append(error)
            handover = served_at[k]
            if eta is None or handover is None or handover <= t or not 1 <= n <= 10:
                continue
            if n in self.sample_at and key not in run["handover_sampled"] and handover - t > 60:
                run["handover_sampled"].add(key)
                error = (eta - handover) / (handover - t) * 100
                score.handover.setdefault(n, []).append(error)
            shown = arrival_window(eta, t, run["route"].timezone, self.settings)
            run["windows"][key] = shown

    def close(self) -> None:
        for run in self.runs.values():
            for (k, n), (lo, hi) in run["windows"].items():
                counts = self.score.windows.setdefault(n, [0, 0])
                counts[0] += lo <= run["served_at"][k] <= hi
                counts[1] += 1
        self.runs.clear()

    def status(self) -> str:
        return ""


def arrival_window(eta: float, now: float, tz: str, settings: Settings) -> tuple[float, float]:
    """The window a customer is shown for `eta` at `now`, in epoch seconds."""
    shown = arrival(eta, now, tz, settings.service_start_hour, settings.service_end_hour)
    lo, hi = (datetime.fromisoformat(t.replace("Z", "+00:00")).timestamp()
              for t in shown["window"])
    return lo, hi


def to_route(payload: dict, reg, created_at: float) -> Route:  # type: ignore[no-untyped-def]
    by_stop: dict[int, list[str]] = {}
    for s in reg.shipments:
        by_stop.setdefault(s["stop"], []).append(s["tracking_id"])
    stops = [
        Stop(i, s["lat"], s["lon"], s["address"], by_stop.get(i, []), s["dwell_s"],
             window=[s["window"]["from"], s["window"]["to"]] if s.get("window") else None)
        for i, s in enumerate(payload["stops"])
    ]
    st = payload["station"]
    return Route(
        id=reg.route_id,
        seller_id="bench",
        driver=DriverProfile(payload["driver"]["name"].split()[0], payload["driver"]["vehicle"]),
        station=Point(st["lat"], st["lon"]),
        station_name=st["name"],
        stops=stops,
        legs=[[tuple(p) for p in leg] for leg in payload["legs"]],
        program=payload["program"],
        timezone=payload["timezone"],
        driver_token_hash="",  # nosec B106 # no token in a replay
        created_at=created_at,
    )


def replay(
    counts: dict[str, int],
    seed: int = 1,
    stops: int | None = None,
    program: str | None = "standard",
    interval: float = 3.0,
    settings: Settings | None = None,
    sample_at: tuple[int, ...] = (1, 3, 5, 10),
    sink: type[EngineSink] = EngineSink,
    map_path: str | None = None,
    speeds: StreetSpeeds | None = None,
    learned: StreetSpeeds | None = None,
) -> Score:
    """Simulate one block per driver and score the engine on it.

    With bench/visit_replay.py's VisitSink, the engine gets positions only, as from a plain
    OsmAnd phone, and the score is a VisitScore. `speeds`: learned street speeds for the ETA;
    `learned` gets what this day's fixes teach. `map_path`: an .osm.pbf other than the
    bundled Helsinki extract (a held-out map the tests do not use).
    """
    from simulator.drive.clock import InstantClock, start_time, zone
    from simulator.drive.fleet import Fleet, FleetConfig
    from simulator.sinks import DrySink
    from simulator.world.maps import load_map

    city = load_map(map_path)
    tz = city.timezone()
    start = start_time(zone(tz), "08:30", None)
    cfg = FleetConfig(counts, start, tz, stops, program, 0.05, interval, seed)
    scorer = sink(settings or Settings(), sample_at, speeds)
    Fleet(city, cfg, [DrySink(), scorer], InstantClock(), None, None).run()
    if learned is not None:
        learned.add(scorer.learned.sums)
    return scorer.score
