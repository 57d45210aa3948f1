"""The one door: every route, position and stop event, whatever its source, enters here.

Ingest validates ownership, runs the tracking engine and hands the result to the live progress
(written behind to the store, with the position history), then tells the broadcaster which routes
changed. It never emits to sockets itself.

A change that owes notifications (a status change) or is rare and read by others (a stop event)
is written through instead: its progress and its notification jobs go to the store in one
commit, before the live progress takes it. A store that refuses the commit leaves nothing
changed, so the caller's 503 is true and its retry does the whole change again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Protocol

from app.access.links import customer_token
from app.access.tokens import (
    hash_token,
    new_customer_token,
    new_driver_token,
    new_route_id,
    new_tracking_id,
)
from app.domain.model import DriverProfile, Fix, Point, Route, Shipment, Stop, StopEvent
from app.domain.route_request import RouteRequest
from app.domain.tracking import (
    EventError,
    Progress,
    Settings,
    StatusChange,
    apply_event,
    apply_fix,
    start_progress,
)
from app.domain.tracking.events import is_replay, replayed
from app.domain.tracking.statuses import heard_at
from app.domain.tracking.street_speeds import StreetSpeeds
from app.live import devices, phone_fixes
from app.live.fleet_speeds import FleetSpeeds
from app.live.route_cache import RouteCache
from app.live.write_behind import LiveProgress, record
from app.ops import metrics
from app.store import Store

_LOCK_STRIPES = 64

OnChange = Callable[[str], None]
# After a status change is stored with its jobs: what need not be in the same write (retention).
OnStatus = Callable[[Route, list[StatusChange]], None]


class Outbox(Protocol):
    """Where status changes become notification jobs (app/notify/dispatch.py)."""

    kind: str

    def jobs(self, route: Route, changes: list[StatusChange]) -> dict[str, dict]: ...

    def unclaimed(self, changes: list[StatusChange]) -> list[StatusChange]: ...


OnRegister = Callable[[Route, list[Shipment]], None]


class Ingest:
    def __init__(self, store: Store, routes: RouteCache, settings: Settings,
                 on_change: OnChange, outbox: Outbox | None = None, *,
                 live: LiveProgress, on_status: OnStatus | None = None,
                 on_register: OnRegister | None = None, link_secret: str = "",
                 on_forget: Callable[[str], None] | None = None,
                 speeds: FleetSpeeds | None = None,
                 clock: Callable[[], float]) -> None:
        self.store = store
        self.clock = clock  # the registry's (app/wiring.py)
        self.live = live
        self.routes = routes
        self.settings = settings
        self._on_change = on_change
        self._outbox = outbox
        self._on_status = on_status
        self._on_register = on_register  # retention: when to look at the route again
        self.link_secret = link_secret  # SECRET_KEY: customer tokens derive from it
        self.speeds = speeds  # the fleet's learned street speeds (LEARN_STREET_SPEEDS), or None
        self._on_forget = on_forget  # the reader's cached driver tokens for the route
        # Two requests for one route must not interleave between reading and writing progress.
        self._locks = [threading.Lock() for _ in range(_LOCK_STRIPES)]

    def link_device(self, device_id: str, route_id: str, seller_id: str) -> None:
        """Point a phone's device id at a route (app/live/devices.py); raises DeviceTaken."""
        devices.assign(self.store, device_id, route_id, seller_id)

    def unlink_device(self, route_id: str) -> bool:
        """Cut the route's phone off; answer whether it had one."""
        return devices.unlink(self.store, route_id)

    def register_route(self, seller_id: str, req: RouteRequest,
                       now: float | None = None) -> tuple[Route, list[Shipment], str]:
        """Store a new route; answer it, its shipments and the driver's token (shown once)."""
        now = self.clock() if now is None else now
        route_id, driver_token = new_route_id(), new_driver_token()
        shipments: list[Shipment] = []
        stops: list[Stop] = []
        for i, s in enumerate(req.stops):
            ids = []
            for x in s["shipments"]:
                tracking_id = new_tracking_id()
                # Derived, so the seller can be shown the link again; random without a secret.
                token = (customer_token(self.link_secret, tracking_id) if self.link_secret
                         else new_customer_token())
                sh = Shipment(tracking_id=tracking_id, token=token, token_hash=hash_token(token),
                              route_id=route_id, seller_id=seller_id, stop=i, **x)
                shipments.append(sh)
                ids.append(sh.tracking_id)
            stops.append(Stop(index=i, lat=s["lat"], lon=s["lon"], address=s["address"],
                              shipments=ids, dwell_s=s["dwell_s"], notes=s.get("notes", ""),
                              window=list(s["window"]) if s["window"] else None,
                              kind=s.get("kind", "delivery"), pickup=s.get("pickup"),
                              planned_at=s.get("planned_at")))
        route = Route(
            id=route_id, seller_id=seller_id, driver=DriverProfile(req.driver_name, req.vehicle),
            station=Point(*req.station), station_name=req.station_name, stops=stops,
            legs=req.legs, program=req.program, timezone=req.timezone,
            driver_token_hash=hash_token(driver_token), created_at=now, date=req.date,
        )
        progress = start_progress(route, now)
        records = [{k: v for k, v in vars(s).items() if k != "token"} for s in shipments]
        self.store.add_route(route.to_dict(), records, progress.to_dict(), route.driver_token_hash)
        self.routes.put(route)
        if self._on_register is not None:
            self._on_register(route, shipments)
        self._on_change(route_id)
        return route, shipments, driver_token

    def positions(self, route_id: str, fixes: Iterable[Fix], now: float | None = None,
                  phone: dict | None = None) -> tuple[int, dict[str, int]]:
        """Apply one route's fixes in time order; answer (accepted, dropped by reason).

        A phone (the OsmAnd door) gives the server's clock `now`, so that a fix on time
        replaces one from a clock set ahead, and what it said of itself (`phone`: battery,
        charging, heard at), recorded even with no fix at all (a heartbeat).
        """
        dropped: dict[str, int] = {}
        kept: list[dict] = []
        accepted = [0]  # fixes of this request now in the history
        fixes = list(fixes)
        taught = StreetSpeeds()
        speeds = self.speeds.current() if self.speeds is not None else None

        def apply(route: Route, progress: Progress) -> list[StatusChange]:
            changes: list[StatusChange] = []
            if phone is not None:  # what it did not say this time, it said before
                said = {k: v for k, v in phone.items() if v is not None}
                last = progress.last_fix
                if fixes and last and max(f.timestamp for f in fixes) < last["timestamp"]:
                    # A backlog from an hour ago says how the battery was then, not now.
                    said = {k: v for k, v in said.items() if k == "heard_at"}
                progress.phone = {**(progress.phone or {}), **said}
            # A phone is told its fixes are taken, so every fix it sends goes into the history
            # once, even one too late to move the driver; the API's callers are programs that
            # send in order and hear what was dropped.
            history = phone_fixes.History(self.live, route_id) if now is not None else None
            def keep(fix: Fix) -> None:
                kept.append(phone_fixes.entry(fix))
                if history is not None:
                    history.add(fix)

            for fix in sorted(fixes, key=lambda f: f.timestamp):
                last = progress.last_fix
                if now is not None:
                    progress.phone = progress.phone or {}
                    fix = phone_fixes.on_time(fix, now, progress.phone)
                if history is not None and last is not None \
                        and (fix.timestamp <= last["timestamp"] or fix.stamped is not None):
                    if history.has(fix):
                        dropped["duplicate"] = dropped.get("duplicate", 0) + 1  # sent again
                        continue
                    if history.before_all(fix):
                        # Older than all a full history keeps: it would be trimmed at once,
                        # and a resend of it could not be told from a new fix.
                        dropped["beyond_history"] = dropped.get("beyond_history", 0) + 1
                        continue
                result = apply_fix(route, progress, fix, self.settings, now, speeds)
                taught.add(result.travelled)
                for late in result.replayed:  # held as stale, taken after all
                    if history is None:
                        keep(late)
                        accepted[0] += 1
                        if dropped.get("stale"):
                            dropped["stale"] -= 1
                    elif not history.has(late):  # a phone's: in the history already
                        keep(late)
                if result.accepted:
                    keep(fix)
                    accepted[0] += 1
                elif history is not None and phone_fixes.late(result.reason, fix, progress):
                    if not history.has(fix):
                        keep(fix)
                    accepted[0] += 1
                else:
                    dropped[result.reason] = dropped.get(result.reason, 0) + 1
                if history is not None and fix.timestamp < now - phone_fixes.STALE_NEWS_S:
                    # A backlog flushed long after: "2 stops away" is no longer true, and
                    # texting it would reach a customer whose door the driver has left.
                    changes.extend(c for c in result.changes if c.status not in phone_fixes.NEWS)
                else:
                    changes.extend(result.changes)
            return changes

        try:
            self._update(route_id, apply, kept)
        except KeyError:  # deleted by retention (long finished) while a token still pointed at it
            self.forget(route_id)
            return 0, {"finished": len(fixes)}
        metrics.fixes_counted(len(kept), dropped)
        if self.speeds is not None:
            self.speeds.learn(taught.sums)
        return len(kept), dropped

    def event(self, route_id: str, event: StopEvent) -> list[StatusChange]:
        """Apply one stop event; raises the engine's EventError when it does not fit the route.

        The same outcome sent again (a retry whose answer was lost) is taken as done: its
        changes and their jobs were committed together the first time. Changes no job has
        claimed yet (progress stored before jobs were committed with it) get their job again;
        the worker's once-guards keep a second job for the same change from sending twice.
        """
        try:
            return self._update(route_id, lambda r, p: apply_event(r, p, event, self.settings),
                                copy=True)
        except KeyError:  # deleted by retention, as above
            self.forget(route_id)
            raise EventError("route", "the route is finished and its data deleted") from None
        except EventError:
            route, progress = self.routes.get(route_id), self.live.get(route_id)
            if progress is None or not is_replay(route, progress, event):
                raise
        # A replayed return owes nothing: its changes were committed with their jobs.
        owed = (self._outbox.unclaimed(replayed(route, progress, event))
                if self._outbox and event.stop is not None else [])
        if owed:
            with self._locks[hash(route_id) % _LOCK_STRIPES]:
                progress = self.live.checkout(route_id)
                self.store.commit(route_id, record(progress), self._outbox.kind,
                                  self._outbox.jobs(route, owed))
        return []

    def forget(self, route_id: str) -> None:
        """Drop what this process keeps of a route deleted from the store (retention)."""
        if self._on_forget is not None:
            self._on_forget(route_id)
        self.live.forget(route_id)
        self.routes.forget(route_id)

    def save(self) -> int:
        """Write changed progress and new history to the store now (the write-behind tick)."""
        return self.live.save()

    def _update(self, route_id: str, apply: Callable[[Route, Progress], list[StatusChange]],
                history: list[dict] = (), copy: bool = False):
        route = self.routes.get(route_id)
        if route is None:
            raise KeyError(route_id)
        if not copy and self.live.failing:
            # The store refuses the writes behind: more fixes would be "accepted" only in memory.
            raise type(self.live.failing)("live progress is not being saved")
        with self._locks[hash(route_id) % _LOCK_STRIPES]:
            progress = self.live.checkout(route_id)
            if progress is None:
                raise KeyError(route_id)
            if copy:  # an event the engine refuses must leave the live progress untouched
                progress = Progress.from_dict(record(progress))
            told = heard_at.set(self.clock())  # nothing is shown as after the server heard it
            try:
                changes = apply(route, progress)
            finally:
                heard_at.reset(told)
            jobs = self._outbox.jobs(route, changes) if changes and self._outbox else {}
            # Events are rare and others read them from the store; status changes owe jobs.
            if copy or jobs:
                try:
                    self.store.commit(route_id, record(progress),
                                      self._outbox.kind if self._outbox else "", jobs)
                except Exception:
                    if not copy:  # fixes changed the live progress in place: read it again
                        self.live.reload(route_id)
                    raise
            self.live.changed(route_id, progress, history)
        if changes and self._on_status is not None:
            self._on_status(route, changes)
        self._on_change(route_id)
        return changes
