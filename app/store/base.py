"""The store interface: every backend keeps the same records under the same names."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from typing import Any

Record = dict[str, Any]


class StoreUnavailable(RuntimeError):
    """The backend cannot be reached; callers answer 503 rather than fail."""


class StoreFull(StoreUnavailable):
    """The backend refuses writes (Redis at `maxmemory` with `noeviction`): also a 503."""


class Store(ABC):
    """Records are JSON-able dicts; the domain converts them to objects."""

    name = "store"

    @abstractmethod
    def add_route(self, route: Record, shipments: list[Record], progress: Record,
                  driver_token_hash: str) -> None:
        """Store a new route with its shipments and initial progress, all at once."""

    @abstractmethod
    def get_route(self, route_id: str) -> Record | None: ...

    @abstractmethod
    def route_for_driver(self, driver_token_hash: str) -> str | None: ...

    @abstractmethod
    def seller_routes(self, seller_id: str) -> list[str]:
        """Route ids of one seller, oldest first."""

    @abstractmethod
    def get_progress(self, route_id: str) -> Record | None: ...

    @abstractmethod
    def put_progress(self, route_id: str, progress: Record) -> None: ...

    @abstractmethod
    def get_shipment(self, tracking_id: str) -> Record | None: ...

    @abstractmethod
    def shipment_for_token(self, token_hash: str) -> str | None:
        """The tracking id behind a customer link, by the hash of its token."""

    @abstractmethod
    def ping(self) -> bool: ...

    def health(self) -> str:
        """"ok", "unavailable", or "full" when it answers but refuses writes."""
        return "ok" if self.ping() else "unavailable"

    @abstractmethod
    def commit(self, route_id: str, progress: Record, kind: str, jobs: dict[str, Record]) -> None:
        """Replace a route's progress and put jobs (docs of `kind`, due at once on its
        timetable) in one step: all of it is stored or none of it."""

    # Generic records, for the parts built on top of routes (subscriptions, webhooks, outbox,
    # scheduled messages, seller accounts): each keeps its own `kind` and needs no new method here.

    @abstractmethod
    def put_doc(self, kind: str, doc_id: str, doc: Record) -> None: ...

    @abstractmethod
    def add_doc(self, kind: str, doc_id: str, doc: Record, due: float | None = None,
                log: tuple[str, str, int] | None = None) -> bool:
        """Add a record unless one has this id, and with it, in one step, its place on the
        kind's timetable (`due`) and an entry `{"id": doc_id}` in a bounded log (`log` is
        (kind, log id, max_len)). Answer whether it was added."""

    @abstractmethod
    def get_doc(self, kind: str, doc_id: str) -> Record | None: ...

    @abstractmethod
    def delete_doc(self, kind: str, doc_id: str) -> bool:
        """Remove a record; answer whether it existed."""

    @abstractmethod
    def list_docs(self, kind: str) -> list[Record]:
        """Every record of a kind, in no particular order."""

    @abstractmethod
    def schedule(self, kind: str, item_id: str, due: float) -> None:
        """Put (or move) an item on a timetable, due at epoch seconds `due`."""

    @abstractmethod
    def unschedule(self, kind: str, item_id: str) -> bool: ...

    @abstractmethod
    def claim_due(self, kind: str, now: float, limit: int = 100) -> list[str]:
        """Take the items due by `now` off the timetable. Each item goes to exactly one caller,
        even with several server processes claiming at once."""

    @abstractmethod
    def append_log(self, kind: str, log_id: str, entry: Record, max_len: int) -> None:
        """Append to a bounded log; the oldest entries beyond `max_len` are dropped."""

    @abstractmethod
    def read_log(self, kind: str, log_id: str) -> list[Record]:
        """A log's entries, oldest first."""

    @abstractmethod
    def forget_route(self, index: Record) -> None:
        """Delete a route and what is stored under it: progress, shipments, their link tokens,
        the driver token, the seller's index entry, the position history. `index` names them
        (app/ops/retention.py): route_id, seller_id, tracking_ids, token_hashes, driver_hash."""

    def expire_route(self, index: Record, at: float) -> None:
        """Let the backend drop the route's records by itself at epoch `at` (Redis key TTLs);
        the retention sweep deletes them in any case, so by default nothing happens here."""
        return None

    @abstractmethod
    def delete_log(self, kind: str, log_id: str) -> None: ...

    def put_progresses(self, progresses: dict[str, str]) -> None:
        """Replace several routes' progress, given as JSON text (the write-behind encodes it
        once); backends with round trips do it in one call."""
        for route_id, text in progresses.items():
            self.put_progress(route_id, json.loads(text))

    @abstractmethod
    def take(self, kind: str, costs: dict[str, int], limit: int, window: int,
             ttl: float) -> list[str]:
        """Add each key's cost to its counter for `window` (a fixed time window's number) unless
        that would pass `limit`; answer the keys refused, whose counters stay as they were. A
        cost above `limit` can never pass: it exhausts the window instead (the counter becomes
        limit + 1, so even a cost of 0 is refused until the window ends). One call for a whole
        batch; counters expire after `ttl` s."""

    def append_logs(self, kind: str, entries: list[tuple[str, Record]], max_len: int) -> None:
        """Append (log id, entry) pairs, in order, to bounded logs: one call for a whole batch."""
        for log_id, entry in entries:
            self.append_log(kind, log_id, entry, max_len)

    @abstractmethod
    def add_sums(self, kind: str, sums: dict[str, list[float]]) -> None:
        """Add pairs of numbers to running totals, key by key (learned street speeds: metres
        and seconds per segment and hour); several processes may add at once, none is lost."""

    @abstractmethod
    def read_sums(self, kind: str) -> dict[str, list[float]]:
        """Every key's totals, as added."""

    def get_shipments(self, tracking_ids: list[str]) -> list[Record]:
        """Several shipments; backends with round trips override this with one call."""
        return [s for s in map(self.get_shipment, tracking_ids) if s is not None]
