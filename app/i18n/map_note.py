"""The note in the map's box while there is no map, as track.js's mapNote words it: in the first
HTML too, so the script never rewrites it into a line of another length (0.02 of layout shift
at 360 px on an attempted delivery's page)."""

from __future__ import annotations

from typing import Any

from app.i18n.catalogs import translations
from app.i18n.page_words import PLURALS, WORDS


def map_note(view: dict[str, Any], lang: str, visible_stops: int) -> str:
    """The note for a view worded by page_view (`status_text` in `lang`)."""
    t = translations(lang)
    away = view.get("stops_away")
    if view.get("visited_at") and away is None and not view.get("proof"):
        return t.gettext(WORDS["map_closed"])
    status = view.get("status")
    if status == "created" and view.get("status_text") == t.gettext(WORDS["arriving_today"]):
        return t.gettext(WORDS["map_after_leaving"])
    if away is None or status == "created":
        return t.gettext(WORDS["map_later"])
    if away <= visible_stops:
        return t.gettext(WORDS["map_soon"])
    words = t.ngettext(*PLURALS["stops_before"], away).replace("%(num)d", str(away))
    return words.replace("{visible}", str(visible_stops))
