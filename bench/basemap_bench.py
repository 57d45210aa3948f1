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
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402  # nosec B404 # starts our own server and nginx
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

import gevent  # noqa: E402
import requests  # noqa: E402
from pmtiles.reader import MmapSource, Reader  # noqa: E402

from app.basemap.archive import describe  # noqa: E402
from app.basemap.build import build  # noqa: E402
from bench.load import ROOT, free_port, start_server  # noqa: E402
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


class Connection:
    """One keep-alive HTTP/1.1 connection speaking just enough HTTP for range requests: the
    load generator must cost far less than the server it measures (requests costs ~1 ms each)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port, self.sock, self.reader = host, port, None, None

    def get_range(self, path: str, first: int, last: int) -> tuple[int, bytes]:
        for attempt in (0, 1):  # the server may have closed an idle keep-alive connection
            if self.sock is None:
                self.sock = socket.create_connection((self.host, self.port), timeout=30)
                self.reader = self.sock.makefile("rb")
            try:
                return self._exchange(path, first, last)
            except (OSError, ValueError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _exchange(self, path: str, first: int, last: int) -> tuple[int, bytes]:
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\n"
                          f"Range: bytes={first}-{last}\r\n\r\n".encode())
        status = self.reader.readline()
        if not status:
            raise ValueError("closed")
        length, close = 0, False
        while (line := self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name = name.lower()
            if name == "content-length":
                length = int(value)
            elif name == "connection" and "close" in value.lower():
                close = True
        body = self.reader.read(length)
        if close:
            self.close()
        return int(status.split()[1]), body

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock = self.reader = None


def viewer(url: str, ranges: dict, until: float, seed: int, out: list[float],
           errors: list[str], pause: float) -> None:
    rng = random.Random(seed)  # nosec B311 # load shape, not security
    parts = urlsplit(url)
    # A browser opens at most 6 connections to one host (HTTP/1.1) and keeps them alive.
    connections = [Connection(parts.hostname, parts.port) for _ in range(6)]
    keys = list(ranges)

    def fetch(conn: Connection, wanted: list[tuple[int, int]]) -> None:
        for first, last in wanted:
            started = time.perf_counter()
            try:
                status, body = conn.get_range(parts.path, first, last)
            except OSError as exc:
                errors.append(f"{type(exc).__name__}: {exc}"[:200])
                continue
            if status != 206 or len(body) != last - first + 1:
                errors.append(f"status {status}, {len(body)} bytes")
                continue
            out.append(time.perf_counter() - started)

    fetch(connections[0], [(0, HEADER_BYTES - 1)])
    while time.monotonic() < until:
        z, cx, cy = rng.choice(keys)
        view = [ranges[k] for k in ((z, cx + dx, cy + dy) for dx in range(-2, 3)
                                    for dy in range(-2, 2)) if k in ranges]
        wanted = [(offset, offset + length - 1) for offset, length in view]
        gevent.joinall([gevent.spawn(fetch, conn, wanted[i::6])
                        for i, conn in enumerate(connections)])
        gevent.sleep(rng.uniform(0.5, 1.5) * pause)
    for conn in connections:
        conn.close()


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


def start_nginx(tmp: Path, backend: str, archive: Path) -> tuple[subprocess.Popen, str]:
    """deploy/nginx.conf in front of the server, serving `archive` itself, on a free port."""
    port = free_port()
    tmp.chmod(0o755)  # nginx's workers run as an unprivileged user: they must reach the file
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    conf = re.sub(r"(?m)^        server 127\.0\.0\.1:800\d[^\n]*\n(?:        server[^\n]*\n)*",
                  f"        server {backend};\n", conf)
    conf = conf.replace("listen 80;", f"listen 127.0.0.1:{port};")
    conf = conf.replace("worker_processes auto;", "worker_processes 1;")
    conf = conf.replace("/srv/doorstep/var/basemap/helsinki.pmtiles", str(archive))
    (tmp / "logs").mkdir(exist_ok=True)
    (tmp / "nginx.conf").write_text(conf)
    proc = subprocess.Popen(  # nosec B603 # fixed argv, no shell
        [shutil.which("nginx") or "/usr/sbin/nginx", "-p", str(tmp), "-c",
         str(tmp / "nginx.conf"), "-g", "daemon off; pid nginx.pid;",
         "-e", str(tmp / "logs" / "error.log")])
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(url + "/healthz", timeout=1)
            return proc, url
        except requests.RequestException:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("nginx did not start")


def measure_viewers(archive: Path, viewers: int, seconds: float, log: str, pause: float,
                    nginx: bool) -> dict:
    ranges = tile_ranges(archive)
    proc, base = start_server(ROOT, [f"BASEMAP={archive}"], log)
    front = None
    try:
        worker = Proc(worker_pid(proc.pid))
        servers = [worker]
        if nginx:  # nginx answers the archive itself; its one worker is the master's child
            front, base = start_nginx(archive.parent, base.split("//")[1], archive)
            servers = [Proc(worker_pid(front.pid))]
        me = Proc(os.getpid())
        latencies: list[float] = []
        errors: list[str] = []
        cpu0, me0, t0 = sum(p.cpu() for p in servers), me.cpu(), time.monotonic()
        until = t0 + seconds
        gevent.joinall([gevent.spawn(viewer, base + ARCHIVE_URL, ranges, until, i, latencies,
                                     errors, pause) for i in range(viewers)])
        elapsed = time.monotonic() - t0
        cpu, client_cpu = sum(p.cpu() for p in servers) - cpu0, me.cpu() - me0
    finally:
        if front:
            front.terminate()
            front.wait(timeout=10)
        proc.terminate()
        proc.wait(timeout=10)
    return {"requests": len(latencies), "errors": errors, "elapsed": elapsed, "cpu": cpu,
            "client_cpu": client_cpu, "latencies": latencies, "tiles": len(ranges)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--map", type=Path, default=None, help="an .osm.pbf (default: bundled)")
    parser.add_argument("--builds", type=int, default=3, help="builds to time (default 3)")
    parser.add_argument("--viewers", type=int, default=200, help="viewers panning at once")
    parser.add_argument("--seconds", type=float, default=20, help="how long they pan")
    parser.add_argument("--pause", type=float, default=1.0,
                        help="seconds between a viewer's pans, +-50%% (default 1; 0: no pause)")
    parser.add_argument("--nginx", action="store_true",
                        help="serve the archive from deploy/nginx.conf instead of the app")
    parser.add_argument("--log",
                        default=str(Path(tempfile.gettempdir()) / "basemap-bench-server.log"))
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
        r = measure_viewers(archive, args.viewers, args.seconds, args.log, args.pause,
                            args.nginx)
    lat = r["latencies"]
    if not lat:
        sys.exit(f"no tile request succeeded: {r['errors'][:3]}; see {args.log}")
    print(f"tiles: {args.viewers} viewers panning for {r['elapsed']:.0f} s over {r['tiles']} "
          f"tiles (z15-16): {r['requests']} range requests, {r['requests'] / r['elapsed']:.0f}/s, "
          f"{len(r['errors'])} failed")
    print(f"latency: median {statistics.median(lat) * 1e3:.1f} ms, p90 "
          f"{percentile(lat, 0.9) * 1e3:.1f} ms, p99 {percentile(lat, 0.99) * 1e3:.1f} ms, "
          f"max {max(lat) * 1e3:.1f} ms")
    server = "nginx worker" if args.nginx else "server worker"
    print(f"{server}: {r['cpu']:.1f} CPU-s ({r['cpu'] / r['elapsed']:.2f} of a core), "
          f"{r['requests'] / max(r['cpu'], 1e-9):.0f} requests per CPU-second; load generator "
          f"{r['client_cpu'] / r['elapsed']:.2f} of a core")
    if r["errors"]:
        print(f"first failures: {sorted(set(r['errors']))[:3]}")


if __name__ == "__main__":
    main()
