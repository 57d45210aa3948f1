"""Geocoding accuracy on the map's own addresses, some of them misspelled (issue 16).

    python -m bench.geocode_bench [--map extract.osm.pbf] [--sample 400] [--typos 0.3] [--seed 1]

Samples addresses from the extract, writes them as a seller's order list would (lower case,
a typo in the street for a share of them, a staircase and flat after the number), geocodes
each with the embedded geocoder and prints the match rate (the answer within 50 m of the
address), the median distance error, the quality mix and the time per query (median, p90).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from app.domain.geo import haversine_m
from app.planning.addresses import read_addresses
from app.planning.geocode import ExtractGeocoder

_LETTERS = "abcdefghijklmnopqrstuvwxyzäö"


def misspell(word: str, rng: random.Random) -> str:
    """One slip of the fingers: a letter dropped, doubled, swapped with the next, or wrong."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("drop", "double", "swap", "wrong"))
    if kind == "drop":
        return word[:i] + word[i + 1:]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + rng.choice(_LETTERS) + word[i + 1:]


def as_written(street: str, number: str, rng: random.Random, typo: bool) -> str:
    text = misspell(street, rng) if typo else street
    text = text.lower() if rng.random() < 0.5 else text
    flat = f" {rng.choice('ABC')} {rng.randint(1, 40)}" if rng.random() < 0.3 else ""
    return f"{text} {number}{flat}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--map", type=Path, default=None)
    parser.add_argument("--sample", type=int, default=400)
    parser.add_argument("--typos", type=float, default=0.3, help="share with a typo in the street")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.map is None:
        from simulator.world.maps import bundled_map

        args.map = bundled_map()
    started = time.perf_counter()
    addresses = [a for a in read_addresses(args.map) if a.number[:1].isdigit()]
    geocoder = ExtractGeocoder(addresses)
    print(f"{len(addresses)} addresses read from {args.map.name} in "
          f"{time.perf_counter() - started:.2f} s")
    rng = random.Random(args.seed)  # nosec B311 # a seeded benchmark sample
    sample = rng.sample(addresses, min(args.sample, len(addresses)))
    for label, share in (("as on the map", 0.0), (f"{args.typos:.0%} with a typo", args.typos)):
        errors, qualities, took = [], {}, []
        for a in sample:
            query = as_written(a.street, a.number, rng, rng.random() < share)
            t0 = time.perf_counter()
            place = geocoder.geocode(query)
            took.append((time.perf_counter() - t0) * 1000)
            if place is None:
                qualities["none"] = qualities.get("none", 0) + 1
                continue
            qualities[place.raw["quality"]] = qualities.get(place.raw["quality"], 0) + 1
            errors.append(haversine_m(a.lat, a.lon, place.latitude, place.longitude))
        matched = sum(e <= 50 for e in errors)
        took.sort()
        print(f"{label}: {matched / len(sample):.1%} within 50 m ({matched}/{len(sample)}), "
              f"median error {statistics.median(errors) if errors else float('nan'):.0f} m; "
              f"quality {dict(sorted(qualities.items()))}; "
              f"{took[len(took) // 2]:.2f} ms per query (p90 {took[int(len(took) * 0.9)]:.2f})")


if __name__ == "__main__":
    main()
