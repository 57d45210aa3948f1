"""A run stopped by a signal to its main process alone, while its worker plans a block.

`kill -INT <pid>` or `timeout -s INT`, unlike Ctrl-C in a terminal, reaches the main process
only: the run must end its planning worker itself rather than wait for the block under way."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXIT_WITHIN_S = 30.0  # generous: the machine may be loaded; the old run waited without end


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids += [int(k) for k in (task / "children").read_text().split()]
        except OSError:
            pass
    return kids


def _state(pid: int) -> str | None:
    """The process's state letter (R, S, T, Z...), None once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def _start(tmp_path: Path, int_ignored: bool = False) -> subprocess.Popen[str]:
    # Three vans of 500 stops: each plan takes the worker seconds, and all three are ordered
    # at the first tick (their drivers arrive within the ten minutes planned ahead).
    cmd = [sys.executable, "-m", "simulator", "run", "--dry-run", "--vans", "3", "--stops",
           "500", "--program", "standard", "--speedup", "10", "--start", "09:00", "--seed", "3",
           "--out", str(tmp_path / "run.jsonl")]
    # A script's `cmd &` starts its child with SIGINT ignored (no job control).
    ignore = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if int_ignored else None
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
                            preexec_fn=ignore)  # noqa: PLW1509 (no threads in the test yet)


def _worker_planning(proc: subprocess.Popen[str]) -> int:
    """Wait for the planning worker to be forked (it is given its first order at once)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        kids = _children(proc.pid)
        if kids:
            return kids[0]
        time.sleep(0.05)
    raise AssertionError("no planning worker started")


@pytest.mark.parametrize(("sig", "code", "stall", "int_ignored"), [
    (signal.SIGINT, 130, True, False),  # a worker that will not finish soon: not waited for
    (signal.SIGTERM, 143, False, False),
    (signal.SIGINT, 130, False, True),  # started by a script in the background: still stops
])
def test_a_signal_to_the_main_process_ends_the_run_and_its_planning_worker(
        tmp_path, sig, code, stall, int_ignored):
    proc = _start(tmp_path, int_ignored)
    worker = None
    try:
        worker = _worker_planning(proc)
        time.sleep(0.3)  # into the plan of a 500-stop block
        if stall:
            os.kill(worker, signal.SIGSTOP)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=EXIT_WITHIN_S)
        time.sleep(0.5)  # an orphan would still be here; a worker ended and reaped is gone
        left = _state(worker)
    finally:  # the worker first: it holds the run's stdout and stderr open
        if worker is not None and _state(worker) not in (None, "Z"):
            os.kill(worker, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == code, err
    assert "Traceback" not in err, err
    assert left is None, f"planning worker {worker} left behind (state {left})"
