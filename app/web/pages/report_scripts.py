"""The route report's scripts, each allowed by its hash: no inline script, no 'unsafe-inline'.

folium writes its map as inline <script> blocks, and the report must still work opened as a file
with no server (so the scripts cannot move to this server). Each inline block becomes a data: URL
script with Subresource Integrity, and the report's Content-Security-Policy lists exactly those
hashes: the browser runs the report's own scripts, in document order, and nothing injected into
it (a script whose hash is not in the policy), as on every other page under `script-src 'self'`.
"""

from __future__ import annotations

import base64
import hashlib
import re

# folium's blocks and ours: <script> with no src (inline) or with a data: URL src (Leaflet).
_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
_SRC = re.compile(r'\bsrc="(?P<src>[^"]*)"', re.I)
_DATA = re.compile(r"data:text/javascript;base64,(?P<b64>[A-Za-z0-9+/=]+)$")


def _digest(code: bytes) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(code).digest()).decode()


def seal_scripts(html: str) -> tuple[str, list[str]]:
    """(html with every script external and hashed, the hash sources for script-src)."""
    hashes: list[str] = []

    def seal(m: re.Match) -> str:
        attrs, body = m.group("attrs"), m.group("body")
        src = _SRC.search(attrs)
        if src is None:
            if "type=" in attrs.lower() and "javascript" not in attrs.lower():
                return m.group(0)  # data blocks (application/json): not run, not policed
            code = body.encode()
            url = "data:text/javascript;base64," + base64.b64encode(code).decode()
        else:
            data = _DATA.match(src.group("src"))
            if data is None:  # a script from this server (/static/...): 'self' allows it
                return m.group(0)
            code, url = base64.b64decode(data.group("b64")), src.group("src")
        digest = _digest(code)
        if digest not in hashes:
            hashes.append(digest)
        rest = _SRC.sub("", attrs).strip()
        rest = f" {rest}" if rest else ""
        return f'<script src="{url}" integrity="{digest}"{rest}></script>'

    return _SCRIPT.sub(seal, html), hashes
