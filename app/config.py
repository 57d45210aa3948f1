"""Settings, each one environment variable with a default that works on a laptop."""

from __future__ import annotations

import os


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _seller_keys(raw: str) -> dict[str, str]:
    """Parse `SELLER_KEYS="acme:secret1,shop2:secret2"` into {seller id: key}."""
    keys = {}
    for pair in filter(None, (p.strip() for p in raw.split(","))):
        seller, _, key = pair.partition(":")
        if not seller or not key:
            raise ValueError(f"SELLER_KEYS: expected seller:key, got {pair!r}")
        keys[seller] = key
    return keys


def _flag(raw: str) -> bool:
    return raw.lower() not in ("0", "", "false", "no")


def _zone(raw: str) -> str:
    """A time zone name the server knows, checked at start rather than on a phone's request."""
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(raw)
    except (ValueError, KeyError, OSError):
        raise ValueError(f"expected a time zone name like UTC or Europe/Helsinki, got {raw!r}") \
            from None
    return raw


def _duration(raw: str) -> float:
    """Seconds from `900`, `900s`, `36h`, `14d` (a TTL is easier to read in days)."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    raw = raw.strip().lower()
    scale = units.get(raw[-1:], None)
    try:
        return float(raw[:-1] if scale else raw) * (scale or 1)
    except ValueError:
        raise ValueError(f"expected a duration like 900, 36h or 14d, got {raw!r}") from None


def internal_url(host: str | None = None, port: int | None = None) -> str:
    """How this server's own demo simulator reaches it: INTERNAL_URL, else the address it
    listens on (BIND, or HOST and PORT, or the ones given: `python -m app --host --port`), never
    a request's Host header. Empty for a unix socket."""
    if os.environ.get("INTERNAL_URL"):
        return os.environ["INTERNAL_URL"].rstrip("/")
    if host and port:
        bind = f"{host}:{port}"
    else:
        bind = f"{_env('HOST', '127.0.0.1')}:{_env('PORT', '5000')}"
        bind = os.environ.get("BIND", bind).split(",")[0].strip()
    if bind.startswith(("unix:", "fd://")) or ":" not in bind:
        return ""
    host, _, port = bind.rpartition(":")
    if host in ("", "0.0.0.0", "::", "[::]"):  # nosec B104 # compares, binds nothing
        host = "127.0.0.1"  # listening everywhere: loopback is one of them
    return f"http://{host}:{port}"


