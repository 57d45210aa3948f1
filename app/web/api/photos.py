"""Proof photos: uploaded by the driver app before the delivered event that names them, and
shown to the shipment's customer link (its seller sees them on the dashboard)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, current_app, request

from app.access import limits
from app.extensions import services
from app.proof.images import PhotoRefused, PhotoTooLarge
from app.proof.photos import KEY, PhotoConflict, most_per_route
from app.store import StoreUnavailable
from app.web.api import bp
from app.web.api.driver import driver_route
from app.web.api.errors import ApiError
from app.web.api.validation import InvalidField

HEADER = "Idempotency-Key"


def _stop(route_id: str) -> int:
    raw = request.args.get("stop", "")
    route = services().reads.route(route_id)
    if not raw.isascii() or not raw.isdigit() or len(raw) > 4 or route is None \
            or int(raw) >= len(route.stops):
        n = len(route.stops) if route else 0
        raise ApiError(400, f"stop must be a stop's index, 0 to {n - 1}", "stop")
    return int(raw)


@bp.post("/photos")
def post_photo():
    """Keep a proof photo (or drawn signature) of one stop; the same key again changes nothing."""
    route_id = driver_route()
    limits.take_one("EVENTS_PER_DRIVER", "events for this driver", "Authorization", route_id)
    key = request.headers.get(HEADER, "")
    if not KEY.fullmatch(key):
        raise ApiError(400, "must be ph_ and 32 hexadecimal digits, made by the app", HEADER)
    stop = _stop(route_id)
    progress = services().reads.progress(route_id)
    if progress is not None and progress.finished:
        raise ApiError(409, "the route is finished: no more photos", "route")
    limit = current_app.config["PHOTO_MAX_BYTES"]
    if request.content_length is None or request.content_length > limit:
        raise ApiError(413, f"a photo may be at most {limit} bytes", "photo")
    data = request.get_data(cache=False)
    if len(data) > limit:  # Content-Length said less (a chunked or lying client)
        raise ApiError(413, f"a photo may be at most {limit} bytes", "photo")
    n_stops = len(services().reads.route(route_id).stops)
    try:
        doc, new = services().photos.add(route_id, stop, key, data, most_per_route(n_stops))
    except PhotoTooLarge as exc:
        raise ApiError(413, f"photo {exc}", "photo") from None
    except PhotoRefused as exc:
        raise ApiError(415, f"photo {exc}", "photo") from None
    except OSError as exc:  # the photo directory is full or not writable: nothing was kept
        raise StoreUnavailable(f"photo storage: {exc.strerror or exc}") from None
    except PhotoConflict as exc:
        if exc.what == "key":
            raise ApiError(409, f"{HEADER} {exc.message}", HEADER) from None
        raise ApiError(409, exc.message, "photo") from None
    body = {"photo": key, "stop": stop, "width": doc["width"], "height": doc["height"],
            "bytes": doc["bytes"]}
    return body, 201 if new else 200


def _own_url(value: str) -> bool:
    """An http(s) address of the API client's own storage, shown to the customer as a link."""
    if any(c.isspace() or not c.isprintable() for c in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:  # an unclosed [ in the host
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def check_proof(route_id: str, event, prefix: str) -> None:
    """A delivered event's photo is the key of a photo uploaded for this route's stop, or an
    http(s) URL of the client's own; its signature such a key (another route's photo, one
    never uploaded, or any other text is refused: nothing is stored)."""
    proof = event.proof or {}
    photos = services().photos
    for name in ("photo", "signature"):
        value = proof.get(name)
        if not value:
            continue
        if name == "photo" and not value.startswith("ph_"):
            if not _own_url(value):
                raise InvalidField(f"{prefix}proof.photo", "must be the key of a photo "
                                   "uploaded for this stop (ph_ and 32 hexadecimal digits, "
                                   "POST /api/v1/photos) or an http(s) URL")
            continue
        if photos.of_stop(value, route_id, event.stop) is None:
            raise InvalidField(f"{prefix}proof.{name}", "names no photo uploaded for this stop "
                               "(POST /api/v1/photos first)")


def release_refused(route_id: str, raw) -> None:
    """A refused delivery's photo and signature are not kept (nor counted in the route's
    cap), unless a delivery already taken names them. Only this route's photos of the stop
    the event names: another stop's photo may still be waiting for its own event."""
    if not isinstance(raw, dict) or not isinstance(raw.get("proof"), dict):
        return
    stop = raw.get("stop")
    if not isinstance(stop, int) or isinstance(stop, bool):
        return
    keys = {raw["proof"].get(name) for name in ("photo", "signature")}
    keys = {k for k in keys if isinstance(k, str) and KEY.fullmatch(k)}
    if not keys:
        return
    loaded = services().reads.route_state(route_id)
    if loaded is not None:
        for ship in loaded[1].shipments.values():
            proof = ship.proof or {}
            keys -= {proof.get("photo"), proof.get("signature")}
    for key in keys:
        services().photos.release(key, route_id, stop)


def photo_response(key: str) -> Response:
    svc = services()
    doc = svc.photos.get(key)
    data = svc.photos.read(doc) if doc else None
    if data is None:
        raise ApiError(404, "no such photo", "photo")
    resp = Response(data, mimetype="image/jpeg")
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


@bp.get("/track/<token>/photos/<key>")
def track_photo(token: str, key: str):
    """Answer a proof photo of the shipment behind a tracking link (its own, no other)."""
    shipment = services().reads.shipment_for_token(token)
    loaded = services().reads.route_state(shipment.route_id) if shipment else None
    if loaded is None:
        raise ApiError(404, "unknown or expired tracking link", "token")
    proof = loaded[1].shipments[shipment.tracking_id].proof or {}
    if key not in (proof.get("photo"), proof.get("signature")) or not KEY.fullmatch(key):
        raise ApiError(404, "no such photo", "photo")
    return photo_response(key)
