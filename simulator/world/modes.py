"""Which OSM ways each travel mode may use, in which direction, and how fast the street allows."""

from __future__ import annotations

from collections.abc import Mapping

DRIVING, CYCLING, WALKING, AIR = "driving", "cycling", "walking", "air"
NETWORK_MODES = (DRIVING, CYCLING, WALKING)

# Urban default limits in m/s when a way has no usable maxspeed tag.
_DRIVE_CAP = {
    "motorway": 22.2, "trunk": 16.7, "primary": 13.9, "secondary": 13.9, "tertiary": 11.1,
    "unclassified": 11.1, "residential": 8.3, "living_street": 5.6, "service": 5.6, "road": 8.3,
}
_CYCLE_EXTRA = {"cycleway": 7.0, "path": 5.0, "track": 5.0, "pedestrian": 3.5, "footway": 3.5,
                "bridleway": 4.0}
_WALK_EXTRA = {"footway", "pedestrian", "path", "steps", "track", "cycleway", "corridor",
               "platform", "bridleway", "elevator"}
# Speed off the network (m/s): from a station's own yard to its street, where no way is mapped.
YARD_MS = {DRIVING: 4.2, CYCLING: 3.5, WALKING: 2.0}
# Values of an access tag that shut a mode out. "destination", "delivery" and "customers" let it
# in: the simulator's vehicles are delivery rounds, which is exactly who such streets admit.
_NO = {"no", "private", "agricultural", "forestry", "use_sidepath"}
# OSM's access hierarchy per mode, most general first: the most specific tag present wins
# (https://wiki.openstreetmap.org/wiki/Key:access). Vans and motorcycles share the driving
# network; "goods" (light delivery vehicles) is the most specific tag for a delivery van.
_ACCESS_KEYS = {
    DRIVING: ("access", "vehicle", "motor_vehicle", "motorcar", "goods"),
    CYCLING: ("access", "vehicle", "bicycle"),
    WALKING: ("access", "foot"),
}


def _base(highway: str) -> str:
    return highway[:-5] if highway.endswith("_link") else highway


def _maxspeed(tags: Mapping[str, str]) -> float | None:
    raw = tags.get("maxspeed", "")
    try:
        if raw.endswith("mph"):
            return float(raw[:-3].strip()) * 0.44704
        return float(raw) / 3.6
    except ValueError:
        return None


def edge_rule(mode: str, tags: Mapping[str, str]) -> tuple[bool, bool, float] | None:
    """Return (forward, backward, speed cap m/s) for a way in a mode, or None if not usable."""
    rule = _street_rule(mode, tags)
    if rule is None:
        return None
    fwd, back, cap = rule
    fwd, back = fwd and _allowed(mode, tags, "forward"), back and _allowed(mode, tags, "backward")
    return (fwd, back, cap) if fwd or back else None


def _street_rule(mode: str, tags: Mapping[str, str]) -> tuple[bool, bool, float] | None:
    """The way's class, one-way rule and speed for a mode, before access tags."""
    hw = tags.get("highway")
    if not hw or tags.get("area") == "yes":
        return None
    base = _base(hw)
    if mode == DRIVING:
        if base not in _DRIVE_CAP:
            return None
        if tags.get("service") in {"parking_aisle", "emergency_access"}:
            return None
        cap = _maxspeed(tags) or _DRIVE_CAP[base]
        return (*_oneway(tags, hw), cap)
    if mode == CYCLING:
        if base in {"motorway", "trunk"}:
            return None
        if base in {"footway", "pedestrian"} and tags.get("bicycle") not in {"yes", "designated"}:
            return None
        if base not in _DRIVE_CAP and base not in _CYCLE_EXTRA:
            return None
        cap = _CYCLE_EXTRA.get(base, 7.0)
        if tags.get("oneway:bicycle") == "no" or tags.get("cycleway", "").startswith("opposite"):
            return True, True, cap
        return (*_oneway(tags, hw), cap)
    if mode == WALKING:
        if base in {"motorway", "trunk"} and tags.get("sidewalk") in (None, "no", "none"):
            return None
        if base not in _DRIVE_CAP and base not in _WALK_EXTRA:
            return None
        return True, True, 2.0
    raise ValueError(f"no street network for mode {mode!r}")


def _allowed(mode: str, tags: Mapping[str, str], direction: str) -> bool:
    """Whether the mode may use the way in a direction: the most specific access tag decides,
    a `key:forward` / `key:backward` value overriding `key` itself (issue 22: vans drove through
    the Rautatientori bus terminal, tagged `vehicle=no, bus=yes`)."""
    verdict = True
    for key in _ACCESS_KEYS[mode]:
        value = tags.get(f"{key}:{direction}") or tags.get(key)
        if value is not None:
            verdict = value not in _NO
    return verdict


def _oneway(tags: Mapping[str, str], highway: str) -> tuple[bool, bool]:
    ow = tags.get("oneway", "")
    if ow in {"yes", "true", "1"}:
        return True, False
    if ow == "-1":
        return False, True
    if ow == "no":
        return True, True
    # Roundabouts and motorways are one-way by default in OSM.
    if tags.get("junction") in {"roundabout", "circular"} or highway == "motorway":
        return True, False
    return True, True


# A way where a phone has no sky: a tunnel (`tunnel=yes`, or any other value but `no` and
# `building_passage`, a short gateway through a building that a phone's fix outlasts), and a
# covered or indoor way below ground (`layer` < 0 with `covered=yes` or `indoor=yes`).
_OPEN_TUNNELS = {"no", "building_passage"}


def underground(tags: Mapping[str, str]) -> bool:
    """Whether GPS reaches nobody on this way (a phone loses its fix there)."""
    tunnel = tags.get("tunnel")
    if tunnel is not None and tunnel not in _OPEN_TUNNELS:
        return True
    try:
        below = int(tags.get("layer", "0").split(";")[0]) < 0
    except ValueError:
        below = False
    return below and (tags.get("covered") == "yes" or tags.get("indoor") == "yes")
