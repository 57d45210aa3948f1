"""pyproject.toml: `pip install -e .` gives the `doorstep` and `doorstep-sim` commands."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest

from tests.support.servers import ROOT

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_a_build_backend_is_declared():
    assert PROJECT["build-system"]["build-backend"] == "setuptools.build_meta"


@pytest.mark.parametrize("command, target", [("doorstep", "app.__main__:main"),
                                             ("doorstep-sim", "simulator.cli:main")])
def test_console_commands_name_the_python_m_entry_points(command, target):
    assert PROJECT["project"]["scripts"][command] == target
    module, _, func = target.partition(":")
    # In a child: importing app.__main__ monkey-patches the process with gevent.
    probe = f"import {module} as m; print(m.{func}(['--help']))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0 and "usage:" in out.stdout, out.stderr
