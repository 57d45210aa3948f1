"""The command line as a user meets it: bad input is one line and a non-zero exit, no trace."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.world.synthetic import write_grid_town
from tests.support.servers import until

GPX = """<?xml version="1.0"?>
<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>
{points}
</trkseg></trk></gpx>"""


def sim(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "simulator", *args], capture_output=True,
                          text=True, timeout=timeout)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("cli")
    (d / "corrupt.osm.pbf").write_bytes(b"\x00\x01garbage" * 50)
    (d / "empty.gpx").write_text(GPX.format(points=""))
    (d / "broken.gpx").write_text("<gpx><trk>")
    pts = "\n".join(f'<trkpt lat="60.17{i}" lon="24.94{i}"><time>2026-05-01T10:00:{i * 5:02d}Z'
                    f"</time></trkpt>" for i in range(6))
    (d / "track.gpx").write_text(GPX.format(points=pts))
    write_grid_town(d / "paths.osm.pbf", footways_only=True)
    return {p.name: p for p in d.iterdir()}


BAD = [
    (["run", "--dry-run", "--map", "/no/such/map.osm.pbf"], "map file not found"),
    (["run", "--dry-run", "--map", "{corrupt.osm.pbf}"], "cannot read map"),
    (["run", "--dry-run", "--map", "{paths.osm.pbf}", "--vans", "1"], "no usable streets"),
    (["run", "--dry-run", "--stops", "0"], "--stops must be at least 1"),
    (["run", "--dry-run", "--vans", "-2"], "cannot be negative"),
    (["run", "--dry-run", "--vans", "0"], "no drivers"),
    (["run", "--dry-run", "--vans", "many"], "invalid int value"),
    (["run", "--dry-run", "--speedup", "0"], "--speedup must be between 1 and 1000"),
    (["run", "--dry-run", "--fail-rate", "2"], "--fail-rate"),
    (["run", "--dry-run", "--start", "21:30"], "outside service hours"),
    (["run", "--dry-run", "--start", "nine"], "HH:MM"),
    (["run", "--dry-run", "--timezone", "Mars/Olympus"], "unknown time zone"),
    (["run", "--server", "http://127.0.0.1:{port}"], "cannot reach the server"),
    (["replay", "{empty.gpx}", "--dry-run"], "no track points"),
    (["replay", "{broken.gpx}", "--dry-run"], "cannot read GPX"),
    (["replay", "/no/such/track.gpx", "--dry-run"], "GPX file not found"),
    (["bogus"], "invalid choice"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_input_is_one_line_and_non_zero(files, args, message):
    names = {k.replace(".", "_"): str(v) for k, v in files.items()}
    args = [a.replace("{port}", str(closed_port())) for a in args]
    args = [a.format(**names) if a.startswith("{") else a for a in
            [a.replace(".", "_") if a.startswith("{") else a for a in args]]
    proc = sim(*args)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], proc.stderr


def test_help_documents_every_option():
    out = sim("run", "--help").stdout
    for option in ("--server", "--key", "--vans", "--bikes", "--walkers", "--motorcycles",
                   "--drones", "--stops", "--speedup", "--seed", "--map", "--start", "--out",
                   "--dry-run", "--links", "--repeat", "--fail-rate", "--interval", "--timezone",
                   "--protocol"):
        assert option in out
    assert "DOORSTEP_SERVER" in out and "DOORSTEP_KEY" in out


def test_dry_run_writes_ground_truth_jsonl(tmp_path):
    out = tmp_path / "run.jsonl"
    proc = sim("run", "--dry-run", "--max-speed", "--walkers", "1", "--drones", "1",
               "--start", "10:00", "--date", "2026-06-01", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    kinds = {r["kind"] for r in records}
    assert kinds == {"route", "position", "event"}
    route = next(r for r in records if r["kind"] == "route")
    assert len(route["truth"]["arrivals"]) == len(route["stops"])
    pos = next(r for r in records if r["kind"] == "position")
    assert {"lat", "lon", "phase"} <= set(pos["truth"]) and pos["t"].endswith("+03:00")
    assert "delivered" in proc.stderr and "foot" in proc.stderr  # the summary


def test_replay_streams_the_track_at_its_pace(files, tmp_path):
    out = tmp_path / "replay.jsonl"
    proc = sim("replay", str(files["track.gpx"]), "--dry-run", "--max-speed", "--timezone",
               "Europe/Helsinki", "--start", "12:00", "--date", "2026-06-01", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    fixes = [r for r in records if r["kind"] == "position"]
    assert [r["t"][11:19] for r in fixes] == [f"12:00:{s:02d}" for s in range(0, 30, 5)]
    assert fixes[-1]["lat"] == 60.175
    events = [r["type"] for r in records if r["kind"] == "event"]
    assert events == ["route_started", "arrived", "delivered", "returned"]


def test_replay_keeps_recorded_times_around_missing_and_backward_ones(tmp_path):
    # A first point logged before the clock was set, one without a time, one stepping back.
    times = [None, "10:00:05", None, "10:00:15", "10:00:12", "10:00:25"]
    pts = "\n".join(
        f'<trkpt lat="60.17{i}" lon="24.94{i}">'
        + (f"<time>2026-05-01T{t}Z</time>" if t else "") + "</trkpt>"
        for i, t in enumerate(times))
    track = tmp_path / "gaps.gpx"
    track.write_text(GPX.format(points=pts))
    out = tmp_path / "replay.jsonl"
    proc = sim("replay", str(track), "--dry-run", "--max-speed", "--timezone", "Europe/Helsinki",
               "--start", "12:00", "--date", "2026-06-01", "--interval", "5", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    fixes = [r["t"][11:19] for r in records if r["kind"] == "position"]
    # 5 s before the first recorded time; halfway between two recorded ones; the backward
    # step held at the time before it (sent once, as the newest point of its second).
    assert fixes == ["12:00:00", "12:00:05", "12:00:10", "12:00:15", "12:00:25"]


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_a_killed_run_leaves_no_planner_behind():
    proc = subprocess.Popen([sys.executable, "-m", "simulator", "run", "--dry-run", "--quiet",
                             "--vans", "2", "--speedup", "1", "--start", "10:00"])
    try:
        workers = until(lambda: _children(proc.pid), 30, "a planner process", interval=0.1)
    finally:
        proc.kill()  # no shutdown, no cleanup: what SIGKILL or an OOM kill does
        proc.wait()
    until(lambda: not any(Path(f"/proc/{w}").exists() for w in workers), 10,
          "the planner processes to end", interval=0.2)
