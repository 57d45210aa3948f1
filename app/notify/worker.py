"""The background sender: claims due jobs and messages and sends them, one process each.

`store.claim_due` hands every due item to exactly one process; a claimed message is put back on
the timetable a lease ahead, so a process killed before or during the send loses nothing (the
price: that one message may go twice, which webhook receivers can spot by its event id).
Messages go out on a pool (app/notify/sending.py): many destinations at once, one message at a
time per destination.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from app.customer.feedback import Feedback
from app.domain.hours import iso_utc
from app.live.reads import Reads
from app.notify.dispatch import Dispatch
from app.notify.messages import WAITING, MessageIds, Messages
from app.notify.once import first_claim
from app.notify.providers import HttpSmsProvider, OutboxProvider, Outcome
from app.notify.sending import Lanes, destination
from app.notify.subscriptions import Subscriptions
from app.notify.webhooks import Endpoints, backoff, post_event

log = logging.getLogger(__name__)
CLAIM = 50  # messages per claim at most


@dataclass(frozen=True)
class RetryPolicy:
    base: float = 30.0  # seconds before the 2nd attempt; doubles each time
    cap: float = 3600.0
    max_attempts: int = 10
    timeout: float = 5.0  # per HTTP attempt (read); connecting gets 3 s

    @property
    def lease(self) -> float:
        return self.timeout + 30.0

    @property
    def longest_attempt(self) -> float:
        return self.timeout + 3.0  # connecting gets 3 s (post_event, HttpSmsProvider)


class Worker:
    def __init__(self, dispatch: Dispatch, messages: Messages, endpoints: Endpoints,
                 subscriptions: Subscriptions, provider: OutboxProvider | HttpSmsProvider,
                 policy: RetryPolicy, clock: Callable[[], float], concurrency: int = 10,
                 allow_private: bool = False, verify: str | bool = True, *,
                 reads: Reads, feedback: Feedback) -> None:
        self.dispatcher, self.messages, self.endpoints = dispatch, messages, endpoints
        self.feedback = feedback  # a customer who has rated the delivery is not asked to
        self.reads = reads  # shipments are read where everything else reads them (app/live)
        self.subscriptions, self.provider = subscriptions, provider
        self.policy, self.clock = policy, clock
        self.lanes = Lanes(concurrency, self.dispatch)
        self.running = False
        self.allow_private = allow_private  # WEBHOOK_ALLOW_PRIVATE (app/notify/webhooks/targets.py)
        self.verify = verify  # WEBHOOK_CA_BUNDLE: a private CA's certificates

    def run_forever(self, interval: float, sleep: Callable[[float], None] = time.sleep) -> None:
        self.running = True
        while self.running:
            done = 0
            try:
                # No more than the pool can start: what is claimed is sending at once, or
                # waits behind its own destination, never behind other destinations' sends.
                done = self.step(min(CLAIM, self.lanes.free()))
            except Exception:  # a store hiccup must not end the loop for good
                log.exception("notification worker: tick failed")
            # A backlog (2,000 routes starting at 8 am is 6,000 changes) drains at once, not
            # one claim per interval (that took 50 s); sleep(0) still lets the sockets run.
            sleep(0 if done else interval)
        self.lanes.wait()

    def run_once(self) -> int:
        """One round, as tests drive it: claim what is due and wait until it has gone out."""
        done = self.step(CLAIM)
        self.lanes.wait()
        return done

    def step(self, limit: int) -> int:
        """Turn due jobs into messages, hand up to `limit` due messages to the pool; answer
        how many items were taken. Sending goes on after this returns."""
        done = self.dispatcher.run_due()
        for message_id in self.messages.claim(limit) if limit > 0 else ():
            done += 1
            if message_id in self.lanes:
                continue  # its lease ran out while it waited here; it is still to go
            doc = self.messages.get(message_id)
            if doc is None or doc["state"] not in WAITING:
                continue
            if doc["kind"] == "feedback":  # only store writes: no need for the pool
                self.dispatch(message_id)
                continue
            key = destination(doc)
            # Leased past the sends queued before it: not due again (for another process)
            # while it waits here, yet back on the timetable if this process dies.
            waits = self.lanes.ahead(key) * self.policy.longest_attempt
            self.messages.lease(message_id, self.policy.lease + waits)
            self.lanes.add(key, message_id)
        return done

    def dispatch(self, message_id: str) -> None:
        doc = self.messages.get(message_id)
        if doc is None or doc["state"] not in WAITING:
            return
        self.messages.lease(message_id, self.policy.lease)
        if doc["kind"] == "feedback":
            return self.expand(doc)
        outcome = self.send(doc)
        current = self.messages.get(message_id)
        if current is not None and current["state"] == "cancelled":
            return  # cancelled by the seller while this attempt was on the wire
        doc.update(attempts=doc["attempts"] + 1, last_status=outcome.status,
                   last_error=outcome.error)
        if doc["kind"] == "webhook":
            self.endpoints.record(doc["webhook_id"], outcome.ok, outcome.status, outcome.error)
        if outcome.retry and doc["attempts"] < self.policy.max_attempts:
            delay = backoff(doc["attempts"], self.policy.base, self.policy.cap)
            return self.messages.retry_at(doc, self.clock() + delay)
        doc["state"] = "sent" if outcome.ok else "failed"
        doc["sent_at"] = self.clock() if outcome.ok else None
        self.messages.save(doc)
        self.messages.release(message_id)

    def send(self, doc: dict) -> Outcome:
        if doc["kind"] == "text":
            doc["provider"] = self.provider.name
            return self.provider.send(doc["to"], doc["body"])
        endpoint = self.endpoints.get(doc["webhook_id"])
        if endpoint is None:
            return Outcome(False, error="the endpoint was deleted")
        return post_event(endpoint["url"], endpoint["secret"], doc["payload"],
                          self.policy.timeout, self.allow_private, self.verify)

    def expand(self, doc: dict) -> None:
        """A due feedback request becomes a text (if the customer signed up) and webhooks."""
        # Claimed by this request itself: tried again after a store failure, it finds the
        # messages it made (their ids are its own), and makes the rest.
        if not first_claim(self.dispatcher.store, doc["id"], doc["id"]):
            return self.messages.release(doc["id"])
        made = MessageIds(doc["id"])
        if self.feedback.get(doc["tracking_id"]) is not None:
            # Rated before 8 pm (the page takes feedback from the delivery on): asked once
            # means asked never again, and not at all once answered.
            doc.update(state="cancelled", sent_at=None, attempts=0,
                       note="feedback already given")
            self.messages.save(doc)
            return self.messages.release(doc["id"])
        ship = self.reads.shipment_record(doc["tracking_id"])
        phone = self.subscriptions.phone_for(ship) if ship else None
        texts = 0
        if phone:
            # The text in the language of the page the customer signed up on; the record and
            # the webhooks keep the English body.
            body = self.dispatcher.feedback_body(ship, self.subscriptions.language_for(ship))
            self.dispatcher.text(doc["seller_id"], ship, phone, "feedback_request", body,
                                 self.clock(), message_id=made.id(1, phone))
            texts = 1
        data = {"tracking_id": doc["tracking_id"], "route_id": doc["route_id"],
                "reference": ship.get("reference") if ship else None,
                "status": "feedback_request", "text": doc["body"], "at": iso_utc(doc["due_at"]),
                "detail": {}}
        hooks = self.dispatcher.hooks(doc["seller_id"], "feedback_request", data,
                                      lambda endpoint: made.id(2, endpoint))
        doc.update(state="sent", sent_at=self.clock(), attempts=1,
                   note=f"{texts} text, {hooks} webhook deliveries")
        self.messages.save(doc)
        self.messages.release(doc["id"])
