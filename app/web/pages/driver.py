"""The driver app: an installable page that works offline. Its token is in the link's fragment,
read by the page's script, so this page itself is the same for every driver."""

from __future__ import annotations

from flask import Response, current_app, render_template, url_for

from app.extensions import services
from app.web.pages import bp, page_config
from app.web.pages.driver_icon import touch_icon

# The driver app, alone of the pages, uses the phone's location and camera and keeps the
# screen on; every other page keeps all three off (app/access/security_headers.py).
DRIVER_PERMISSIONS = ("geolocation=(self), camera=(self), screen-wake-lock=(self), "
                      "microphone=(), payment=(), usb=()")


def _driver_headers(resp: Response) -> Response:
    resp.headers["Permissions-Policy"] = DRIVER_PERMISSIONS
    return resp


def _worker_url() -> str:
    """The service worker's URL, telling it which archive to keep for dead zones, and up to
    what size (drive-sw.js): this server's own archive only."""
    basemap = services().basemap
    if basemap.kind != "embedded":
        return url_for("web.drive_worker")
    return url_for("web.drive_worker", map=basemap.url,
                   max=current_app.config["DRIVER_MAP_MAX_BYTES"])


@bp.get("/drive/")
def drive():
    """Show the driver app (the block comes from the API, with the token from the fragment)."""
    page = page_config(blockUrl=url_for("api.driver_block"),
                       positionsUrl=url_for("api.post_positions"),
                       eventsUrl=url_for("api.post_events"),
                       photosUrl=url_for("api.post_photo"),
                       batchSeconds=current_app.config["DRIVER_BATCH_SECONDS"],
                       worker=_worker_url(), scope=url_for("web.drive"))
    resp = _driver_headers(Response(render_template("drive.html", page=page)))
    # The service worker keeps its own copy for offline starts; the network one is always fresh.
    resp.headers["Cache-Control"] = "no-cache"
    return resp


@bp.get("/drive/manifest.webmanifest")
def drive_manifest():
    """Answer the web app manifest: what a phone needs to install the driver app."""
    icon = url_for("static", filename="icons/driver.svg")
    manifest = {
        "name": "Doorstep Driver", "short_name": "Driver", "id": url_for("web.drive"),
        "start_url": url_for("web.drive"), "scope": url_for("web.drive"),
        "display": "standalone", "orientation": "portrait",
        "background_color": "#f4f6f8", "theme_color": "#0b6bcb",
        "icons": [{"src": icon, "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
                  {"src": url_for("static", filename="icons/driver-maskable.svg"),
                   "sizes": "any", "type": "image/svg+xml", "purpose": "maskable"}],
    }
    resp = current_app.response_class(current_app.json.dumps(manifest),
                                      mimetype="application/manifest+json")
    return resp


@bp.get("/drive/apple-touch-icon.png")
def drive_touch_icon():
    """Answer the home-screen icon as a PNG (iOS takes no SVG there)."""
    resp = Response(touch_icon(), mimetype="image/png")
    resp.headers["Cache-Control"] = "public, max-age=86400"
    return resp


@bp.get("/drive/sw.js")
def drive_worker():
    """Answer the service worker, from under /drive/ so that its scope is the driver app."""
    resp = current_app.send_static_file("js/drive-sw.js")
    resp.headers["Cache-Control"] = "no-cache"
    resp.headers["Service-Worker-Allowed"] = url_for("web.drive")
    return resp
