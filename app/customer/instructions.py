"""The customer's delivery instructions: a note for the driver and a safe place, per shipment.

Written only through the customer's link, while the shipment is on its way but the driver is not
yet at the door (created, out for delivery, approaching): from "arriving" on the driver is
already there and reads the stop, not new notes. Read only by the route's driver (the driver
app's block) and the seller (dashboard); never part of the customer view, the lookup, the
socket frames, webhooks or a log line. Forgotten with the route (app/ops/retention.py).
"""

from __future__ import annotations

from collections.abc import Callable

from app.domain import sizes
from app.i18n.catalogs import N_
from app.store import Store

KIND = "instructions"
MAX_NOTE = sizes.INSTRUCTIONS_NOTE
# Where a parcel may be left without anyone at home; None: hand it to me.
SAFE_PLACES = ("front door", "back door", "porch", "garage", "mailroom", "reception",
               "neighbour")
# How each reads after "If nobody is home, leave it at" and "left at" (translated where shown).
SAFE_PLACE_NAMES = {
    "front door": N_("the front door"),
    "back door": N_("the back door"),
    "porch": N_("the porch"),
    "garage": N_("the garage"),
    "mailroom": N_("the mailroom"),
    "reception": N_("reception"),
    "neighbour": N_("a neighbour"),
}
# Where the driver's app says a parcel was left (its "Left at" choices): the safe places, and
# the three only a driver picks.
LEFT_AT_NAMES = {
    **SAFE_PLACE_NAMES,
    "recipient": N_("the recipient"),
    "safe place": N_("a safe place"),
    "parcel locker": N_("a parcel locker"),
}
OPEN_STATUSES = ("created", "out_for_delivery", "approaching")
# Unicode's bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): in
# a note they turn the text around wherever it is shown ("Trojan Source"), so a driver could
# read a door code backwards. Taken out on the way in, and again on the way out for notes
# stored before.
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def plain_note(note: str) -> str:
    """The note without bidirectional controls."""
    return note.translate(_BIDI_CONTROLS)


def is_open(status: str) -> bool:
    """Whether instructions can still reach the driver in time."""
    return status in OPEN_STATUSES


class Instructions:
    def __init__(self, store: Store, clock: Callable[[], float]) -> None:
        self.store, self.clock = store, clock

    def get(self, tracking_id: str) -> dict | None:
        return _clean(self.store.get_doc(KIND, tracking_id))

    def put(self, tracking_id: str, seller_id: str, note: str, safe_place: str | None) -> dict:
        """Replace the shipment's instructions; empty note and no safe place clear them."""
        note = plain_note(note)
        if not note and safe_place is None:
            self.store.delete_doc(KIND, tracking_id)
            return {"note": "", "safe_place": None, "at": None}
        doc = {"tracking_id": tracking_id, "seller_id": seller_id, "note": note,
               "safe_place": safe_place, "at": self.clock()}
        self.store.put_doc(KIND, tracking_id, doc)
        return doc

    def for_shipments(self, tracking_ids: list[str]) -> dict[str, dict]:
        """The instructions of these shipments, by tracking id (those that have some)."""
        found = {tid: self.get(tid) for tid in tracking_ids}
        return {tid: doc for tid, doc in found.items() if doc is not None}

    def for_seller(self, seller_id: str) -> list[dict]:
        """Every instruction left on the seller's shipments, newest first."""
        docs = [_clean(d) for d in self.store.list_docs(KIND) if d.get("seller_id") == seller_id]
        return sorted(docs, key=lambda d: d["at"], reverse=True)

    def forget(self, tracking_id: str) -> None:
        self.store.delete_doc(KIND, tracking_id)


def _clean(doc: dict | None) -> dict | None:
    if doc is None or not isinstance(doc.get("note"), str):
        return doc
    return {**doc, "note": plain_note(doc["note"])}


def public(doc: dict | None) -> dict:
    """Instructions as the token holder, the driver and the seller read them."""
    doc = doc or {}
    return {"note": doc.get("note", ""), "safe_place": doc.get("safe_place")}
