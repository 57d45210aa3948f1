"""What the seller's customers left on their pages, for the dashboard: delivery instructions,
feedback with its averages; and the branding settings those pages show."""

from __future__ import annotations

from flask import jsonify, redirect, render_template, request, url_for

from app.access import csrf
from app.customer.branding import FIELDS, LOGO_MAX_BYTES, BrandingRefused
from app.customer.feedback import public, summary
from app.domain.hours import iso_utc
from app.extensions import services
from app.web.pages import bp
from app.web.pages.session import seller_required, signed_in_seller

LISTED = 50  # the dashboard shows the newest; the API has them all


@bp.get("/dashboard/instructions")
@seller_required
def dashboard_instructions():
    """The customers' delivery instructions on the seller's shipments, newest first."""
    docs = services().instructions.for_seller(signed_in_seller())[:LISTED]
    ships = {s["tracking_id"]: s for s in services().reads.shipment_records(
        [d["tracking_id"] for d in docs])}
    return jsonify(instructions=[
        {"tracking_id": d["tracking_id"], "note": d["note"], "safe_place": d["safe_place"],
         "recipient": ships.get(d["tracking_id"], {}).get("recipient"), "at": iso_utc(d["at"])}
        for d in docs])


@bp.get("/dashboard/ratings")
@seller_required
def dashboard_ratings():
    """The customers' feedback, newest first, with averages per driver and per day."""
    docs = services().feedback.for_seller(signed_in_seller())
    return jsonify(summary=summary(docs), feedback=[
        {**public(d), "at": iso_utc(d["at"])} for d in docs[:LISTED]])


def _settings_page(brand: dict, error: str | None = None, field: str | None = None,
                   saved: bool = False, status: int = 200):
    return render_template("settings.html", brand=brand, error=error, field=field, saved=saved,
                           csrf_token=csrf.token()), status


@bp.get("/dashboard/settings")
@seller_required
def settings_page():
    """Show the branding settings: name, logo, colour and contact on the customers' pages."""
    return _settings_page(services().branding.get(signed_in_seller()),
                          saved=request.args.get("saved") == "1")


@bp.post("/dashboard/settings")
@seller_required
def save_settings():
    """Save the branding settings (and a new logo, or remove it)."""
    seller, branding = signed_in_seller(), services().branding
    fields = {name: request.form.get(name, "") for name in FIELDS}
    upload = request.files.get("logo")
    # One byte past the limit is enough to refuse it: the rest is never read into memory.
    logo = upload.read(LOGO_MAX_BYTES + 1) if upload is not None and upload.filename else None
    try:
        branding.save(seller, fields, logo, bool(request.form.get("remove_logo")))
    except BrandingRefused as exc:
        return _settings_page({**branding.get(seller), **fields}, exc.message, exc.field,
                              status=400)
    return redirect(url_for("web.settings_page", saved=1))

