"""The customer's tracking page: one shipment, live."""

from __future__ import annotations

from flask import abort, current_app, render_template, url_for

from app.extensions import services
from app.i18n import current
from app.i18n.page_words import page_words
from app.i18n.wording import localized
from app.web.pages import bp, page_config


@bp.get("/track/<token>")
def track(token: str):
    """Show the live tracking page of one shipment."""
    found = services().reads.view_for_token(token)
    if found is None:
        abort(404)
    lang = current()
    view = localized(found[1], lang)
    texts = url_for("api.track", token=token) + "/texts"
    photos = url_for("api.track", token=token) + "/photos"
    page = page_config(token=token, textsUrl=texts, photosUrl=photos,
                       visibleStops=current_app.config["VISIBLE_STOPS"], lang=lang)
    return render_template("track.html", view=view, page=page, words=page_words(lang))
