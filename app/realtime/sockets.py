"""Socket.IO handlers: authorise, join the room, have the broadcaster send the snapshot.
They never write to a socket themselves."""

from __future__ import annotations

import logging

from flask import request
from flask_socketio import ConnectionRefusedError, SocketIO, join_room

from app.access import limits, signed_in
from app.extensions import services
from app.i18n.catalogs import DEFAULT, LANGUAGES
from app.i18n.page_view import page_view
from app.live.reads import LinkExpired, LinkWithdrawn
from app.realtime.broadcaster import seller_room, shipment_room
from app.store import StoreUnavailable

log = logging.getLogger(__name__)


def init_app(sio: SocketIO) -> None:
    # Registered on every create_app: `@socketio.on` at import time binds to the first app's
    # server only, and a second app (tests, or any multi-app process) then accepted every socket.
    sio.on_event("connect", on_connect)


def on_connect(auth=None):
    """Join a customer to one shipment's room, or a seller to the fleet room."""
    # Refused with a reason the page can show, never an unhandled error: the client retries.
    try:
        _connect(auth)
    except LinkExpired:
        raise ConnectionRefusedError("expired tracking link") from None
    except LinkWithdrawn:  # the page reloads on this word and says so
        raise ConnectionRefusedError("delivery withdrawn by the sender") from None
    except StoreUnavailable as exc:
        log.warning("viewer refused, the store did not answer: %s", exc)
        raise ConnectionRefusedError("storage is unavailable, retry shortly") from None
    except limits.Limited as exc:
        raise ConnectionRefusedError(exc.message) from None


def _connect(auth) -> None:
    auth = auth if isinstance(auth, dict) else {}
    token, key = auth.get("token"), auth.get("seller_key")
    svc = services()
    if isinstance(token, str):
        found = svc.reads.view_for_token(token)
        if found is None:
            raise ConnectionRefusedError("unknown or expired tracking link")
        shipment, view = found
        # The page's language, sent by its script; anything else reads English, as the API.
        lang = auth.get("lang")
        lang = lang if isinstance(lang, str) and lang in LANGUAGES else DEFAULT
        join_room(shipment_room(shipment.tracking_id, lang))
        # The viewer is connected to this process: no trip through the message queue.
        svc.broadcaster.snapshot(request.sid, page_view(view, lang))
        return
    # A key if one is shown (limited against guessing, as the API's); else the dashboard's
    # signed-in session cookie, which comes with the handshake (the page never embeds the key).
    found = signed_in.seller(key, cookie=True)
    if found is None:
        raise ConnectionRefusedError("a tracking token or seller key is required")
    seller = found.seller_id
    join_room(seller_room(seller))
    svc.broadcaster.snapshot(request.sid, svc.reads.fleet(seller))
