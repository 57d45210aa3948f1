"""Street addresses to places: offline from the extract's own addresses, or any geopy geocoder.

`ExtractGeocoder` is a geopy geocoder (the same `geocode(query)` -> `Location`) built from the
addresses of the OSM extract: a seller's order list geocodes with no service outside the
machine. Spelling and case are forgiven (rapidfuzz on the street name, accents folded), and
every answer says how sure it is, so the dashboard can ask the seller to drag an unsure pin.
A remote geocoder (Nominatim, Photon) is a configuration change (`GEOCODER`): it goes through
geopy, behind a cache and the provider's rate limit.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from rapidfuzz import fuzz, process

from app.planning.addresses import PostalAddress

# Below this street-name similarity (0-100) a query names a street the extract does not have.
_MIN_STREET_SCORE = 82
_POSTCODE = re.compile(r"\b\d{5}\b")
# "FI-00100": the country prefix some write before a postcode (and Finnish post accepts).
_POSTCODE_PREFIX = re.compile(r"\b[a-z]{1,3}-(?=\d{5}\b)", re.IGNORECASE)
# A country written last ("..., Helsinki, Finland") names no town: dropped before the town is read.
_COUNTRIES = {"finland", "suomi", "finnland", "finlande", "sweden", "sverige", "ruotsi",
              "estonia", "eesti", "viro"}
# "Pohjoisesplanadi 21 B 12": the street, then the number with an optional letter (staircase);
# what follows (flat, floor) does not move the pin.
_STREET_NUMBER = re.compile(r"^(?P<street>.*?\D)\s*(?P<number>\d+)\s*(?P<letter>[a-z])?\b",
                            re.IGNORECASE)

QUALITY = {
    "exact": 1.0,  # the house, spelled as the map has it (or nearly)
    "house": 0.9,  # the house number, another letter or staircase
    "nearby": 0.5,  # the nearest number on the street: the house itself is not on the map
    "other_street": 0.4,  # a street whose name is like the one typed, not a spelling of it
    "street": 0.3,  # the street only: no number in the query
}
# At or above this similarity (0-100, whole names) the matched street is the typed one spelled
# otherwise ("Unioninktu"); below it, another street whose name holds or resembles it
# ("Esplanadi" found "Pohjoisesplanadi"): the seller checks the pin.
_SAME_STREET = 85


def fold(text: str) -> str:
    """Lower case without accents or punctuation: 'Pohjoisesplanadi' ~ 'pohjoisesplanadi.'"""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _number_key(number: str) -> tuple[int, str]:
    m = re.match(r"\s*(\d+)\s*([a-z]?)", fold(number))
    return (int(m.group(1)), m.group(2)) if m else (-1, "")


@dataclass(frozen=True)
class Query:
    street: str  # folded
    number: int | None
    letter: str
    postcode: str
    town: str = ""  # folded: the last part after a comma without digits ("..., 00100 Helsinki")


def parse(query: str) -> Query:
    first, *rest = _POSTCODE_PREFIX.sub("", query).split(",")
    while rest and (fold(rest[-1]) in _COUNTRIES or not fold(rest[-1])):
        rest.pop()
    postcode = (_POSTCODE.findall(",".join(rest)) or [""])[0]
    towns = [fold(_POSTCODE.sub("", part)) for part in rest]
    town = next((t for t in reversed(towns) if t and not re.search(r"\d", t)), "")
    m = _STREET_NUMBER.match(first.strip())
    if m is None:
        return Query(fold(first), None, "", postcode, town)
    letter = (m.group("letter") or "").lower()
    return Query(fold(m.group("street")), int(m.group("number")), letter, postcode, town)


class ExtractGeocoder(Geocoder):
    """A geopy geocoder over a list of addresses; answers the best match or None."""

    def __init__(self, addresses: list[PostalAddress],
                 town_names: dict[str, str] | None = None) -> None:
        super().__init__()
        # One place per house: a mall or an office block carries its address on the building
        # and on dozens of shop and entrance nodes around it. Their middle is the house.
        houses: dict[tuple[str, str, str], list[PostalAddress]] = {}
        for a in addresses:
            houses.setdefault((fold(a.street), fold(a.number), a.postcode), []).append(a)
        self.by_street: dict[str, list[PostalAddress]] = {}
        for (street, _, _), same in houses.items():
            lat = sum(a.lat for a in same) / len(same)
            lon = sum(a.lon for a in same) / len(same)
            first = same[0]
            self.by_street.setdefault(street, []).append(
                PostalAddress(first.street, first.number, first.postcode, first.city, lat, lon))
        self.streets = list(self.by_street)
        self.postcodes = {a.postcode for a in addresses if a.postcode}
        self.towns = {fold(a.city) for a in addresses if a.city}
        # A town's other names (Helsingfors) read as the name its addresses carry (Helsinki).
        self.town_names = {fold(other): fold(name) for other, name in (town_names or {}).items()
                           if fold(other) and fold(name) in self.towns}
        # Each street's (postcode, town) pairs: a town asked for filters streets by these, not
        # by every house (a city's extract holds a hundred thousand).
        self.areas = {street: {(a.postcode, fold(a.city)) for a in houses}
                      for street, houses in self.by_street.items()}

    def geocode(self, query: str, exactly_one: bool = True, **_: Any) -> Location | None:
        found = self.match(query)
        if found is None:
            return None
        address, quality, score = found
        raw = {"street": address.street, "number": address.number,
               "postcode": address.postcode, "city": address.city,
               "quality": quality, "score": round(score, 2)}
        location = Location(address.label, (address.lat, address.lon), raw)
        return location if exactly_one else [location]

    def _in_area(self, q: Query) -> Callable[[str, str], bool] | None:
        """Which houses the query's postcode and town allow (one tagged otherwise is not it;
        one without the tag may be), or None when the map has no such postcode or town: a
        street of the same name here is not the one asked for."""
        if q.postcode and q.postcode not in self.postcodes:
            return None
        town = q.town and process.extractOne(q.town, self.towns | set(self.town_names),
                                             scorer=fuzz.ratio, score_cutoff=_SAME_STREET)
        if q.town and not town:
            return None
        name = self.town_names.get(town[0], town[0]) if town else ""
        return lambda postcode, city: ((not q.postcode or not postcode or postcode == q.postcode)
                                       and (not name or not city or city == name))

    def match(self, query: str) -> tuple[PostalAddress, str, float] | None:
        q = parse(query)
        allowed = self._in_area(q)
        if not q.street or not self.streets or allowed is None:
            return None
        streets = ([n for n in self.streets if any(allowed(*pair) for pair in self.areas[n])]
                   if q.postcode or q.town else self.streets)
        best = process.extractOne(q.street, streets, scorer=fuzz.WRatio,
                                  score_cutoff=_MIN_STREET_SCORE)
        if best is None:
            return None
        name, street_score, _ = best
        houses = [a for a in self.by_street[name] if allowed(a.postcode, fold(a.city))]
        if q.postcode and any(a.postcode == q.postcode for a in houses):
            houses = [a for a in houses if a.postcode == q.postcode]  # same name, two towns
        sure = street_score / 100
        if fuzz.ratio(q.street, name) < _SAME_STREET:  # not a spelling: another street
            found = self._house(q, houses)
            return found[0], "other_street", QUALITY["other_street"] * sure
        return self._house(q, houses, sure)

    def _house(self, q: Query, houses: list[PostalAddress],
               sure: float = 1.0) -> tuple[PostalAddress, str, float]:
        if q.number is None:
            middle = sorted(houses, key=lambda a: _number_key(a.number))[len(houses) // 2]
            return middle, "street", QUALITY["street"] * sure
        keyed = [(_number_key(a.number), a) for a in houses]
        exact = [a for (n, letter), a in keyed if n == q.number and letter == q.letter]
        if exact:
            return exact[0], "exact", QUALITY["exact"] * sure
        same = [a for (n, _), a in keyed if n == q.number]
        if same:
            return same[0], "house", QUALITY["house"] * sure
        # Not on the map: the nearest number, on the same side of the street where there is one.
        def distance(item: tuple[tuple[int, str], PostalAddress]) -> tuple[int, int]:
            (n, _), _a = item
            return (abs(n - q.number) % 2 if n >= 0 else 1, abs(n - q.number))
        _, nearest = min(keyed, key=distance)
        return nearest, "nearby", QUALITY["nearby"] * sure


class Cached:
    """A geocoder behind an in-process cache (bounded), and for a remote one, its rate limit:
    Nominatim's policy is one request a second, and the same address asked twice is one."""

    def __init__(self, geocoder: Geocoder, min_delay_s: float = 0.0, size: int = 10_000) -> None:
        self.geocoder = geocoder
        self.name = type(geocoder).__name__
        call = geocoder.geocode
        self._geocode = (RateLimiter(call, min_delay_seconds=min_delay_s, max_retries=1,
                                     swallow_exceptions=False) if min_delay_s > 0 else call)
        self._cache: OrderedDict[str, Location | None] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def geocode(self, query: str) -> Location | None:
        key = fold(query)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        found = self._geocode(query)
        with self._lock:
            self._cache[key] = found
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return found
