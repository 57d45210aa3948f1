"""From status changes to messages: texts, webhook deliveries and the feedback request.

`jobs` is ingest's outbox: it only writes the changes down as jobs, which ingest commits to the
store together with the progress that made them (app/live/ingest.py). The worker runs
`run_due`, which turns each change, once, into messages.
"""

from __future__ import annotations

import dataclasses
import secrets
import time
from collections.abc import Callable

from app.access.links import token_of
from app.domain.hours import iso_utc
from app.domain.model import Route
from app.domain.tracking import StatusChange
from app.i18n.catalogs import DEFAULT, N_, translations
from app.i18n.wording import change_text, text_body
from app.live.reads import Reads
from app.notify.messages import MessageIds, Messages
from app.notify.once import KIND as ONCE_KIND
from app.notify.once import first_claim
from app.notify.schedule import feedback_due, text_due
from app.notify.subscriptions import Subscriptions
from app.notify.webhooks import Endpoints, build_event
from app.store import Store

JOB_KIND = "notify_job"
JOB_LEASE_S = 60.0
# Changes per job: a route starting with hundreds of shipments becomes several jobs, and the
# worker yields between them instead of holding its process for one long job.
JOB_CHANGES = 50
FEEDBACK_REQUEST = N_("How did delivery %(label)s go? Tell us, it takes a minute.")
TEXT_STATUSES = ("out_for_delivery", "approaching", "delivered", "attempted")