def from_env() -> dict:
    """Read every setting now (not at import), so each app sees the current environment."""
    return {
        # Where to listen, for `python -m app` and gunicorn.conf.py alike (gunicorn's BIND
        # overrides both); a container sets HOST=0.0.0.0 (Dockerfile).
        "HOST": _env("HOST", "127.0.0.1"),
        "PORT": int(_env("PORT", "5000")),
        "BIND": _env("BIND", ""),
        # gunicorn only (gunicorn.conf.py): the worker class, its connections, an access log.
        "WORKER_CLASS": _env("WORKER_CLASS", "gevent"),
        "WORKER_CONNECTIONS": int(_env("WORKER_CONNECTIONS", "10000")),
        "ACCESS_LOG": _env("ACCESS_LOG", ""),
        # Empty: a random secret per start (create_app), fine for one process.
        "SECRET_KEY": _env("SECRET_KEY", ""),
        "STORE_URL": _env("REDIS_URL", _env("STORE_URL", "memory://")),
        # The Socket.IO message queue is only worth its cost with several processes
        # (../shared/design.md).
        "MESSAGE_QUEUE": _env("MESSAGE_QUEUE", ""),
        # auto: gevent when the process is monkey-patched (python -m app, gunicorn -k gevent),
        # threading otherwise (tests with Flask's test client).
        "ASYNC_MODE": _env("ASYNC_MODE", "auto"),
        # Base of tracking links; empty: the host the request came to.
        "PUBLIC_URL": _env("PUBLIC_URL", ""),
        "INTERNAL_URL": internal_url(),
        "SELLER_KEYS": _seller_keys(_env("SELLER_KEYS", "demo:demo")),
        "DEFAULT_TIMEZONE": _env("DEFAULT_TIMEZONE", "Europe/Helsinki"),
        "BROADCAST_INTERVAL": float(_env("BROADCAST_INTERVAL", "1.0")),
        # How often the broadcaster looks for due routes: the wait a fresh fix may add.
        "BROADCAST_TICK": float(_env("BROADCAST_TICK", "0.05")),
        # Live progress is written to the store at most this often (app/live/write_behind.py).
        "WRITE_BEHIND": float(_env("WRITE_BEHIND", "1.0")),
        # Accepted fixes kept per route for reports and replay.
        "POSITION_HISTORY": int(_env("POSITION_HISTORY", "20000")),
        # text, or json: one JSON object per log line.
        "LOG_FORMAT": _env("LOG_FORMAT", "text"),
        "LOG_LEVEL": _env("LOG_LEVEL", "INFO"),
        "VISIBLE_STOPS": int(_env("VISIBLE_STOPS", "10")),
        # Learn street speeds per segment, vehicle and hour from the fleet's moving fixes and time
        # ETAs by them (app/live/fleet_speeds.py). Off by default: measured, they help on a small
        # town's extract and not on the bundled map (docs/performance.md#eta-accuracy), they cost
        # a store call per route and batch, and the totals are kept without expiry.
        "LEARN_STREET_SPEEDS": _flag(_env("LEARN_STREET_SPEEDS", "0")),
        "MAX_BATCH": int(_env("MAX_BATCH", "5000")),
        # Fix and event times are accepted from this far back to this far ahead of the server's
        # clock (app/web/times.py); a phone's fix outside is dropped, an API's refused (400).
        "FIX_MAX_AGE": _duration(_env("FIX_MAX_AGE", "7d")),
        "FIX_MAX_AHEAD": _duration(_env("FIX_MAX_AHEAD", "1d")),
        # A phone's time without a zone (`2026-11-26 09:00:30`) is read in this zone. Traccar
        # reads it in its server's zone: UTC in its Docker image, hence the default.
        "PHONE_TIMEZONE": _zone(_env("PHONE_TIMEZONE", "UTC")),
        "MAX_CONTENT_LENGTH": int(_env("MAX_BODY_BYTES", str(2 * 1024 * 1024))),
        # Text updates: empty SMS_GATEWAY_URL keeps every text in the outbox (GET /api/v1/messages).
        "SMS_GATEWAY_URL": _env("SMS_GATEWAY_URL", ""),
        "SMS_GATEWAY_TOKEN": _env("SMS_GATEWAY_TOKEN", ""),
        # Empty is the default too: JSON with the number and the text (docs/notifications.md).
        "SMS_BODY_TEMPLATE": _env("SMS_BODY_TEMPLATE", "") or '{"to": $to, "text": $body}',
        # Webhooks and texts to a gateway: per-attempt timeout, then retries base*2^n up to cap.
        "WEBHOOK_TIMEOUT": float(_env("WEBHOOK_TIMEOUT", "5")),
        "WEBHOOK_RETRY_BASE": float(_env("WEBHOOK_RETRY_BASE", "30")),
        "WEBHOOK_RETRY_CAP": float(_env("WEBHOOK_RETRY_CAP", "3600")),
        "WEBHOOK_MAX_ATTEMPTS": int(_env("WEBHOOK_MAX_ATTEMPTS", "10")),
        # 1: webhooks may go to private, loopback and CGNAT addresses (receivers on premises).
        # Certificates webhook receivers may present beyond the system's: a CA bundle file
        # (requests' own REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE are read here, the one place).
        "WEBHOOK_CA_BUNDLE": _env("WEBHOOK_CA_BUNDLE", "") or _env("REQUESTS_CA_BUNDLE", "")
        or _env("CURL_CA_BUNDLE", ""),
        "WEBHOOK_ALLOW_PRIVATE": _env("WEBHOOK_ALLOW_PRIVATE", "0").lower()
        not in ("0", "", "false", "no"),
        # The background sender: how often it looks for due messages; 0 turns it off here.
        "NOTIFY_INTERVAL": float(_env("NOTIFY_INTERVAL", "0.5")),
        # How many destinations (webhook endpoints, phones) it sends to at once, per process.
        "NOTIFY_CONCURRENCY": int(_env("NOTIFY_CONCURRENCY", "10")),
        # embedded (this server's own street map), a .pmtiles path or URL, or a raster tile URL
        # (app/basemap/choice.py). TILE_URL is the older name for a raster URL.
        "BASEMAP": _env("BASEMAP", _env("TILE_URL", "") or "embedded"),
        # Credit shown for a raster or remote basemap; the embedded map always credits OSM.
        "TILE_ATTRIBUTION": _env("TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors"),
        # The demo fleet, under `python -m app` and gunicorn alike: on unless DEMO=0.
        "DEMO": _flag(_env("DEMO", "1")),
        "DEMO_ARGS": _env("DEMO_ARGS", "--vans 1 --bikes 1 --walkers 1 --speedup 10 --repeat"),
        # Demo deliveries started from the dashboard: how many may run at once per seller, and
        # how long the POST waits for the simulator to print the tracking link.
        "DEMO_MAX_RUNS": int(_env("DEMO_MAX_RUNS", "2")),
        "DEMO_LINK_TIMEOUT": float(_env("DEMO_LINK_TIMEOUT", "60")),
        # Proof photos from the driver app (app/proof/): where they are kept (a directory or
        # file:// URL), the largest upload taken (within MAX_BODY_BYTES), the longest side kept,
        # and the most pixels decoded (a small file can decode to gigabytes).
        "PHOTO_STORE": _env("PHOTO_STORE", "var/photos"),
        # For PHOTO_STORE=s3://bucket/prefix: the S3-compatible server (empty: AWS), its region,
        # and the credentials (AWS's own variable names are read here too, the one place).
        "PHOTO_S3_ENDPOINT": _env("PHOTO_S3_ENDPOINT", ""),
        "PHOTO_S3_REGION": _env("PHOTO_S3_REGION", "") or _env("AWS_DEFAULT_REGION", ""),
        "PHOTO_S3_KEY_ID": _env("PHOTO_S3_KEY_ID", "") or _env("AWS_ACCESS_KEY_ID", ""),
        "PHOTO_S3_SECRET": _env("PHOTO_S3_SECRET", "") or _env("AWS_SECRET_ACCESS_KEY", ""),
        "PHOTO_MAX_BYTES": int(_env("PHOTO_MAX_BYTES", str(2 * 1024 * 1024))),
        "PHOTO_MAX_SIDE": int(_env("PHOTO_MAX_SIDE", "1280")),
        "PHOTO_MAX_PIXELS": int(_env("PHOTO_MAX_PIXELS", "40000000")),
        # Proof photos may go sooner than the rest of the route: this many days after upload
        # (empty: with the route, RETENTION_DAYS after its final status).
        "PHOTO_RETENTION": float(_env("PHOTO_RETENTION_DAYS", "0") or "0") * 86400,
        # The driver app sends its phone's fixes in batches, one request this often (seconds).
        "DRIVER_BATCH_SECONDS": float(_env("DRIVER_BATCH_SECONDS", "10")),
        # The largest street-map archive the driver app keeps on the phone for dead zones
        # (central Helsinki's is 0.2 MB; a whole city's, tens of MB, is drawn online only).
        "DRIVER_MAP_MAX_BYTES": int(_env("DRIVER_MAP_MAX_BYTES", "20000000")),
        # Street addresses to places (app/planning): embedded (the addresses of GEOCODER_MAP,
        # an .osm.pbf; empty: the bundled map), or a geopy provider, nominatim:<url> or
        # photon:<url>, asked at most once every GEOCODER_DELAY seconds (Nominatim's policy: 1).
        "GEOCODER": _env("GEOCODER", "embedded"),
        "GEOCODER_MAP": _env("GEOCODER_MAP", ""),
        "GEOCODER_USER_AGENT": _env("GEOCODER_USER_AGENT", "doorstep"),
        "GEOCODER_DELAY": float(_env("GEOCODER_DELAY", "1")),
        # A JSON file of service areas per program; empty: the built-in table for Helsinki.
        "SERVICE_AREAS": _env("SERVICE_AREAS", ""),
        # The dashboard's session cookie: HttpOnly and SameSite=Lax always, Secure behind HTTPS.
        "SESSION_COOKIE_SECURE": _flag(_env("SESSION_COOKIE_SECURE", "0")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Security (docs/security.md): link expiry, rate limits (limits' syntax), proxies.
        "LINK_TTL_AFTER_DELIVERY": _duration(_env("LINK_TTL_AFTER_DELIVERY", "14d")),
        # Personal data is deleted this long after a route's final status or last activity
        # (app/ops/retention.py); the sweep looks every RETENTION_SWEEP seconds.
        "RETENTION": float(_env("RETENTION_DAYS", "30")) * 86400,
        "RETENTION_SWEEP": _duration(_env("RETENTION_SWEEP", "600")),
        # With DEMO on, the demo fleet's routes go this long after their final status.
        "DEMO_RETENTION": _duration(_env("DEMO_RETENTION", "1h")),
        # Work, not requests (docs/security.md): fixes and events per driver and per seller,
        # routes and device claims per seller, shipments per route.
        "FIXES_PER_DRIVER": _env("FIXES_PER_DRIVER", "3000/minute"),
        "FIXES_PER_SELLER": _env("FIXES_PER_SELLER", "2000/second"),
        # Phones (the OsmAnd door) over an hour: a phone back in coverage flushes its buffer
        # back to back and most Traccar Clients ignore Retry-After (the oldest iOS one deletes
        # what was refused), so the window holds an hour's backlog at one fix a second plus the
        # live hour; a flood from one device id stops there.
        "PHONE_FIXES_PER_DRIVER": _env("PHONE_FIXES_PER_DRIVER", "10000/hour"),
        "PHONE_FIXES_PER_SELLER": _env("PHONE_FIXES_PER_SELLER", "2000000/hour"),
        "EVENTS_PER_DRIVER": _env("EVENTS_PER_DRIVER", "600/minute"),
        "EVENTS_PER_SELLER": _env("EVENTS_PER_SELLER", "200/second"),
        "ROUTES_PER_SELLER": _env("ROUTES_PER_SELLER", "5000/hour"),
        "DEVICES_PER_SELLER": _env("DEVICES_PER_SELLER", "500/hour"),
        "MAX_SHIPMENTS_PER_ROUTE": int(_env("MAX_SHIPMENTS_PER_ROUTE", "500")),
        "SIGNUP_RATE": _env("SIGNUP_RATE", "5/hour"),
        # Changes to one link's delivery instructions, and feedback tries on one link.
        "INSTRUCTIONS_RATE": _env("INSTRUCTIONS_RATE", "30/hour"),
        "FEEDBACK_RATE": _env("FEEDBACK_RATE", "10/hour"),
        "SIGNIN_FAILURE_RATE": _env("SIGNIN_FAILURE_RATE", "10/15 minutes"),
        "DEVICE_FAILURE_RATE": _env("DEVICE_FAILURE_RATE", "60/minute"),
        # How many reverse proxies (nginx) stand in front: their X-Forwarded-* headers are trusted.
        "PROXY_COUNT": int(_env("PROXY_COUNT", "0")),
    }
