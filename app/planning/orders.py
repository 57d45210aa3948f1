"""The day's orders from a seller's CSV: each row read, checked and geocoded, with a report.

Nothing is half-imported: this only reads and reports. A row is `ok` (ready to plan), `check`
(understood, but its pin is a guess the seller should look at and may drag) or `error` (what
must be fixed, field by field). Planning takes the rows once none is an error.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from app.domain.model import PROGRAMS

MAX_ROWS = 2000
COLUMNS = ("recipient", "address", "phone", "reference", "notes", "slot", "program")
REQUIRED = ("recipient", "address")
# Header words sellers' exports use for the same column.
ALIASES = {
    "name": "recipient", "customer": "recipient", "recipient name": "recipient",
    "street address": "address", "delivery address": "address",
    "telephone": "phone", "mobile": "phone", "phone number": "phone",
    "order": "reference", "order id": "reference", "order number": "reference", "ref": "reference",
    "note": "notes", "instructions": "notes", "delivery instructions": "notes",
    "time slot": "slot", "timeslot": "slot", "window": "slot", "delivery window": "slot",
}
_LIMITS = {"recipient": 120, "address": 200, "phone": 32, "reference": 80, "notes": 500}
_SLOT = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*[-–]\s*(\d{1,2})[:.](\d{2})\s*$")
_PHONE = re.compile(r"^\+?[0-9 ()-]{5,31}$")


class Geocoder(Protocol):
    def geocode(self, query: str) -> Any: ...


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

    @property
    def status(self) -> str:
        if self.problems:
            return "error"
        return "ok" if self.place and self.place["quality"] == "exact" else "check"

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "status": self.status, "order": self.order,
                "place": self.place, "problems": self.problems}


def _header(names: list[str]) -> list[str]:
    out = []
    for name in names:
        key = re.sub(r"\s+", " ", name.strip().lower().replace("_", " "))
        out.append(ALIASES.get(key, key))
    missing = [c for c in REQUIRED if c not in out]
    if missing:
        raise OrdersError(f"the header must name the columns {', '.join(missing)} "
                          f"(found: {', '.join(n for n in names if n) or 'nothing'})")
    return out


def read_orders(text: str, day: date, tz: str, geocoder: Geocoder) -> list[Row]:
    """Every data row of the CSV, checked and geocoded (delimiter , ; or tab, sniffed)."""
    # Excel writes "UTF-8 CSV" with a byte-order mark; pasted or sent as JSON it arrives as text.
    text = text.removeprefix("\ufeff")
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        names = next(reader)
    except StopIteration:
        raise OrdersError("the file is empty: a header line and one order per line") from None
    except csv.Error as exc:
        raise OrdersError(f"cannot read the CSV: {exc}") from None
    columns = _header(names)
    rows: list[Row] = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue  # blank lines between orders
            if len(rows) == MAX_ROWS:
                raise OrdersError(f"at most {MAX_ROWS} orders per file")
            raw = {c: v.strip() for c, v in zip(columns, values, strict=False) if c in COLUMNS}
            rows.append(_check(reader.line_num, raw, day, tz, geocoder))
    except csv.Error as exc:
        raise OrdersError(f"cannot read the CSV at line {reader.line_num}: {exc}") from None
    if not rows:
        raise OrdersError("no orders: the file has a header but no rows")
    return rows


def _check(line: int, raw: dict[str, str], day: date, tz: str, geocoder: Geocoder) -> Row:
    row = Row(line, {})
    order = row.order

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
    if order["phone"] and not _PHONE.match(order["phone"]):
        problem("phone", "must be a phone number such as +358 40 123 4567")
    program = (raw.get("program") or "standard").lower()
    if program not in PROGRAMS:
        problem("program", "must be one of " + ", ".join(PROGRAMS))
    order["program"] = program
    order["slot"] = None
    if raw.get("slot"):
        slot = _slot(raw["slot"], day, tz)
        if slot is None:
            problem("slot", "must be a time range such as 10:00-12:00, start before end")
        else:
            order["slot"] = slot
    if order["address"]:
        found = geocoder.geocode(order["address"])
        if found is None:
            problem("address", "not found on the map: check the street name and number")
        else:
            raw_place = found.raw if isinstance(found.raw, dict) else {}
            row.place = {"lat": found.latitude, "lon": found.longitude, "address": found.address,
                         "quality": raw_place.get("quality", "house"),
                         "score": raw_place.get("score", 0.9)}
    return row


def _slot(text: str, day: date, tz: str) -> dict[str, str] | None:
    m = _SLOT.match(text)
    if m is None:
        return None
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if not (h1 < 24 and h2 < 24 and m1 < 60 and m2 < 60):
        return None
    zone = ZoneInfo(tz)
    start = datetime.combine(day, time(h1, m1), zone)
    end = datetime.combine(day, time(h2, m2), zone)
    if end <= start:
        return None
    return {"from": start.isoformat(), "to": end.isoformat()}
