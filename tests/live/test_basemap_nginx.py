"""deploy/nginx.conf serves the street map archive itself, by range, with validators."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from tests.live.test_cluster import NGINX, ROOT, Nginx

ALIAS = "/srv/doorstep/var/basemap/helsinki.pmtiles"


def test_nginx_answers_ranges_and_304_for_the_archive(live_server, street_map, tmp_path):
    if not Path(NGINX).exists():
        pytest.fail("nginx is not installed (apt-get install nginx)")
    assert ALIAS in (ROOT / "deploy" / "nginx.conf").read_text()  # the documented place
    nginx = Nginx(tmp_path, [f"127.0.0.1:{live_server.port}"], {ALIAS: str(street_map)})
    try:
        url = nginx.url + "/basemap/streets.pmtiles"
        data = street_map.read_bytes()
        part = requests.get(url, headers={"Range": "bytes=0-126"}, timeout=5)
        assert part.status_code == 206 and part.content == data[:127]
        assert part.headers["Content-Range"] == f"bytes 0-126/{len(data)}"
        assert part.headers["Content-Type"] == "application/vnd.pmtiles"
        assert "max-age=3600" in part.headers["Cache-Control"]
        again = requests.get(url, timeout=5, headers={"Range": "bytes=0-126",
                                                      "If-None-Match": part.headers["ETag"]})
        assert again.status_code == 304
        # The same URL through the app gives the same bytes (a deployment without nginx).
        direct = requests.get(live_server.url + "/basemap/streets.pmtiles", timeout=5,
                              headers={"Range": "bytes=0-126"})
        assert direct.status_code == 206 and direct.content == part.content
        # Ranges that cannot be used (app/basemap/serve.py): several ranges, the whole file from
        # both; past the end, 416 from both; a header that does not parse, the whole file from
        # the app (RFC 9110 lets a server ignore it) and 416 from nginx (its own choice).
        for header, statuses in [("bytes=0-10,20-30", [200, 200]), ("bytes=abc", [416, 200]),
                                 (f"bytes={len(data) + 5}-", [416, 416])]:
            answers = [requests.get(base + "/basemap/streets.pmtiles", timeout=5,
                                    headers={"Range": header})
                       for base in (nginx.url, live_server.url)]
            assert [a.status_code for a in answers] == statuses, header
            for a in answers:
                if a.status_code == 200:
                    assert a.content == data
                else:
                    assert a.headers["Content-Range"] == f"bytes */{len(data)}"
    finally:
        nginx.stop()
