"""The day's orders from a seller's CSV: each row read, checked and geocoded, with a report.

Nothing is half-imported: this only reads and reports. A row is `ok` (ready to plan), `check`
(understood, but its pin is a guess the seller should look at and may drag, or it looks like
another row: `warnings`) or `error` (what must be fixed, field by field: a slot outside the
service hours, a place off the street map). Planning takes the rows once none is an error.
A `pickup` column names where the row's parcels are collected first (a restaurant, a second
warehouse): the same text on several rows is one pickup, geocoded once.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from app.domain import sizes
from app.domain.hours import CLOSES, OPENS
from app.domain.model import PROGRAMS
from app.notify.phone_numbers import PHONE_HINT, country_of, normalize
from app.planning.csv_headers import PARTS, address_of, columns

COLUMNS = ("recipient", "address", "phone", "reference", "notes", "slot", "program", "pickup",
           "parcels", "buyer phone", *PARTS)
REQUIRED = ("recipient", "address")
_LIMITS = {"recipient": sizes.RECIPIENT, "address": sizes.ADDRESS, "phone": sizes.PHONE,
           "reference": sizes.REFERENCE, "notes": sizes.NOTES, "pickup": sizes.ADDRESS}
# "10:00-12:00", "10.00-12.00" or whole hours "10-12" (minutes optional on either side).
_SLOT = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*[-–]\s*(\d{1,2})(?:[:.](\d{2}))?\s*$")


class Geocoder(Protocol):
    def geocode(self, query: str) -> Any: ...


# Why a place is off the street map, or None (app/planning/streets.py); None: no map to ask.
OffMap = Callable[[float, float], str | None]


class OrdersError(ValueError):
    """The file as a whole cannot be read (no header, no rows, too many): one line."""

    def __init__(self, message: str, field: str = "csv") -> None:
        super().__init__(message)
        self.field = field


@dataclass
class Row:
    row: int  # the line in the file (the header is line 1)
    order: dict[str, Any]
    problems: list[dict[str, str]] = field(default_factory=list)
    place: dict[str, Any] | None = None
    warnings: list[dict[str, str]] = field(default_factory=list)  # understood, but look at it

    @property
    def status(self) -> str:
        if self.problems:
            return "error"
        sure = self.place and self.place["quality"] == "exact"
        return "ok" if sure and not self.warnings else "check"

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "status": self.status, "order": self.order,
                "place": self.place, "problems": self.problems, "warnings": self.warnings}


@dataclass
class Report:
    rows: list[Row]
    # The places parcels are collected at (a row's order["pickup"] is an index here).
    pickups: list[dict[str, Any]] = field(default_factory=list)


def _header(names: list[str]) -> tuple[list[str], bool]:
    """The column each header names (English, Finnish, Swedish, a Shopify export's)."""
    out, shopify = columns(names)
    missing = [c for c in REQUIRED if c not in out]
    if missing:
        raise OrdersError(f"the header must name the columns {', '.join(missing)} "
                          f"(found: {', '.join(n for n in names if n) or 'nothing'})")
    return out, shopify


def _more_items(raw: dict[str, str], rows: list[Row]) -> bool:
    """A Shopify line of a further item of the order before it: its shipping columns empty."""
    return (bool(rows) and not raw.get("recipient") and not raw.get("address")
            and bool(raw.get("reference")) and raw["reference"] == rows[-1].order["reference"])


def read_orders(text: str, day: date, tz: str, geocoder: Geocoder,
                off_map: OffMap | None = None, now: float | None = None) -> Report:
    """Every data row of the CSV, checked and geocoded (delimiter , ; or tab, sniffed)."""
    # Excel writes "UTF-8 CSV" with a byte-order mark; pasted or sent as JSON it arrives as text.
    text = text.removeprefix("\ufeff")
    # The delimiter the header line uses most: csv.Sniffer wants every line to hold as many as
    # the header, and an export that leaves trailing empty columns out made it guess wrong.
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        names = next(reader)
    except StopIteration:
        raise OrdersError("the file is empty: a header line and one order per line") from None
    except csv.Error as exc:
        raise OrdersError(f"cannot read the CSV: {exc}") from None
    names_of, shopify = _header(names)
    rows: list[Row] = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue  # blank lines between orders
            if len(rows) == sizes.ORDERS:
                raise OrdersError(f"at most {sizes.ORDERS} orders per file")
            raw = {c: v.strip() for c, v in zip(names_of, values, strict=False) if c in COLUMNS}
            if shopify and _more_items(raw, rows):
                continue  # one order, one stop: its items are in the parcel
            rows.append(_check(reader.line_num, raw, day, tz, geocoder, off_map, now))
    except csv.Error as exc:
        raise OrdersError(f"cannot read the CSV at line {reader.line_num}: {exc}") from None
    if not rows:
        raise OrdersError("no orders: the file has a header but no rows")
    _duplicates(rows)
    report = Report(rows)
    _pickups(report, geocoder, off_map)
    return report


def _duplicates(rows: list[Row]) -> None:
    """Warn on a row that repeats an earlier one (the same order exported twice), or else on a
    reference used twice: planned as they are, they are two parcels at one door."""
    seen: dict[tuple[str, ...], int] = {}
    refs: dict[str, int] = {}
    for row in rows:
        o = row.order
        key = tuple(fold_text(o.get(k)) for k in ("recipient", "address", "slot", "reference"))
        ref = fold_text(o.get("reference"))
        if key in seen:
            row.warnings.append({"field": "row", "message": f"the same order as line {seen[key]}"})
        elif ref and ref in refs:
            row.warnings.append({"field": "reference",
                                 "message": f"the same reference as line {refs[ref]}"})
        seen.setdefault(key, row.row)
        if ref:
            refs.setdefault(ref, row.row)


def fold_text(value: Any) -> str:
    if isinstance(value, dict):  # a slot
        return f"{value.get('from')}/{value.get('to')}"
    return " ".join(str(value or "").casefold().split())


def _pickups(report: Report, geocoder: Geocoder, off_map: OffMap | None) -> None:
    """One pickup per distinct `pickup` text, geocoded once; a row whose pickup is not on the
    map is an error naming `pickup`, one whose pickup pin is a guess a warning."""
    index: dict[str, tuple[int | None, str]] = {}
    for row in report.rows:
        text = row.order.get("pickup")
        row.order["pickup"] = None
        if not text:
            continue
        key = fold_text(text)
        if key not in index:
            place, why = _locate(text, geocoder, off_map, named=True)
            index[key] = (len(report.pickups) if place else None, why)
            if place:
                report.pickups.append({"address": text, "place": place})
        k, why = index[key]
        if k is None:
            row.problems.append({"field": "pickup", "message": why})
            continue
        row.order["pickup"] = k
        place = report.pickups[k]["place"]
        if place["quality"] != "exact":
            row.warnings.append({"field": "pickup",
                                 "message": f"check the pickup's pin: {place['address']}"})


def _locate(text: str, geocoder: Geocoder, off_map: OffMap | None,
            named: bool = False) -> tuple[dict[str, Any] | None, str]:
    """A place for a typed address, or None and why. A pickup is often written with its name
    first ("Ravintola Kala, Kluuvikatu 2"): for one (`named`), what follows a comma is tried
    too."""
    parts = [text] + ([", ".join(text.split(",")[n:]).strip()
                       for n in range(1, text.count(",") + 1)] if named else [])
    found = None
    for query in parts:
        found = geocoder.geocode(query) if query else None
        if found is not None:
            break
    if found is None:
        return None, "not found on the map: check the street name and number"
    raw = found.raw if isinstance(found.raw, dict) else {}
    place = {"lat": found.latitude, "lon": found.longitude, "address": found.address,
             "quality": raw.get("quality", "house"), "score": raw.get("score", 0.9)}
    why = off_map(place["lat"], place["lon"]) if off_map else None
    if why:
        return None, f"{why} ({found.address})"
    return place, ""


def _check(line: int, raw: dict[str, str], day: date, tz: str, geocoder: Geocoder,
           off_map: OffMap | None, now: float | None = None) -> Row:
    row = Row(line, {})
    order = row.order
    raw["address"], query = address_of(raw)
    raw["phone"] = raw.get("phone") or raw.get("buyer phone", "")

    def problem(name: str, message: str) -> None:
        row.problems.append({"field": name, "message": message})

    for name, limit in _LIMITS.items():
        value = raw.get(name, "")
        if len(value) > limit:
            problem(name, f"at most {limit} characters")
        order[name] = value[:limit] or None
    for name in REQUIRED:
        if not order[name]:
            problem(name, "is required")
    if order["phone"]:
        # In E.164, as the route will store it: a national number is read in the day's country.
        phone = normalize(order["phone"], country_of(tz))
        if phone is None:
            problem("phone", PHONE_HINT)
        order["phone"] = phone
    program = (raw.get("program") or "standard").lower()
    if program not in PROGRAMS:
        problem("program", "must be one of " + ", ".join(PROGRAMS))
    order["program"] = program
    order["slot"] = None
    if raw.get("slot"):
        slot = _slot(raw["slot"], day, tz)
        if slot is None:
            problem("slot", "must be a time range such as 10:00-12:00, start before end")
        elif not _in_service_hours(raw["slot"]):
            problem("slot", f"must be within the service hours {OPENS:02d}:00-{CLOSES:02d}:00")
        elif _passed(slot, day, tz, now):
            # No courier can make it: planned as it is, the order would be late before it left.
            problem("slot", "slot has passed: it ended before now; give a later one")
        else:
            order["slot"] = slot
    order["parcels"] = _parcels(raw.get("parcels", ""), problem)
    if order["address"]:
        place, why = _locate(query[:_LIMITS["address"]], geocoder, off_map)
        if place is None:
            problem("address", why)
        elif place["quality"] == "other_street":  # the pin is on a street not typed
            row.warnings.append({"field": "address", "message": "another street than the one "
                                 f"typed: found {place['address']}"})
        row.place = place
    return row


def _parcels(text: str, problem: Callable[[str, str], None]) -> int:
    """How many parcels go to the door (a `parcels` column; 1 when empty): the couriers'
    capacity is counted in them."""
    if not text:
        return 1
    if not text.isdigit() or not 1 <= int(text) <= sizes.PARCELS:
        problem("parcels", f"must be a whole number from 1 to {sizes.PARCELS}")
        return 1
    return int(text)


def _in_service_hours(text: str) -> bool:
    m = _SLOT.match(text)
    h1, m1, h2, m2 = (int(g or 0) for g in m.groups()) if m else (0, 0, 0, 0)
    return OPENS * 60 <= h1 * 60 + m1 and h2 * 60 + m2 <= CLOSES * 60


def _passed(slot: dict[str, str], day: date, tz: str, now: float | None) -> bool:
    """Whether a slot of today has ended (a past day is not judged here)."""
    if now is None or datetime.fromtimestamp(now, ZoneInfo(tz)).date() != day:
        return False
    return datetime.fromisoformat(slot["to"]).timestamp() <= now


def _slot(text: str, day: date, tz: str) -> dict[str, str] | None:
    m = _SLOT.match(text)
    if m is None:
        return None
    h1, m1, h2, m2 = (int(g or 0) for g in m.groups())
    if not (h1 < 24 and h2 < 24 and m1 < 60 and m2 < 60):
        return None
    zone = ZoneInfo(tz)
    start = datetime.combine(day, time(h1, m1), zone)
    end = datetime.combine(day, time(h2, m2), zone)
    if end <= start:
        return None
    return {"from": start.isoformat(), "to": end.isoformat()}
