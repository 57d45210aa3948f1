"""Run bench.load for several checkouts side by side, interleaved, and print medians and spreads.

    git worktree add /tmp/before <commit>
    python -m bench.compare --variant before=/tmp/before --variant after=. --repeat 3 \\
        --env REDIS_URL=redis://127.0.0.1:6379/1 -- --routes 2000 --viewers 5000 --window 20

Arguments after `--` go to every bench.load run. Runs alternate between variants (A B A B ...),
so a neighbour's load on a shared machine spreads over all of them. A variant may also be the
same checkout with other bench.load arguments, to compare loads rather than code:

    python -m bench.compare --variant one=. --variant two=. --args two="--servers 2" -- ...
    python -m bench.compare --variant calm=. --variant stuck=. --args stuck="--stuck 500" -- ...

The Node peer (../shared/peer, issue 20) is a variant too, started by bench.load --server-cmd:

    python -m bench.compare --variant memory=. --variant peer=. \
        --args peer="--server-cmd 'node $PEER/server.js --port {port}'" -- ...
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
from pathlib import Path

from bench import load

COLUMNS = [
    ("delivered_per_s", "delivered/s", "{:.0f}"),
    ("server_cpu_share", "CPU (core)", "{:.2f}"),
    ("delivered_per_cpu_s", "per CPU-s", "{:.0f}"),
    ("busiest_cpu_share", "busiest process", "{:.2f}"),
    ("customer_p50_ms", "p50 ms", "{:.0f}"),
    ("customer_p95_ms", "p95 ms", "{:.0f}"),
    ("customer_p99_ms", "p99 ms", "{:.0f}"),
    ("dashboard_p99_ms", "dash p99", "{:.0f}"),
    ("post_p50_ms", "POST p50", "{:.0f}"),
    ("gaps", "lost", "{:.0f}"),
    ("reorders", "reord", "{:.0f}"),
    ("rss_per_viewer_kb", "KB/viewer", "{:.1f}"),
    ("connect_p50_ms", "connect p50", "{:.0f}"),
    ("connect_cpu_ms", "connect CPU ms", "{:.2f}"),
    ("skipped_frames", "skipped", "{:.0f}"),
    ("coalesced", "overtaken", "{:.0f}"),
]


def summary(runs: list[dict]) -> dict[str, str]:
    out = {}
    for key, _, fmt in COLUMNS:
        values = [r[key] for r in runs if r.get(key) is not None]
        if not values:
            out[key] = "-"
            continue
        med = fmt.format(statistics.median(values))
        out[key] = med if len(values) == 1 else (
            f"{med} ({fmt.format(min(values))}-{fmt.format(max(values))})")
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--variant", action="append", required=True, help="name=checkout dir")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--env", action="append", default=[], help="KEY=VALUE for every server")
    p.add_argument("--args", action="append", default=[],
                   help='name="bench.load arguments" for that variant only')
    p.add_argument("--json", help="write every run's figures here")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    args = p.parse_args()
    rest = [a for a in args.rest if a != "--"]
    variants = [v.split("=", 1) for v in args.variant]
    extra = {name: shlex.split(more) for name, more in (a.split("=", 1) for a in args.args)}
    results: dict[str, list[dict]] = {name: [] for name, _ in variants}
    for i in range(args.repeat):
        for name, path in variants:
            argv = ["--app-dir", str(Path(path).resolve()), *rest, *extra.get(name, [])]
            argv += [x for kv in args.env for x in ("--env", kv)]
            argv += ["--server-log", f"/tmp/bench-{name}-{i}.log"]  # nosec B108 # a developer's bench log
            figures = load.run(load.build_parser().parse_args(argv))
            figures["variant"] = name
            results[name].append(figures)
            print(f"[{name} run {i + 1}]\n{load.LoadReport.format(figures)}\n", flush=True)
            if args.json:
                Path(args.json).write_text(json.dumps(results, indent=2))
    print("median (min-max) of", args.repeat, "runs")
    print("| variant | " + " | ".join(title for _, title, _ in COLUMNS) + " |")
    print("|---" * (len(COLUMNS) + 1) + "|")
    for name, runs in results.items():
        s = summary(runs)
        print(f"| {name} | " + " | ".join(s[key] for key, _, _ in COLUMNS) + " |")


if __name__ == "__main__":
    main()
