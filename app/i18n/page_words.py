"""The words the customer page's script builds at run time (map notes, proof captions, the
texts form's answers), translated on the server and handed to the page in its config, so the
script holds no catalog of its own. Placeholders are `{name}`; plural words come as one text per
CLDR plural category, for the page's `Intl.PluralRules` to choose from."""

from __future__ import annotations

from babel import Locale

from app.customer.instructions import LEFT_AT_NAMES, SAFE_PLACE_NAMES
from app.i18n.catalogs import N_, Np_, translations

# The driver's vehicle, as the map marker's name and the front page's demo list say it.
VEHICLES = {"van": N_("van"), "bike": N_("bike"), "motorcycle": N_("motorcycle"),
            "foot": N_("on foot"), "drone": N_("drone")}

WORDS = {
    "delivered_here": N_("Delivered here at {time}"),
    "your_address": N_("Your delivery address"),
    "map_closed": N_("The driver has left your address, so the live map is closed."),
    "map_later": N_("The live map appears on the delivery day, when the driver is a few stops "
                    "away."),
    "map_soon": N_("The live map appears here as soon as the driver's position comes in."),
    "at_another_stop": N_("Your driver is at another delivery. The map shows them again as they "
                          "move on."),
    # Leaflet's zoom buttons (their title and accessible name).
    "zoom_in": N_("Zoom in"),
    "zoom_out": N_("Zoom out"),
    "is_delivering": N_("{name} is delivering"),
    "will_deliver": N_("{name} will deliver it"),
    "arriving_today": N_("Arriving today"),
    "map_after_leaving": N_("The live map appears here once the driver has left the station and "
                            "is a few stops away."),
    "updated": N_("· updated {age} ago"),
    "live": N_("Live"),
    "reconnecting": N_("Reconnecting…"),
    "left_at": N_("left at {place}"),
    "next_stop": N_("you are the next stop"),
    "moved_day": N_("Drivers deliver until {hour}:00, so it comes on {day}."),
    "late_day": N_("Delivery day {day}. Drivers deliver until {hour}:00; if the route runs late, "
                   "it comes on the next delivery day."),
    "delivery_day": N_("Delivery day {day}."),
    "handed_over": N_("Handed over"),
    "no_note": N_("No note"),
    "photo_at": N_("Photo taken at {time}"),
    "see_photo": N_("See the driver's photo"),
    "no_photo": N_("Delivered at {time}: no photo was taken."),
    "photo_gone": N_("Delivered at {time}: the photo is not available."),
    "attempted": N_("Delivery attempted."),
    "attempt_next": N_("What happens next: the parcel goes back to the station and comes out "
                       "again on the next delivery day, between 08:00 and 20:00. You do not need "
                       "to do anything; text updates tell you when it is on its way."),
    "bad_phone": N_("That does not look like a mobile number. Use the international form, like "
                    "+358401234567."),
    "signup_failed": N_("Could not sign you up just now. Try again in a moment."),
    "signed_up": N_("Signed up. We text you when the driver sets out, when they are close, "
                    "when it is delivered or could not be, and once that evening to ask how it "
                    "went."),
    "stop_failed": N_("Could not stop the texts just now. Try again."),
    "stopped": N_("Texts stopped. We will not text you about this delivery."),
    # Delivery instructions (instructions.js).
    "if_nobody_home": N_("If nobody is home: {place}"),
    "note_is": N_("Note: {note}"),
    "your_instructions": N_("Your instructions:"),
    "save_offline": N_("Could not save just now: check your connection and try again."),
    "at_door_already": N_("The driver is already at your door, so the instructions can no "
                          "longer change."),
    "too_many_changes": N_("Too many changes: try again later."),
    "note_too_long": N_("The note is too long (at most 300 characters) or has characters we "
                        "cannot keep."),
    "save_failed": N_("Could not save just now. Reload the page and try again."),
    "instructions_saved": N_("Saved. Your driver sees these instructions."),
    # The feedback page (feedback.js).
    "rate_delivery": N_("Choose a rating from 1 to 5 for the delivery."),
    "rate_product": N_("Choose a rating from 1 to 5 for what you ordered."),
    "send_offline": N_("Could not send just now: check your connection and try again."),
    "feedback_thanks": N_("Thank you! The shop has your feedback."),
    "feedback_given": N_("You already sent feedback for this delivery. Thank you!"),
    "too_many_tries": N_("Too many tries: try again later."),
    "comment_too_long": N_("The comment is too long (at most 1000 characters)."),
    "send_failed": N_("Could not send just now. Reload the page and try again."),
}

WORDS.update({f"vehicle_{vehicle}": name for vehicle, name in VEHICLES.items()})

PLURALS = {
    "stops_away": Np_("%(num)d stop away", "%(num)d stops away"),
    "stops_before": Np_("The driver has %(num)d stop before yours. The live map appears here "
                        "when {visible} or fewer are left.",
                        "The driver has %(num)d stops before yours. The live map appears here "
                        "when {visible} or fewer are left."),
}


def _plural_forms(lang: str, singular: str, plural: str) -> dict[str, str]:
    """One text per CLDR plural category of `lang`, with `{n}` where the number goes."""
    t, rule = translations(lang), Locale.parse(lang).plural_form
    forms: dict[str, str] = {}
    for n in range(0, 201):  # every category of en, fi and sv shows up among small numbers
        forms.setdefault(rule(n), t.ngettext(singular, plural, n).replace("%(num)d", "{n}"))
    return forms


def page_words(lang: str) -> dict:
    """The run-time words of the customer page in `lang`."""
    t = translations(lang)
    return {"words": {key: t.gettext(text) for key, text in WORDS.items()},
            "plurals": {key: _plural_forms(lang, *pair) for key, pair in PLURALS.items()},
            # Where the driver left it, for "left at ..." under the proof (the driver's choice).
            "places": left_at_names(lang)}


def vehicle_name(vehicle: str, lang: str) -> str:
    """A vehicle's name in `lang` (`foot`: "on foot", "jalan", "till fots")."""
    return translations(lang).gettext(VEHICLES[vehicle]) if vehicle in VEHICLES else vehicle


def place_names(lang: str) -> dict[str, str]:
    """The safe places in `lang`, by the value the API takes (`front door`: `etuovelle`)."""
    t = translations(lang)
    return {place: t.gettext(name) for place, name in SAFE_PLACE_NAMES.items()}


def left_at_names(lang: str) -> dict[str, str]:
    """Where the driver's app says a parcel was left, in `lang`."""
    t = translations(lang)
    return {place: t.gettext(name) for place, name in LEFT_AT_NAMES.items()}
