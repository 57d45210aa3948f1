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
    assert figures["customer_p99_ms"] < 5000
    assert "updates per CPU-second" in load.Report.format(figures)
