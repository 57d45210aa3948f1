"""Lint the Dockerfile with Docker's own parser: no Docker engine runs on these machines."""

from __future__ import annotations

from pathlib import Path

import dockerfile
import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def commands():
    return dockerfile.parse_file(str(ROOT / "Dockerfile"))


def stages(commands):
    out, current = [], None
    for c in commands:
        if c.cmd == "FROM":
            current = []
            out.append((c.value, current))
        elif current is not None:
            current.append(c)
    return out


def test_two_stages_npm_assets_then_python(commands):
    (assets_from, assets), (app_from, app) = stages(commands)
    assert assets_from[0].startswith("node:") and assets_from[-1] == "assets"
    assert any(c.cmd == "RUN" and "npm ci" in c.value[0] for c in assets)
    assert app_from[0].startswith("python:3.11")
    copies = [c for c in app if c.cmd == "COPY"]
    assert any("--from=assets" in c.flags for c in copies)


def test_images_are_pinned_to_a_version(commands):
    for c in commands:
        if c.cmd == "FROM":
            image = c.value[0]
            assert ":" in image and not image.endswith(":latest"), image


def test_copied_paths_exist(commands):
    for c in commands:
        if c.cmd == "COPY" and not c.flags:
            for src in c.value[:-1]:
                assert (ROOT / src).exists(), src


def test_runs_gunicorn_as_non_root_with_healthcheck(commands):
    final = stages(commands)[-1][1]
    cmd = [c for c in final if c.cmd == "CMD"][-1]
    assert cmd.value[0] == "gunicorn" and cmd.value[1] == "app:create_app()"
    users = [c for c in final if c.cmd == "USER"]
    assert users and users[-1].value[0] not in ("root", "0")
    health = [c for c in final if c.cmd == "HEALTHCHECK"]
    assert health and "/healthz" in health[-1].original


def test_requirements_are_pinned():
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            assert "==" in line, line
