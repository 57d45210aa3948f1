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
_NO = {"no", "private"}


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
    hw = tags.get("highway")
    if not hw or tags.get("area") == "yes" or tags.get("access") in _NO:
        return None
    base = _base(hw)
    if mode == DRIVING:
        if base not in _DRIVE_CAP or tags.get("motor_vehicle") in _NO:
            return None
        if tags.get("service") in {"parking_aisle", "emergency_access"}:
            return None
        cap = _maxspeed(tags) or _DRIVE_CAP[base]
        return (*_oneway(tags, hw), cap)
    if mode == CYCLING:
        if base in {"motorway", "trunk"} or tags.get("bicycle") in _NO:
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
        if tags.get("foot") in _NO or (base not in _DRIVE_CAP and base not in _WALK_EXTRA):
            return None
        return True, True, 2.0
    raise ValueError(f"no street network for mode {mode!r}")


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
