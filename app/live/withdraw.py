"""Withdrawing a registered route: the seller takes it back (planned again, cancelled, a
mistake). Everything stored under it goes as retention would forget it (app/ops/retention.py):
the route, its shipments' live state, their link tokens, the driver token and driver link, the
phone's device id, queued texts and webhooks. What stays is one mark per customer link (the
hash of its token, the tracking id, when: no name, address or phone), so a customer who opens
the link reads that the delivery was withdrawn instead of "link not found" (for RETENTION, then
the sweep deletes the mark), and open pages are told at once (app/realtime/broadcaster.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.live import devices
from app.live.reads import WITHDRAWN as KIND
from app.ops import retention as forgetting

if TYPE_CHECKING:
    from app.wiring import Services


def withdraw(svc: Services, route_id: str, now: float | None = None) -> int:
    """Remove the route and all of its live state; answer how many shipments it held."""
    routes = svc.ingest.routes  # the writer's cache and live progress: this module is live/
    route = routes.get(route_id)
    if route is None:
        return 0
    shipments = routes.shipments(route)
    keeper = svc.retention
    now = keeper.clock() if now is None else now
    for s in shipments:
        svc.store.put_doc(KIND, s.token_hash, {"tracking_id": s.tracking_id, "at": now})
        # The mark goes with the retention sweep, RETENTION after the withdrawal.
        svc.store.schedule(KIND, s.token_hash, now + keeper.seconds)
    devices.unlink(svc.store, route_id)
    index = svc.store.get_doc(forgetting.KIND, route_id) or {
        "route_id": route_id, "seller_id": route.seller_id,
        "tracking_ids": [s.tracking_id for s in shipments],
        "token_hashes": [s.token_hash for s in shipments],
        "driver_hash": route.driver_token_hash}
    keeper.forget(index)
    keeper.forget_messages({route_id})
    svc.store.unschedule(forgetting.KIND, route_id)
    svc.broadcaster.withdrawn(route.seller_id, route_id, [s.tracking_id for s in shipments])
    return len(shipments)
