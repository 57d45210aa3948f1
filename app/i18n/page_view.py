"""The customer view as the tracking page shows it: the view in the page's language, plus the
texts the page would otherwise build in its script (the headline, the timeline's times, the
proof's time, the delivery day).

Built once on the server, for the first HTML and for every socket frame alike, the page's words
are the same before and after its script runs (nothing rewritten, so nothing moves), and every
time and date comes from Babel's locale data in one format (the browser's Intl wrote Swedish
times as 9:05 beside Babel's 09:05).
"""

from __future__ import annotations

import re
from typing import Any

from app.customer.instructions import LEFT_AT_NAMES
from app.i18n.catalogs import DEFAULT, N_, translations
from app.i18n.wording import clock, day, day_and_time, localized, moment, stops_text

# English phrasing of a place the driver typed: "left with the neighbour", else "left at the X".
_EN_PLACE = re.compile(r"^(with|in|inside|behind|under|on|by|at|the)\b", re.IGNORECASE)
LEFT_AT = N_("left at {place}")


def left_at_text(left_at: str | None, lang: str) -> str:
    """ "left at the front door" (English), "jätetty: etuovelle" (the page's word `left_at`)."""
    if not left_at:
        return ""
    if lang != DEFAULT:
        place = LEFT_AT_NAMES.get(left_at)
        name = translations(lang).gettext(place) if place else left_at
        return translations(lang).gettext(LEFT_AT).replace("{place}", name)
    return f"left {left_at if _EN_PLACE.match(left_at) else f'at the {left_at}'}"


def headline(view: dict[str, Any], lang: str) -> str:
    """ "Delivered at 14:22, left at the front door", "Out for delivery: 10 stops away": what a
    person reads first. The count shows only once the page shows the driver."""
    left = left_at_text((view.get("proof") or {}).get("left_at"), lang)
    if left:
        return f"{view['status_text']}, {left}"
    driver = view.get("driver") or {}
    if (driver.get("position") and view.get("stops_away") is not None
            and view["status"] == "out_for_delivery"):
        away = view["stops_away"]
        return f"{view['status_text']}: {stops_text(away, lang) if away > 0 else _next(lang)}"
    return view["status_text"]


NEXT_STOP = N_("you are the next stop")


def _next(lang: str) -> str:
    return translations(lang).gettext(NEXT_STOP)


def page_view(view: dict[str, Any], lang: str) -> dict[str, Any]:
    """The view in `lang` with the page's texts (`headline`, each timeline entry's `when`,
    `proof.time`, `eta.day_text`)."""
    out = localized(view, lang)
    tz = out["timezone"]
    out = dict(out, headline=headline(out, lang), timeline=[
        dict(e, when=day_and_time(e["at"], tz, lang)) for e in out["timeline"]])
    proof = out.get("proof")
    if proof:
        at = moment(proof.get("at"), tz)
        out["proof"] = dict(proof, time=clock(at, lang) if at else "")
    eta = out.get("eta")
    if eta:
        # A time the engine could not read stays empty here, as its other fields do.
        start, end = (moment(edge, tz) for edge in eta.get("window") or (None, None))
        out["eta"] = dict(eta, day_text=day(start, lang) if start else "",
                          end_hour=end.hour if end else 0)
    return out
