"""The default store: plain dicts in this process. A restart loses everything."""

from __future__ import annotations

import copy
import threading
from collections import deque

from app.jsontext import loads
from app.store.base import Record, Store


class MemoryStore(Store):
    name = "memory"

    def __init__(self) -> None:
        self._routes: dict[str, Record] = {}
        self._progress: dict[str, Record | str] = {}  # str: JSON text written behind
        self._shipments: dict[str, Record] = {}
        self._tokens: dict[str, str] = {}
        self._drivers: dict[str, str] = {}
        self._seller_routes: dict[str, list[str]] = {}
        self._docs: dict[str, dict[str, Record]] = {}
        self._timetables: dict[str, dict[str, float]] = {}
        self._logs: dict[tuple[str, str], deque] = {}
        self._hits: dict[str, tuple[int, dict[str, int]]] = {}
        self._sums: dict[str, dict[str, list[float]]] = {}
        self._lock = threading.Lock()

    def add_route(self, route, shipments, progress, driver_token_hash):
        with self._lock:
            self._routes[route["id"]] = copy.deepcopy(route)
            self._progress[route["id"]] = copy.deepcopy(progress)
            for s in shipments:
                self._shipments[s["tracking_id"]] = dict(s)
                self._tokens[s["token_hash"]] = s["tracking_id"]
            self._drivers[driver_token_hash] = route["id"]
            self._seller_routes.setdefault(route["seller_id"], []).append(route["id"])

    def get_route(self, route_id):
        return copy.deepcopy(self._routes.get(route_id))

    def route_for_driver(self, driver_token_hash):
        return self._drivers.get(driver_token_hash)

    def seller_routes(self, seller_id):
        return list(self._seller_routes.get(seller_id, ()))

    # Copies in and out, so that a caller mutating a record never changes the stored one:
    # the same contract Redis gives for free.
    def get_progress(self, route_id):
        record = self._progress.get(route_id)
        if isinstance(record, str):  # as written behind: parsed now, a fresh copy anyway
            return loads(record)
        return copy.deepcopy(record)

    def put_progress(self, route_id, progress):
        self._progress[route_id] = copy.deepcopy(progress)

    def put_progresses(self, progresses):
        # Kept as the text written behind (every second, for every route ingested here) and
        # parsed only if read back: in one process the live progress answers nearly every
        # read, and parsing every write was 3% of the server's CPU under bench.load.
        self._progress.update(progresses)

    def get_shipment(self, tracking_id):
        s = self._shipments.get(tracking_id)
        return dict(s) if s else None

    def shipment_for_token(self, token):
        return self._tokens.get(token)

    def ping(self):
        return True

    def commit(self, route_id, progress, kind, jobs):
        with self._lock:
            self._progress[route_id] = copy.deepcopy(progress)
            for job_id, job in jobs.items():
                self._docs.setdefault(kind, {})[job_id] = copy.deepcopy(job)
                self._timetables.setdefault(kind, {})[job_id] = 0.0

    def add_sums(self, kind, sums):
        with self._lock:
            totals = self._sums.setdefault(kind, {})
            for key, pair in sums.items():
                cur = totals.setdefault(key, [0.0] * len(pair))
                for i, x in enumerate(pair):
                    cur[i] += x

    def read_sums(self, kind):
        with self._lock:
            return {k: list(v) for k, v in self._sums.get(kind, {}).items()}

    def put_doc(self, kind, doc_id, doc):
        self._docs.setdefault(kind, {})[doc_id] = copy.deepcopy(doc)

    def add_doc(self, kind, doc_id, doc, due=None, log=None):
        with self._lock:
            docs = self._docs.setdefault(kind, {})
            if doc_id in docs:
                return False
            docs[doc_id] = copy.deepcopy(doc)
            if due is not None:
                self._timetables.setdefault(kind, {})[doc_id] = due
            if log is not None:
                log_kind, log_id, max_len = log
                self._logs.setdefault((log_kind, log_id), deque(maxlen=max_len)).append(
                    {"id": doc_id})
            return True

    def get_doc(self, kind, doc_id):
        return copy.deepcopy(self._docs.get(kind, {}).get(doc_id))

    def delete_doc(self, kind, doc_id):
        return self._docs.get(kind, {}).pop(doc_id, None) is not None

    def list_docs(self, kind):
        return copy.deepcopy(list(self._docs.get(kind, {}).values()))

    # Locked like claim_due: the notification pool's threads (threading mode) lease and release
    # messages while the worker's claim iterates over the same timetable.
    def schedule(self, kind, item_id, due):
        with self._lock:
            self._timetables.setdefault(kind, {})[item_id] = due

    def unschedule(self, kind, item_id):
        with self._lock:
            return self._timetables.get(kind, {}).pop(item_id, None) is not None

    def claim_due(self, kind, now, limit=100):
        with self._lock:
            table = self._timetables.get(kind, {})
            due = sorted((t, i) for i, t in table.items() if t <= now)[:limit]
            for _, item_id in due:
                del table[item_id]
        return [item_id for _, item_id in due]

    def forget_route(self, index):
        rid = index["route_id"]
        with self._lock:
            self._routes.pop(rid, None)
            self._progress.pop(rid, None)
            for tid in index["tracking_ids"]:
                self._shipments.pop(tid, None)
            for h in index["token_hashes"]:
                self._tokens.pop(h, None)
            self._drivers.pop(index["driver_hash"], None)
            ids = self._seller_routes.get(index["seller_id"], [])
            if rid in ids:
                ids.remove(rid)
            self._logs.pop(("positions", rid), None)

    def delete_log(self, kind, log_id):
        self._logs.pop((kind, log_id), None)

    def append_log(self, kind, log_id, entry, max_len):
        log = self._logs.setdefault((kind, log_id), deque(maxlen=max_len))
        log.append(copy.deepcopy(entry))

    def read_log(self, kind, log_id):
        return copy.deepcopy(list(self._logs.get((kind, log_id), ())))

    def take(self, kind, costs, limit, window, ttl):
        # Only the current window's counters are kept: an older window's are dropped at once.
        with self._lock:
            current, counts = self._hits.get(kind, (None, {}))
            if current != window:
                counts = {}
                self._hits[kind] = (window, counts)
            refused = []
            for key, cost in costs.items():
                if cost > limit:
                    counts[key] = limit + 1
                if counts.get(key, 0) + cost > limit:
                    refused.append(key)
                else:
                    counts[key] = counts.get(key, 0) + cost
            return refused
