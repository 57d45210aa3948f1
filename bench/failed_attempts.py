"""Failed attempts as a run realises them: share of packages and of stops, over seeds.

Run: python bench/failed_attempts.py [--seeds 10] [--fail-rate R] [--map FILE.osm.pbf]

Each seed is one `python -m simulator run --dry-run --max-speed --out FILE` (the public CLI, in
this process) with a fleet of a few dozen blocks of the standard program (36 drivers, one block
each), and the figures are read back from the ground truth: every stop that ended `delivered`
or `attempted`, with its packages. Amazon's 2021 Los Angeles routes failed 0.93 % of packages
(docs/simulator.md). A stop fails as a whole, so a run's share moves in steps of a whole stop's
packages: over a few dozen blocks the spread between seeds is wide, and is printed beside the
median.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.cli import main as simulator  # noqa: E402

# 36 blocks a run, the standard program (parcels; as bench/realism.py): about 900 stops
FLEET = ["--program", "standard", "--vans", "18", "--motorcycles", "9", "--bikes", "9"]
PUBLISHED = 0.0093  # Amazon Last Mile Routing Research Challenge 2021, Los Angeles


def read_run(path: Path) -> dict[str, int]:
    """Blocks, stops with an outcome, failed stops, their packages, from one ground truth."""
    shipments: dict[tuple[str, int], int] = {}
    fig = {"blocks": 0, "stops": 0, "failed_stops": 0, "packages": 0, "failed_packages": 0}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            rec = json.loads(line)
            if rec["kind"] == "route":
                fig["blocks"] += 1
                for k, stop in enumerate(rec["stops"]):
                    shipments[(rec["route_id"], k)] = stop["shipments"]
            elif rec["kind"] == "event" and rec["type"] in ("delivered", "attempted"):
                n = shipments[(rec["route_id"], rec["stop"])]
                failed = rec["type"] == "attempted"
                fig["stops"] += 1
                fig["packages"] += n
                fig["failed_stops"] += failed
                fig["failed_packages"] += n if failed else 0
    return fig


def run(seed: int, fail_rate: float | None, map_path: str | None, tmp: Path) -> dict[str, int]:
    out = tmp / f"run-{seed}.jsonl"
    argv = ["run", "--dry-run", "--max-speed", "--quiet", "--seed", str(seed), "--date",
            "2026-11-26", "--start", "09:00", "--interval", "60", "--out", str(out), *FLEET]
    if fail_rate is not None:
        argv += ["--fail-rate", str(fail_rate)]
    if map_path:
        argv += ["--map", map_path]
    if simulator(argv) != 0:
        raise SystemExit(f"failed_attempts: the simulator failed on seed {seed}")
    return read_run(out)


def spread(values: list[float]) -> str:
    """Median, the middle 80 % (10th to 90th percentile) and the extremes."""
    q = statistics.quantiles(values, n=10, method="inclusive") if len(values) > 1 else values * 9
    return (f"median {statistics.median(values):.2%} (p10-p90 {q[0]:.2%}-{q[-1]:.2%}, "
            f"min-max {min(values):.2%}-{max(values):.2%})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--fail-rate", type=float, help="passed to the simulator (default: its own)")
    ap.add_argument("--map", help="an .osm.pbf extract (default: the bundled Helsinki)")
    args = ap.parse_args()
    runs = []
    print("| seed | blocks | stops | failed stops | packages | failed packages | of packages |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(1, args.seeds + 1):
            f = run(seed, args.fail_rate, args.map, Path(tmp))
            runs.append(f)
            print(f"| {seed} | {f['blocks']} | {f['stops']} | {f['failed_stops']} | "
                  f"{f['packages']} | {f['failed_packages']} | "
                  f"{f['failed_packages'] / f['packages']:.2%} |", flush=True)
    pk = [f["failed_packages"] / f["packages"] for f in runs]
    st = [f["failed_stops"] / f["stops"] for f in runs]
    total = {k: sum(f[k] for f in runs) for k in runs[0]}
    print(f"\nover {args.seeds} runs of {statistics.median(f['blocks'] for f in runs):.0f} blocks:")
    print(f"  share of packages failed: {spread(pk)}")
    print(f"  share of stops failed:    {spread(st)}")
    print(f"  pooled: {total['failed_packages'] / total['packages']:.2%} of "
          f"{total['packages']} packages, {total['failed_stops'] / total['stops']:.2%} of "
          f"{total['stops']} stops; published {PUBLISHED:.2%} of packages (Amazon, LA 2021)")


if __name__ == "__main__":
    main()
