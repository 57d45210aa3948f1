"""Socket.IO handlers: authorise, join the room, send the snapshot. They never write."""

from __future__ import annotations

from flask_socketio import ConnectionRefusedError, emit, join_room

from .broadcaster import SNAPSHOT, seller_room, shipment_room
from .extensions import socketio
from .services import services


@socketio.on("connect")
def on_connect(auth=None):
    """Join a customer to one shipment's room, or a seller to the fleet room."""
    auth = auth if isinstance(auth, dict) else {}
    token, key = auth.get("token"), auth.get("seller_key")
    svc = services()
    if isinstance(token, str):
        shipment = svc.reads.shipment_for_token(token)
        view = svc.reads.customer_view(shipment) if shipment else None
        if view is None:
            raise ConnectionRefusedError("unknown or expired tracking link")
        join_room(shipment_room(shipment.tracking_id))
        emit(SNAPSHOT, view)
        return
    seller = svc.sellers.for_key(key) if isinstance(key, str) else None
    if seller is None:
        raise ConnectionRefusedError("a tracking token or seller key is required")
    join_room(seller_room(seller))
    emit(SNAPSHOT, svc.reads.fleet(seller))
