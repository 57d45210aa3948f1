"""The customer's feedback on a delivered shipment: two ratings and a comment, once.

Stored once per shipment (`add_doc` refuses a second one in the same step that appends it to
the seller's bounded list), so two submits racing from two tabs or two server processes keep
exactly one. The seller reads the list, averages per driver and per delivery day, and gets each
one by webhook (`feedback`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from app.domain import sizes
from app.store import Store

KIND = "feedback"
LOG_KIND = "feedback_by_seller"
# The seller's list keeps the newest ones: a busy shop (or the demo fleet, around the clock)
# would otherwise grow it without bound.
MAX_LISTED = 1000
MAX_COMMENT = sizes.FEEDBACK_COMMENT
RATINGS = (1, 2, 3, 4, 5)


class Feedback:
    def __init__(self, store: Store, clock: Callable[[], float]) -> None:
        self.store, self.clock = store, clock

    def get(self, tracking_id: str) -> dict | None:
        return self.store.get_doc(KIND, tracking_id)

    def add(self, tracking_id: str, seller_id: str, route_id: str, driver: str, day: str,
            delivery: int, product: int, comment: str) -> dict | None:
        """Keep the shipment's feedback; None when it already has some."""
        doc = {"tracking_id": tracking_id, "seller_id": seller_id, "route_id": route_id,
               "driver": driver, "day": day, "delivery": delivery, "product": product,
               "comment": comment, "at": self.clock()}
        added = self.store.add_doc(KIND, tracking_id, doc, log=(LOG_KIND, seller_id, MAX_LISTED))
        return doc if added else None

    def for_seller(self, seller_id: str, limit: int = MAX_LISTED) -> list[dict]:
        """The seller's feedback, newest first (forgotten shipments drop out)."""
        ids = [e["id"] for e in self.store.read_log(LOG_KIND, seller_id)][-limit:]
        docs = (self.get(tid) for tid in reversed(ids))
        return [d for d in docs if d is not None]

    def forget(self, seller_id: str, tracking_ids: list[str]) -> None:
        """Drop these shipments' feedback and their entries in the seller's list (retention:
        even the tracking id goes). The list is rewritten without them; a feedback arriving
        for another shipment in that instant may miss the list, never its record."""
        gone = set(tracking_ids)
        for tid in gone:
            self.store.delete_doc(KIND, tid)
        entries = self.store.read_log(LOG_KIND, seller_id)
        if any(e["id"] in gone for e in entries):
            self.store.delete_log(LOG_KIND, seller_id)
            self.store.append_logs(LOG_KIND, [(seller_id, e) for e in entries
                                              if e["id"] not in gone], MAX_LISTED)


def _averages(docs: list[dict]) -> dict:
    n = len(docs)
    return {"count": n,
            "delivery": round(sum(d["delivery"] for d in docs) / n, 2) if n else None,
            "product": round(sum(d["product"] for d in docs) / n, 2) if n else None}


def summary(docs: list[dict]) -> dict:
    """Averages over all, per driver (first name) and per delivery day (newest day first)."""
    by_driver, by_day = defaultdict(list), defaultdict(list)
    for d in docs:
        by_driver[d["driver"]].append(d)
        by_day[d["day"]].append(d)
    return {"all": _averages(docs),
            "by_driver": [{"driver": k, **_averages(v)} for k, v in sorted(by_driver.items())],
            "by_day": [{"day": k, **_averages(v)}
                       for k, v in sorted(by_day.items(), reverse=True)]}


def public(doc: dict) -> dict:
    """One feedback as the seller reads it (API, dashboard, webhook)."""
    return {k: doc[k] for k in ("tracking_id", "route_id", "driver", "day", "delivery",
                                "product", "comment")}
