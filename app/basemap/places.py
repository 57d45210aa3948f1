"""Names the map shows about itself: the area an extract covers, and house numbers as labels."""

from __future__ import annotations

import re

# The place an extract is "of": its biggest settlement, else its biggest district.
PLACE_RANK = {"city": 6, "town": 5, "village": 4, "suburb": 3, "quarter": 2, "neighbourhood": 1}
# Download names such as berlin-latest.osm.pbf or greater-london-260101.osm.pbf.
_DOWNLOAD_SUFFIX = re.compile(r"[-_](latest|\d{6,8})$")
# "12", "12A", "12 a", "12-14", "12 A 3", "12, 2. krs./Floor 2", "12;14": the first number and,
# when one follows it directly, its letter. Floors, stairways and second addresses are for the
# door, not for a label at street zoom.
_HOUSE = re.compile(r"\s*(\d+)\s?([A-Za-z])?(?![A-Za-z])")


class AreaName:
    """The best place name seen so far while reading an extract."""

    def __init__(self) -> None:
        self.best: tuple[int, int, str] | None = None

    def offer(self, kind: str, name: str, population: str | None) -> None:
        rank = PLACE_RANK.get(kind)
        if rank is None or not name:
            return
        people = int(population) if population and population.isdigit() else 0
        if self.best is None or (rank, people) > self.best[:2]:
            self.best = (rank, people, name)

    @property
    def name(self) -> str | None:
        return self.best[2] if self.best else None


def area_from_source(source: str) -> str:
    """berlin-latest.osm.pbf -> Berlin: a name when the extract has no place of its own."""
    stem = source.split(".")[0]
    stem = _DOWNLOAD_SUFFIX.sub("", stem)
    words = re.split(r"[-_ ]+", stem)
    return " ".join(w[:1].upper() + w[1:] for w in words if w) or "this map"


def house_label(raw: str) -> str | None:
    """The label for an addr:housenumber value: first number plus letter, or None."""
    match = _HOUSE.match(raw.split(";")[0])
    if not match:
        return None
    number, letter = match.groups()
    return number + (letter or "")
