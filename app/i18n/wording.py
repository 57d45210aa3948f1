"""The customer view's texts in the customer's language.

The domain builds English texts (the API's, as it always was); a page, a lookup or a socket in
Finnish or Swedish gets them rewritten here from the view's structured fields (status, stops
away, times, ETA window), so no text is parsed and the domain stays free of Flask. The language
is passed in, not read from a request: the broadcaster localises outside any request.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from babel.dates import format_skeleton, format_time

from app.customer.instructions import LEFT_AT_NAMES
from app.domain.hours import zone
from app.domain.tracking.statuses import REASON_TEXT
from app.i18n.catalogs import DEFAULT, N_, translations

# The words of each status, as the lookup shows them (fixed words, never free text).
STATUS_WORDS = {
    "created": N_("Order received"),
    "out_for_delivery": N_("Out for delivery"),
    "approaching": N_("On the way"),
    "arriving": N_("Arriving soon"),
    "delivered": N_("Delivered"),
    "attempted": N_("Delivery attempted"),
    "returned": N_("Returned to the station"),
}
_FINAL = ("delivered", "attempted", "returned")
# Headlines app/domain/view.py writes as fixed words (no numbers or times in them): translated
# as they are.
FIXED_HEADLINES = {
    "Arriving today": N_("Arriving today"),
    "Arriving tomorrow": N_("Arriving tomorrow"),
    "Your order is being picked up": N_("Your order is being picked up"),
    "Coming on the next delivery day": N_("Coming on the next delivery day"),
}


# The broadcaster formats these for every view of every tick (a timeline's times never change,
# an ETA's edges sit on 5-minute marks): measured under bench.load, `strftime` and the zone
# conversion were 14% of the server's CPU before they were cached (docs/performance.md).
@lru_cache(maxsize=16384)
def moment(iso: str | None, tz: str) -> datetime | None:
    """An ISO UTC time as the delivery area's local time."""
    if not iso:
        return None
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(zone(tz))


def clock(at: datetime, lang: str) -> str:
    """`14:10` in English and Swedish, `14.10` in Finnish."""
    # English keeps the 24-hour clock of the domain's texts, not CLDR's `2:10 PM`.
    return f"{at.hour:02d}:{at.minute:02d}" if lang == DEFAULT else format_time(
        at, "short", locale=lang)


def day(at: datetime, lang: str) -> str:
    """`Thu 26 Nov`, `to 26.11.`, `tors 26 nov.`: short, in the locale's own order."""
    return _day(at.date(), lang)


@lru_cache(maxsize=1024)
def _day(d: date, lang: str) -> str:
    return f"{d:%a} {d.day} {d:%b}" if lang == DEFAULT else format_skeleton(
        "MMMEd", datetime(d.year, d.month, d.day, 12), locale=lang)


@lru_cache(maxsize=16384)
def day_and_time(iso: str | None, tz: str, lang: str) -> str:
    at = moment(iso, tz)
    return f"{day(at, lang)} {clock(at, lang)}" if at else ""


def stops_text(n: int, lang: str) -> str:
    t = translations(lang)
    if n <= 0:
        return t.gettext("You are the next stop")
    return t.ngettext("%(num)d stop away", "%(num)d stops away", n) % {"num": n}


def status_text(view: dict[str, Any], lang: str) -> str:
    """The headline, by the rules app/domain/view.py builds it with in English."""
    t, tz, status = translations(lang), view["timezone"], view["status"]
    if view.get("status_text") in FIXED_HEADLINES:
        return t.gettext(FIXED_HEADLINES[view["status_text"]])
    if status == "created" and view.get("arrives_on"):  # a day after tomorrow (see view.py)
        return t.gettext("Arriving on %(day)s") % {
            "day": day(datetime.fromisoformat(view["arrives_on"]), lang)}
    if view.get("visited_at") and status not in _FINAL:
        return t.gettext("Your driver stopped at your address at %(time)s") % {
            "time": clock(moment(view["visited_at"], tz), lang)}
    if status == "approaching" and view.get("stops_away") is not None:
        return stops_text(view["stops_away"], lang)
    if status == "arriving":
        return t.gettext("Your driver is almost there")
    if status == "attempted" and (view.get("attempt") or {}).get("next_attempt"):
        return change_text(status, view["attempt"], "", tz, lang, "")
    if status == "delivered" and (view.get("proof") or {}).get("at"):
        return t.gettext("Delivered at %(time)s") % {
            "time": clock(moment(view["proof"]["at"], tz), lang)}
    return status_words(status, lang)


