"""Two server processes, one Redis, a real nginx (deploy/nginx.conf): viewers on both processes.

A fix ingested by either process must reach every viewer, whichever process holds its socket,
and a seller's dashboard on the other process too.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import requests

from tests.support.helpers import STATION, STOPS, fix_between, register
from tests.support.servers import ROOT, free_port, wait_for
from tests.support.viewers import Viewer

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


class Nginx:
    """deploy/nginx.conf with its ports replaced, as a non-daemon child on loopback."""

    def __init__(self, tmp: Path, backends: list[str],
                 replace: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        conf = (ROOT / "deploy" / "nginx.conf").read_text()
        for old, new in (replace or {}).items():
            conf = conf.replace(old, new)
        servers = "".join(f"        server {b} max_fails=3 fail_timeout=10s;\n" for b in backends)
        conf = re.sub(r"(?m)^        server 127\.0\.0\.1:800\d[^\n]*\n(?:        server[^\n]*\n)*",
                      servers, conf)
        conf = conf.replace("listen 80;", f"listen 127.0.0.1:{self.port};")
        conf = conf.replace("worker_processes auto;", "worker_processes 1;")
        conf = conf.replace("worker_connections 20000;", "worker_connections 1024;")
        (tmp / "logs").mkdir(exist_ok=True)
        path = tmp / "nginx.conf"
        path.write_text(conf)
        self.proc = subprocess.Popen(
            [NGINX, "-p", str(tmp), "-c", str(path), "-e", str(tmp / "logs" / "error.log"),
             "-g", f"daemon off; pid {tmp / 'nginx.pid'};"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_for(self.url + "/healthz", proc=self.proc)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


@pytest.fixture
def cluster(tmp_path, clean_redis, live_server_factory):
    if not Path(NGINX).exists():
        pytest.fail("nginx is not installed (apt-get install nginx)")
    env = {"REDIS_URL": clean_redis, "MESSAGE_QUEUE": clean_redis, "BROADCAST_INTERVAL": "0.2",
           "FIXES_PER_DRIVER": "1000/second"}
    servers = [live_server_factory(**env), live_server_factory(**env)]
    nginx = Nginx(tmp_path, [f"127.0.0.1:{s.port}" for s in servers])
    yield servers, nginx
    nginx.stop()


def post_fix(base: str, reg: dict, frac: float, t: float) -> dict:
    fix = fix_between((STATION["lat"], STATION["lon"]), STOPS[0][:2], frac, t)
    resp = requests.post(f"{base}/api/v1/positions", json=fix, timeout=10,
                         headers={"Authorization": f"Bearer {reg['driver_token']}"})
    assert resp.status_code == 200 and resp.json()["accepted"] == 1, resp.text
    return fix


def at(fix: dict):
    return lambda v: (v["driver"]["position"] or {}).get("lat") == pytest.approx(fix["lat"],
                                                                                   abs=1e-6)


def test_a_fix_reaches_viewers_on_every_process(cluster):
    (one, two), nginx = cluster
    reg = register(requests, nginx.url)
    token = reg["shipments"][0]["token"]
    viewers = [Viewer(one.url, {"token": token}), Viewer(two.url, {"token": token}),
               Viewer(nginx.url, {"token": token})]
    dashboard = Viewer(two.url, {"seller_key": "demo"})
    try:
        for v in viewers + [dashboard]:
            v.next("snapshot")
        fix = post_fix(nginx.url, reg, 0.5, 10)  # ingested by whichever process nginx picks
        for v in viewers:
            v.next("view", until=at(fix))
        dashboard.next("fleet", until=lambda f: any(
            r["route_id"] == reg["route_id"] and r["position"]
            and r["position"]["lat"] == pytest.approx(fix["lat"], abs=1e-6)
            for r in f["routes"]))

        # Within the throttle interval the next fix still goes out, at the interval's end.
        fix = post_fix(one.url, reg, 0.6, 20)  # process one ingests; two's viewers see it
        for v in viewers:
            v.next("view", until=at(fix))
    finally:
        for v in viewers + [dashboard]:
            v.close()


def test_nginx_serves_the_api_and_metrics_of_each_process(cluster):
    (one, two), nginx = cluster
    assert requests.get(f"{nginx.url}/healthz", timeout=5).json()["status"] == "ok"
    for server in (one, two):
        text = requests.get(f"{server.url}/metrics", timeout=5).text
        assert "doorstep_viewers" in text and "doorstep_fixes_accepted_total" in text
