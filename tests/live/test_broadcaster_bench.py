"""Smoke test of the load generator (bench/load.py) against a real gunicorn: a few seconds."""

from __future__ import annotations

from bench import load
from bench.server import worker_pid


def test_load_generator_measures_a_small_run(live_server):
    args = load.build_parser().parse_args([
        "--url", live_server.url, "--pid", str(worker_pid(live_server.proc.pid)),
        "--routes", "6", "--viewers", "12", "--dashboards", "1", "--procs", "1",
        "--connect-rate", "100", "--warmup", "2", "--window", "4"])
    figures = load.run(args)
    assert figures["connected"] == 13 and figures["connect_errors"] == 0
    assert figures["accepted_per_s"] > 0 and figures["customer_updates_per_s"] > 0
    assert figures["dashboard_rows_per_s"] > 0
    assert figures["gaps"] == 0 and figures["reorders"] == 0
    # Kernel receive times (SO_TIMESTAMPNS) against the POST's start: after it, not before.
    assert 0 < figures["customer_p50_ms"] <= figures["customer_p99_ms"] < 5000
    assert "updates per CPU-second" in load.LoadReport.format(figures)


def test_two_processes_share_the_load_and_every_viewer_gets_every_fix(clean_redis):
    # --servers 2: each process ingests half the drivers and holds half the viewers; a
    # viewer's fixes were often ingested by the other process (through the Redis queue).
    args = load.build_parser().parse_args([
        "--servers", "2", "--env", f"REDIS_URL={clean_redis}",
        "--routes", "8", "--viewers", "16", "--dashboards", "2", "--procs", "2",
        "--connect-rate", "100", "--warmup", "2", "--window", "4",
        "--server-log", "/tmp/doorstep-test-bench-two.log"])
    figures = load.run(args)
    assert figures["connected"] == 18 and figures["connect_errors"] == 0
    assert figures["gaps"] == 0 and figures["reorders"] == 0
    assert figures["customer_updates_per_s"] > 0 and figures["dashboard_rows_per_s"] > 0
    assert len(figures["cpu_each"]) == 2 and all(c > 0 for c in figures["cpu_each"])
