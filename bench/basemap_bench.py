"""Street map figures: build time and archive size for the bundled map, and tile latency under
many map viewers panning at once.

    python -m bench.basemap_bench                       # 3 builds, 200 viewers for 20 s
    python -m bench.basemap_bench --viewers 200 --seconds 30 --builds 5
    python -m bench.basemap_bench --map city.osm.pbf    # another extract (build figures only
                                                        # for it; the viewers pan over it too)

Starts gunicorn (gunicorn.conf.py, the gevent worker) with BASEMAP pointing at the archive just
built. Each viewer does what protomaps-leaflet's PMTiles reader does in a browser: one range
request for the archive's header and root directory, then, pan after pan, one range request per
tile of a 1280 x 800 view (20 tiles of 256 px) at zoom 15 or 16 somewhere in the map, waiting
for a pan's tiles before the next (a person pans about once a second; these viewers do not wait,
so 200 of them are a heavier load than 200 people). Prints medians and spread, never one run.
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import math  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
import requests  # noqa: E402
from pmtiles.reader import MmapSource, Reader  # noqa: E402

from app.basemap.archive import describe  # noqa: E402
from app.basemap.build import build  # noqa: E402
from bench.load import ROOT, start_server  # noqa: E402
from bench.server import Proc, worker_pid  # noqa: E402

ARCHIVE_URL = "/basemap/streets.pmtiles"
HEADER_BYTES = 16384  # what the browser's reader asks for first


def tile_ranges(path: Path, zooms=(15, 16)) -> dict[tuple[int, int, int], tuple[int, int]]:
    """Every stored tile at these zooms -> (offset, length) in the file, as a browser asks."""
    f = path.open("rb")
    source = MmapSource(f)
    last: list[tuple[int, int]] = []

    def get_bytes(offset, length):
        last.append((offset, length))
        return source(offset, length)

    reader = Reader(get_bytes)
    (south, west), (north, east) = describe(path)["bounds"]
    ranges = {}
    for z in zooms:
        x0, y0 = tile_xy(north, west, z)
        x1, y1 = tile_xy(south, east, z)
        for x in range(x0, x1 + 1):
            for y in range(y0, y1 + 1):
                last.clear()
                if reader.get(z, x, y) is not None:
                    ranges[(z, x, y)] = last[-1]
    f.close()
    return ranges


def tile_xy(lat: float, lon: float, z: int) -> tuple[int, int]:
    n = 2 ** z
    return (int((lon + 180) / 360 * n),
            int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n))


def viewer(url: str, ranges: dict, until: float, seed: int, out: list[float],
           errors: list[str]) -> None:
    rng = random.Random(seed)
    session = requests.Session()
    keys = list(ranges)

    def fetch(first: int, last: int) -> None:
        started = time.perf_counter()
        try:
            r = session.get(url, headers={"Range": f"bytes={first}-{last}"}, timeout=30)
            if r.status_code != 206:
                errors.append(f"status {r.status_code}")
                return
        except requests.RequestException as exc:
            errors.append(type(exc).__name__)
            return
        out.append(time.perf_counter() - started)

    fetch(0, HEADER_BYTES - 1)
    while time.monotonic() < until:
        z, cx, cy = rng.choice(keys)
        view = [(z, cx + dx, cy + dy) for dx in range(-2, 3) for dy in range(-2, 2)]
        jobs = [gevent.spawn(fetch, ranges[k][0], sum(ranges[k]) - 1)
                for k in view if k in ranges]
        gevent.joinall(jobs)


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def measure_builds(extract: Path, n: int) -> tuple[list[float], int]:
    seconds, size = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(n):
            built = build(extract, Path(tmp) / "map.pmtiles", force=True)
            seconds.append(built.seconds)
            size = built.size
    return seconds, size


def measure_viewers(archive: Path, viewers: int, seconds: float, log: str) -> dict:
    ranges = tile_ranges(archive)
    proc, base = start_server(ROOT, [f"BASEMAP={archive}"], log)
    try:
        worker = Proc(worker_pid(proc.pid))
        latencies: list[float] = []
        errors: list[str] = []
        cpu0, t0 = worker.cpu(), time.monotonic()
        until = t0 + seconds
        gevent.joinall([gevent.spawn(viewer, base + ARCHIVE_URL, ranges, until, i, latencies,
                                     errors) for i in range(viewers)])
        elapsed = time.monotonic() - t0
        cpu = worker.cpu() - cpu0
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return {"requests": len(latencies), "errors": errors, "elapsed": elapsed, "cpu": cpu,
            "latencies": latencies, "tiles": len(ranges)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--map", type=Path, default=None, help="an .osm.pbf (default: bundled)")
    parser.add_argument("--builds", type=int, default=3, help="builds to time (default 3)")
    parser.add_argument("--viewers", type=int, default=200, help="viewers panning at once")
    parser.add_argument("--seconds", type=float, default=20, help="how long they pan")
    parser.add_argument("--log", default="/tmp/basemap-bench-server.log")
    args = parser.parse_args(argv)
    if args.map is None:
        from simulator.world.maps import bundled_map

        args.map = bundled_map()
    print(f"extract: {args.map.name} ({args.map.stat().st_size / 1e6:.2f} MB)")
    seconds, size = measure_builds(args.map, args.builds)
    print(f"build: median {statistics.median(seconds):.2f} s (min {min(seconds):.2f}, "
          f"max {max(seconds):.2f}, {len(seconds)} builds); archive {size / 1e6:.2f} MB")
    with tempfile.TemporaryDirectory() as tmp:
        archive = build(args.map, Path(tmp) / "map.pmtiles").path
        r = measure_viewers(archive, args.viewers, args.seconds, args.log)
    lat = r["latencies"]
    if not lat:
        sys.exit(f"no tile request succeeded: {r['errors'][:3]}; see {args.log}")
    print(f"tiles: {args.viewers} viewers panning for {r['elapsed']:.0f} s over {r['tiles']} "
          f"tiles (z15-16): {r['requests']} range requests, {r['requests'] / r['elapsed']:.0f}/s, "
          f"{len(r['errors'])} failed")
    print(f"latency: median {statistics.median(lat) * 1e3:.1f} ms, p90 "
          f"{percentile(lat, 0.9) * 1e3:.1f} ms, p99 {percentile(lat, 0.99) * 1e3:.1f} ms, "
          f"max {max(lat) * 1e3:.1f} ms")
    print(f"server worker: {r['cpu']:.1f} CPU-s ({r['cpu'] / r['elapsed']:.2f} of a core), "
          f"{r['requests'] / max(r['cpu'], 1e-9):.0f} requests per CPU-second")


if __name__ == "__main__":
    main()
