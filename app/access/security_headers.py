"""Security headers on every response, proxies trusted only when configured, a session cookie
marked Secure whenever the request came over HTTPS."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, g, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from app.extensions import services

HSTS = "max-age=31536000; includeSubDomains"
# The customer page needs none of these; a stray embed or script must not get them either.
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def tile_origin(tile_url: str) -> str:
    """The CSP source for TILE_URL: `https://{s}.tile.example.org/...` -> `https://*.tile...`."""
    parts = urlsplit(tile_url.replace("{s}", "x"))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    host = parts.netloc
    if "{s}" in tile_url.split("/")[2]:
        host = "*." + host.split(".", 1)[1]
    return f"{parts.scheme}://{host}"


def content_security_policy(tile_url: str, archive_url: str = "", style_url: str = "") -> str:
    # Leaflet positions tiles and markers through element.style (CSSOM), which style-src does
    # not govern, so no 'unsafe-inline' is needed (tests/live/test_security_browser.py checks).
    # A MapLibre style (BASEMAP=.../style.json) is fetched with its tiles, glyphs and sprites
    # from its host, and maplibre-gl decodes sprites into blob: images: only in that mode.
    style = [tile_origin(style_url)] if style_url else []
    images = ["'self'", "data:", tile_origin(tile_url), *(["blob:", *style] if style else [])]
    # A remote street map archive is read with fetch (range requests), not as images.
    fetched = ["'self'", tile_origin(archive_url), *style]
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src " + " ".join(filter(None, images)),
        "connect-src " + " ".join(filter(None, fetched)),
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def is_https() -> bool:
    # With PROXY_COUNT set, ProxyFix has already turned X-Forwarded-Proto into the scheme.
    return request.is_secure


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, Secure on HTTPS even when SESSION_COOKIE_SECURE was left off."""

    _signing: tuple = (None, None)  # (the keys it was built for, the serializer)

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or is_https()

    def get_signing_serializer(self, app: Flask):
        # Built once per set of keys, not per request: itsdangerous's constructor signs a test
        # value through the tagged JSON serializer, and every request and every socket connect
        # opens the session (4-6% of a connect storm's CPU, docs/performance.md).
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if self._signing[0] != keys:
            self._signing = (keys, super().get_signing_serializer(app))
        return self._signing[1]


def init_app(app: Flask) -> None:
    if app.config["PROXY_COUNT"] > 0:
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n)
    app.session_interface = SessionInterface()
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    if not app.config.get("SESSION_COOKIE_SAMESITE"):
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    basemap = services(app).basemap
    csp = content_security_policy(basemap.url if basemap.kind == "raster" else "",
                                  basemap.url if basemap.kind == "remote" else "",
                                  basemap.url if basemap.kind == "style" else "")

    @app.after_request
    def add_headers(response):
        h = response.headers
        # A page's inline import map (app/web/assets.py), let in by its hash alone.
        hashes = " ".join(g.get("script_hashes", ()))
        h.setdefault("Content-Security-Policy",
                     csp.replace("script-src 'self'", f"script-src 'self' {hashes}") if hashes
                     else csp)
        h.setdefault("X-Content-Type-Options", "nosniff")
        # Tracking tokens are in page URLs: never send them to tile servers or linked sites.
        h.setdefault("Referrer-Policy", "no-referrer")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Permissions-Policy", PERMISSIONS)
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.path.startswith(("/api/", "/track/")) and "Cache-Control" not in h:
            h["Cache-Control"] = "no-store"  # one customer's view must not sit in a shared cache
        if is_https():
            h.setdefault("Strict-Transport-Security", HSTS)
        return response
