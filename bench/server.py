"""The measured process: CPU seconds and resident memory read from /proc."""

from __future__ import annotations

import os
import time

_TICK = os.sysconf("SC_CLK_TCK")


def worker_pid(master: int, timeout: float = 10.0) -> int:
    """gunicorn's worker: the master's child (one worker per process here)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{master}/task/{master}/children") as f:
                kids = f.read().split()
        except FileNotFoundError:
            kids = []
        if kids:
            return int(kids[0])
        time.sleep(0.1)
    return master


class Proc:
    def __init__(self, pid: int) -> None:
        self.pid = pid

    def cpu(self) -> float:
        """User + system CPU seconds so far."""
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK

    def rss(self) -> int:
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0