def status_words(status: str, lang: str) -> str:
    return translations(lang).gettext(STATUS_WORDS[status]) if status in STATUS_WORDS else status


def eta_text(eta: dict[str, Any], tz: str, lang: str) -> str:
    t = translations(lang)
    if eta.get("moved_to_next_day"):
        return t.gettext("Moved to the next delivery day, %(day)s") % {
            "day": day(datetime.fromisoformat(eta["day"]), lang)}
    lo, hi = (clock(moment(edge, tz), lang) for edge in eta["window"])
    return t.gettext("Arriving %(start)s-%(end)s") % {"start": lo, "end": hi}


def localized(view: dict[str, Any], lang: str) -> dict[str, Any]:
    """The customer view with its texts in `lang` (English: the view as it is)."""
    if lang == DEFAULT:
        return view
    tz = view["timezone"]
    out = dict(view, status_text=status_text(view, lang), lang=lang)
    if view.get("eta"):
        out["eta"] = dict(view["eta"], text=eta_text(view["eta"], tz, lang))
    # Timeline entries keep their status, not their inputs: the fixed words of each status.
    out["timeline"] = [dict(e, text=status_words(e["status"], lang)) for e in view["timeline"]]
    return out


def localized_lookup(status_only: dict[str, Any], lang: str) -> dict[str, Any]:
    """The lookup's status-only view (fixed words per status) in `lang`."""
    if lang == DEFAULT:
        return status_only
    return dict(status_only, status_text=status_words(status_only["status"], lang), timeline=[
        dict(e, text=status_words(e["status"], lang)) for e in status_only["timeline"]])


# The domain's REASON_TEXT (app/domain/tracking/statuses.py), marked here for the catalog: the
# domain imports nothing of the app's web side (a test keeps the two lists equal).
REASONS = (N_("no safe place to leave it"), N_("the business was closed"),
           N_("the driver could not get access"), N_("nobody was available"))


def change_text(status: str, detail: dict[str, Any], driver: str, tz: str, lang: str,
                english: str) -> str:
    """A status change as a text message says it (`english` is the domain's own wording)."""
    if lang == DEFAULT:
        return english
    t = translations(lang)
    if status == "out_for_delivery":
        return t.gettext("Out for delivery with %(name)s") % {"name": driver}
    if status == "approaching" and "stops_away" in detail:
        return stops_text(detail["stops_away"], lang)
    if status == "delivered":
        where = (detail.get("proof") or {}).get("left_at")
        if where in LEFT_AT_NAMES:
            where = t.gettext(LEFT_AT_NAMES[where])
        return t.gettext("Delivered, left at: %(place)s") % {"place": where} if where else (
            status_words(status, lang))
    if status == "attempted" and detail.get("next_attempt"):
        # Its pickup failed: the parcel never left the shop, no door was tried.
        words = t.gettext("Your order could not be collected for delivery: %(reason)s. We will "
                          "try again %(day)s") if detail.get("at_pickup") else t.gettext(
            "Delivery attempted: %(reason)s. We will try again %(day)s")
        return words % {
            "reason": t.gettext(REASON_TEXT.get(detail.get("reason"), "")) or "",
            "day": day(datetime.fromisoformat(detail["next_attempt"]), lang)}
    return status_words(status, lang)


def text_body(label: str, words: str, link: str, lang: str) -> str:
    """The text message of a status change: `Delivery order-1: 2 stops away. <link>`."""
    return translations(lang).gettext("Delivery %(label)s: %(words)s.") % {
        "label": label, "words": words} + link
