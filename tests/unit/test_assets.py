"""Static files: versioned URLs (the page's, and its modules' through an import map) cached for a
year, others revalidated by ETag, text gzipped."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re

import pytest


def static_urls(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/static/[^"]+)"', html)


def test_pages_name_static_files_by_content_and_they_are_cached_long(client):
    token_page = client.get("/track").get_data(as_text=True)
    urls = static_urls(token_page)
    assert urls and all(re.search(r"\?v=[0-9a-f]{12}$", u) for u in urls), urls
    resp = client.get(urls[0])
    assert resp.status_code == 200
    assert resp.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_an_old_or_missing_version_is_revalidated_not_kept(client):
    for url in ("/static/css/app.css?v=000000000000", "/static/css/app.css"):
        resp = client.get(url)
        assert resp.headers["Cache-Control"] == "no-cache", url
        again = client.get(url, headers={"If-None-Match": resp.headers["ETag"]})
        assert again.status_code == 304 and again.data == b""


@pytest.mark.parametrize("path", ["/static/js/track.js", "/static/css/app.css",
                                  "/static/favicon.svg"])
def test_text_is_gzipped_for_browsers_that_take_it(client, path):
    plain = client.get(path)
    assert "Content-Encoding" not in plain.headers
    packed = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br"})
    if len(plain.data) < 1024:  # one packet: not worth it
        assert "Content-Encoding" not in packed.headers
        return
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data) / 2
    assert gzip.decompress(packed.data) == plain.data
    # The browser revalidates with the gzipped answer's (weak) ETag: 304, no body.
    assert packed.headers["ETag"].startswith('W/"')
    again = client.get(path, headers={"Accept-Encoding": "gzip",
                                      "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_images_and_pages_are_not_gzipped(client):
    assert "Content-Encoding" not in client.get(
        "/track", headers={"Accept-Encoding": "gzip"}).headers
    assert client.get("/static/../app/factory.py").status_code == 404


def import_map(html: str) -> tuple[str, dict]:
    text = re.search(r'<script type="importmap">(.*?)</script>', html, re.S).group(1)
    return text, json.loads(text)["imports"]


def test_modules_a_script_imports_by_path_are_versioned_too(client):
    """A repeat view asked again for every module a page's script imports (`./words.js`): 304s,
    one round trip each. The page's import map names each by its content."""
    resp = client.get("/drive/")
    html = resp.get_data(as_text=True)
    text, imports = import_map(html)
    # The map comes before the page's one module script, and lets in no other script.
    assert html.index('type="importmap"') < html.index('type="module"')
    for module in ("drive-clock.js", "drive-outbox.js", "drive-words.js", "words.js"):
        assert re.fullmatch(rf"/static/js/{module}\?v=[0-9a-f]{{12}}",
                            imports[f"/static/js/{module}"])
    assert "/static/vendor/leaflet/leaflet-src.esm.js" in imports
    for url in imports.values():
        cached = client.get(url)
        assert cached.status_code == 200, url
        assert cached.headers["Cache-Control"] == "public, max-age=31536000, immutable", url
    # Inline, so the page's CSP lets it in by its hash, and nothing else inline.
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    script_src = next(d for d in resp.headers["Content-Security-Policy"].split("; ")
                      if d.startswith("script-src"))
    assert script_src == f"script-src 'self' 'sha256-{digest}'"
