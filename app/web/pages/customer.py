"""The customer's tracking page: one shipment, live; its feedback page; the seller's logo."""

from __future__ import annotations

import re

from flask import Response, abort, current_app, render_template, url_for

from app.access import csrf
from app.customer.instructions import OPEN_STATUSES
from app.domain.hours import CLOSES
from app.extensions import services
from app.i18n import current
from app.i18n.map_note import map_note
from app.i18n.page_view import page_view
from app.i18n.page_words import left_at_names, page_words, place_names
from app.web.pages import bp, page_config

STORED_PHOTO = re.compile(r"ph_[0-9a-f]{32}")


def _seller(shipment, token: str) -> dict:
    """Who sent the parcel, as the page shows it (the seller's branding settings)."""
    brand = services().branding.get(shipment.seller_id)
    logo = url_for("web.seller_logo", token=token, v=brand["logo"]) if brand["logo"] else None
    return {**brand, "logo": logo}


@bp.get("/track/<token>")
def track(token: str):
    """Show the live tracking page of one shipment."""
    found = services().reads.view_for_token(token)
    if found is None:
        abort(404)
    shipment, view = found
    lang = current()
    view = page_view(view, lang)
    api = url_for("api.track", token=token)
    seller = _seller(shipment, token)
    page = page_config(token=token, textsUrl=api + "/texts", photosUrl=api + "/photos",
                       instructionsUrl=api + "/instructions", csrfToken=csrf.token(),
                       instructionsOpen=list(OPEN_STATUSES),
                       feedbackPage=url_for("web.feedback_page", token=token),
                       brandColour=seller["colour"],
                       visibleStops=current_app.config["VISIBLE_STOPS"], lang=lang,
                       closesHour=CLOSES)
    places = place_names(lang)
    proof = view.get("proof") or {}
    left_at = proof.get("left_at")
    return render_template("track.html", view=view, page=page, seller=seller,
                           safe_places=places, words=page_words(lang),
                           map_note=map_note(view, lang, page["visibleStops"]),
                           # As the script names it: every place the driver's app offers.
                           proof_place=left_at_names(lang).get(left_at, left_at),
                           photo_key=_stored(proof.get("photo")),
                           signature_key=_stored(proof.get("signature")))


def _stored(key) -> str | None:
    """A photo this server holds (the driver app's upload, `ph_` and 32 hex digits), as
    timeline.js's renderProof tells it from an API client's photo URL."""
    return key if isinstance(key, str) and STORED_PHOTO.fullmatch(key) else None


@bp.get("/track/<token>/feedback")
def feedback_page(token: str):
    """Show the feedback form of a delivered shipment (the 8 pm request links here)."""
    found = services().reads.view_for_token(token)
    if found is None:
        abort(404)
    shipment, view = found
    seller = _seller(shipment, token)
    page = page_config(feedbackUrl=url_for("api.track", token=token) + "/feedback",
                       csrfToken=csrf.token(), brandColour=seller["colour"])
    return render_template("feedback.html", view=view, page=page, seller=seller,
                           track_url=url_for("web.track", token=token),
                           words=page_words(current()))


@bp.get("/track/<token>/logo")
def seller_logo(token: str):
    """The logo of the seller who sent this shipment, a PNG re-encoded on upload."""
    shipment = services().reads.shipment_for_token(token)
    logo = services().branding.logo(shipment.seller_id) if shipment else None
    if logo is None:
        abort(404)
    # The URL carries the logo's version (?v=): a new logo is a new URL.
    return Response(logo, mimetype="image/png",
                    headers={"Cache-Control": "private, max-age=86400",
                             "X-Content-Type-Options": "nosniff"})