class Dispatch:
    kind = JOB_KIND

    def __init__(self, store: Store, reads: Reads, messages: Messages,  # nosec B107 # no key: no link
                 subscriptions: Subscriptions, endpoints: Endpoints,
                 clock: Callable[[], float], public_url: str, secret_key: str = "") -> None:
        # Routes and shipments are read where everything else reads them (app/live/reads.py).
        self.store, self.reads, self.messages = store, reads, messages
        self.subscriptions, self.endpoints, self.clock = subscriptions, endpoints, clock
        self.public_url = public_url.rstrip("/")
        self.secret_key = secret_key  # SECRET_KEY: derives customer links (app/access/links.py)

    def jobs(self, route: Route, changes: list[StatusChange]) -> dict[str, dict]:
        """Ingest's outbox: the jobs these changes owe, by id, for ingest to commit."""
        # The timetable hands out equal due times in id order: time-ordered ids keep one
        # route's changes in the order they happened.
        base, nonce = time.time_ns(), secrets.token_hex(4)
        return {f"job_{base + n:016x}_{nonce}": {
                    "route_id": route.id,
                    "changes": [dataclasses.asdict(c) for c in changes[i:i + JOB_CHANGES]]}
                for n, i in enumerate(range(0, len(changes), JOB_CHANGES))}

    def unclaimed(self, changes: list[StatusChange]) -> list[StatusChange]:
        """The changes no job has claimed yet: their messages may never have been made."""
        return [c for c in changes
                if not self.store.read_log(ONCE_KIND, f"{c.tracking_id}:{c.status}")]

    def run_due(self, limit: int = 4) -> int:
        """Turn up to `limit` due jobs into messages (the worker yields between calls)."""
        job_ids = self.store.claim_due(JOB_KIND, self.clock(), limit)
        for job_id in job_ids:
            # Leased, not dropped: a process dying half-way leaves the job for another one,
            # and the once-guards stop the changes it already handled from going out twice.
            self.store.schedule(JOB_KIND, job_id, self.clock() + JOB_LEASE_S)
            job = self.store.get_doc(JOB_KIND, job_id)
            if job is not None:
                self.process(job["route_id"], [StatusChange(**c) for c in job["changes"]],
                             job_id)
            self.store.unschedule(JOB_KIND, job_id)
            self.store.delete_doc(JOB_KIND, job_id)
        return len(job_ids)

    def process(self, route_id: str, changes: list[StatusChange], job_id: str) -> None:
        """Make each change's messages, once, even when a store failure half-way through
        makes the worker try the job again: its claims and message ids are the job's own."""
        route = self.reads.route(route_id)
        if route is None:
            return
        ids = list({c.tracking_id for c in changes})
        ships = {s["tracking_id"]: s for s in self.reads.shipment_records(ids)}
        made = MessageIds(job_id)
        for i, c in enumerate(changes):
            ship = ships.get(c.tracking_id)
            claim = f"{c.tracking_id}:{c.status}"
            if ship is None or not first_claim(self.store, claim, job_id):
                continue
            # Each change's messages in the order they should go: 8 slots per change.
            def slot(n: int, i: int = i) -> Callable[[str], str]:
                return lambda destination: made.id(i * 8 + n, destination)
            if c.status == "out_for_delivery" and first_claim(self.store, f"{route.id}:started",
                                                              job_id):
                self.hooks(route.seller_id, "route_started", self.route_data(route, c), slot(0))
            if c.status in TEXT_STATUSES:
                self.status_text(route, ship, c, slot(1))
            self.hooks(route.seller_id, c.status, self.shipment_data(ship, c), slot(2))
            if c.status == "delivered":
                self.messages.create("feedback", route.seller_id,
                                     feedback_due(c.at, route.timezone), slot(3)("feedback"),
                                     event="feedback_request", to=None,
                                     tracking_id=c.tracking_id, route_id=route.id,
                                     body=self.feedback_body(ship))

    def status_text(self, route: Route, ship: dict, c: StatusChange,
                    named: Callable[[str], str]) -> None:
        phone = self.subscriptions.phone_for(ship)
        if phone is None:
            return
        due = text_due(c.status, self.clock(), route.timezone)
        note = None if due is not None else "dropped: quiet hours, stale by the morning"
        lang = self.subscriptions.language_for(ship)
        self.text(route.seller_id, ship, phone, c.status, self.status_body(route, ship, c, lang),
                  due, note, named(phone))

    def text(self, seller_id: str, ship: dict, phone: str, event: str, body: str,
             due: float | None, note: str | None = None, message_id: str | None = None) -> dict:
        return self.messages.create("text", seller_id, due, message_id, event=event, to=phone,
                                    body=body, tracking_id=ship["tracking_id"],
                                    route_id=ship["route_id"], note=note)

    def hooks(self, seller_id: str, event_type: str, data: dict,
              named: Callable[[str], str] | None = None) -> int:
        """One delivery per endpoint that chose this event type; one event id shared by all.
        `named` gives each delivery its id by endpoint (found, not made again, on a retry)."""
        endpoints = self.endpoints.for_event(seller_id, event_type)
        if endpoints:
            event = build_event(event_type, data, self.clock())
            for ep in endpoints:
                self.messages.create("webhook", seller_id, self.clock(),
                                     named(ep["id"]) if named else None, event=event_type,
                                     to=ep["url"], webhook_id=ep["id"], payload=event,
                                     tracking_id=data.get("tracking_id"),
                                     route_id=data.get("route_id"))
        return len(endpoints)

    def link(self, ship: dict) -> str:
        # Only with PUBLIC_URL: the worker has no request to learn the host from.
        token = token_of(self.secret_key, ship) if self.public_url else None
        return f" {self.public_url}/track/{token}" if token else ""

    def status_body(self, route: Route, ship: dict, c: StatusChange, lang: str = DEFAULT) -> str:
        label = ship.get("reference") or ship["tracking_id"]
        driver = (route.driver.name.split() or [""])[0]
        words = change_text(c.status, c.detail, driver, route.timezone, lang, c.text)
        return text_body(label, words, self.link(ship), lang)

    def feedback_body(self, ship: dict, lang: str = DEFAULT) -> str:
        """The 8 pm feedback request; in English for the seller's log and webhooks, in the
        customer's language for their text."""
        label = ship.get("reference") or ship["tracking_id"]
        # The feedback page on the same link (app/web/pages/customer.py).
        link = self.link(ship)
        link = link and link + "/feedback"
        return translations(lang).gettext(FEEDBACK_REQUEST) % {"label": label} + link

    @staticmethod
    def shipment_data(ship: dict, c: StatusChange) -> dict:
        return {"tracking_id": c.tracking_id, "route_id": ship["route_id"],
                "reference": ship.get("reference"), "status": c.status, "text": c.text,
                "at": iso_utc(c.at), "detail": c.detail}

    @staticmethod
    def route_data(route: Route, c: StatusChange) -> dict:
        ids = [t for stop in route.stops for t in stop.shipments]
        return {"tracking_id": None, "route_id": route.id, "status": "route_started",
                "text": c.text, "at": iso_utc(c.at), "driver": route.driver.name,
                "tracking_ids": ids}
