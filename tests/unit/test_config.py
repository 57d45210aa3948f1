"""Settings: `python -m app` and gunicorn.conf.py listen, and run the demo, by the same defaults."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.support.servers import ROOT

# In a child process: `python -m app` monkey-patches with gevent when imported.
PROBE = """
import json, runpy
from app.__main__ import parse_args
args = parse_args([])
conf = runpy.run_path("gunicorn.conf.py")
print(json.dumps({"main": [args.host, args.port, args.demo], "bind": conf["bind"],
                  "demo": __import__("app.config").config.from_env()["DEMO"]}))
"""


@pytest.mark.parametrize("env, host, port, demo", [
    ({}, "127.0.0.1", 5000, True),  # the embedded default: a demo fleet drives
    ({"HOST": "0.0.0.0", "PORT": "8000", "DEMO": "0"}, "0.0.0.0", 8000, False),
])
def test_python_m_app_and_gunicorn_agree(env, host, port, demo):
    base = {k: v for k, v in os.environ.items() if k not in ("HOST", "PORT", "DEMO", "BIND")}
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env={**base, **env},
                         capture_output=True, text=True, timeout=60, check=True)
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["main"] == [host, port, demo]
    assert seen["bind"] == f"{host}:{port}" and seen["demo"] is demo


def test_no_environment_read_outside_config():
    readers = []
    for path in [*(ROOT / "app").rglob("*.py"), ROOT / "gunicorn.conf.py"]:
        text = path.read_text()
        if "os.environ" in text or "getenv(" in text:
            readers.append(str(path.relative_to(ROOT)))
    # demo.py hands the environment on to the simulator it starts; it reads no setting.
    assert sorted(readers) == ["app/config.py", "app/ops/demo.py"]


def test_the_simulator_reads_the_environment_in_one_place():
    readers = sorted(str(p.relative_to(ROOT)) for top in ("simulator", "rules")
                     for p in (ROOT / top).rglob("*.py")
                     if "os.environ" in p.read_text() or "getenv(" in p.read_text())
    assert readers == ["simulator/settings.py"]
