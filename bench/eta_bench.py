"""ETA accuracy and per-fix cost of the tracking engine on simulated blocks.

    python -m bench.eta_bench --vans 6 --bikes 4 --walkers 3 --seeds 1 2 3
    python -m bench.eta_bench --no-events   # positions only, as from a plain OsmAnd phone
    python -m bench.eta_bench --history 2   # street speeds learned from 2 earlier days: off, on
    python -m bench.eta_bench --map .venv/lib/python3.11/site-packages/pyrosm/data/test.osm.pbf

For each shipment, the ETA shown when it first becomes N stops away is compared with the
simulator's true arrival; the error is a share of the time that was still to go. With
--no-events the stop events are withheld and the visits inferred from positions are scored.
"""

from __future__ import annotations

import argparse
import time

from app.domain.tracking.street_speeds import StreetSpeeds
from bench.eta_replay import EngineSink, Score, replay
from bench.visit_replay import GRACE_S, VisitScore, VisitSink


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vans", type=int, default=6)
    parser.add_argument("--bikes", type=int, default=4)
    parser.add_argument("--walkers", type=int, default=2)
    parser.add_argument(
        "--stops", type=int, default=None, help="stops per block (default: profile)"
    )
    parser.add_argument("--program", default="standard")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--map", default=None,
                        help="an .osm.pbf to simulate on (default: the bundled Helsinki extract)")
    parser.add_argument("--no-events", action="store_true",
                        help="withhold stop events: stops are done only when inferred visited")
    parser.add_argument("--history", type=int, default=0,
                        help="days the fleet drove before (other seeds): learn street speeds "
                             "from them and score the ETA without, then with, what they taught")
    args = parser.parse_args()
    counts = {v: n for v, n in
              {"van": args.vans, "bike": args.bikes, "foot": args.walkers}.items() if n}
    if not args.history:
        report(args, counts, None)
        return
    learned = StreetSpeeds()
    for seed in args.seeds:
        for day in range(1, args.history + 1):
            replay(counts, seed + 1000 * day, args.stops, args.program, map_path=args.map,
                   learned=learned)
    print(f"== learned street speeds off ({len(learned.sums)} segment-hours learned) ==")
    report(args, counts, None)
    print(f"== learned street speeds on, from {args.history} earlier day(s) ==")
    report(args, counts, learned)


def report(args: argparse.Namespace, counts: dict[str, int],
           speeds: StreetSpeeds | None) -> None:
    events = not args.no_events
    total = Score() if events else VisitScore()
    started = time.perf_counter()
    for seed in args.seeds:
        score = replay(counts, seed, args.stops, args.program,
                       sink=EngineSink if events else VisitSink, map_path=args.map,
                       speeds=speeds)
        total.merge(score)
    print(
        f"{total.fixes} fixes replayed in {time.perf_counter() - started:.1f} s, "
        f"{total.dropped} dropped by the engine"
    )
    print(f"per-fix cost: {total.fix_seconds / max(1, total.fixes) * 1e6:.1f} us")
    print(f"stops away: {total.stops_away_mismatches} mismatches in {total.stops_checked} checks")
    if not events:
        print(f"  (against the handover, as with events); {total.mismatches_after_grace} where "
              f"the count was not right between the handover and {GRACE_S:.0f} s after leaving")
        print(total.visit_summary())
    print("ETA absolute error, % of the time still to go, to the vehicle's arrival:")
    for n in sorted(total.samples):
        median, p25, p90, count = total.summary(n)
        print(
            f"  {n:2d} stops away: median {median:5.1f}%  p25 {p25:5.1f}%  p90 {p90:5.1f}%"
            f"  (n={count})"
        )
    if not total.handover:
        return
    print("ETA absolute error to the handover (delivered or attempted; goal at 5 stops away: "
          "median < 5 %, p90 < 15 %):")
    for n in sorted(total.handover):
        errs = total.handover[n]
        median, p25, p90, count = total.summary(n, errs)
        early = sum(e < 0 for e in errs) / len(errs) * 100
        print(
            f"  {n:2d} stops away: median {median:5.1f}%  p25 {p25:5.1f}%  p90 {p90:5.1f}%"
            f"  early {early:3.0f}%  (n={count})"
        )
    print("handovers inside the last window shown at each distance (goal: >= 95 % at each):")
    print("  " + "  ".join(f"{n}: {inside / total_ * 100:.0f}%"
                           for n, (inside, total_) in sorted(total.windows.items())
                           for total_ in [max(total_, 1)]))


if __name__ == "__main__":
    main()
