"""The seller's branding on the customer's page: who sent the parcel and how to reach them.

Name, colour and contact (email, phone, website) are checked here; the logo is re-encoded by
Pillow (`app.proof.images.decoded`: content-typed, pixel-bounded, metadata dropped) into a small
PNG, kept in the store and served from the customer's own link, under the page's CSP.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re

from PIL import Image

from app.domain import sizes
from app.proof.images import decoded
from app.store import Store

KIND, LOGO_KIND = "branding", "branding_logo"
LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_PIXELS = 4096 * 4096
LOGO_SIDE = 256  # drawn at 48 px high; 256 is sharp on any phone
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
EMAIL = re.compile(r"[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+")
PHONE = re.compile(r"\+?[0-9][0-9 ().-]{4,30}")
LIMITS = sizes.BRANDING
FIELDS = ("name", "colour", "email", "phone", "website")


class BrandingRefused(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field} {message}")
        self.field, self.message = field, f"{field} {message}"


def checked(fields: dict) -> dict:
    """The settings as stored: strings trimmed, empty ones None. Raises BrandingRefused."""
    out: dict = {}
    for name in FIELDS:
        value = fields.get(name)
        if value is None or value == "":
            out[name] = None
            continue
        if not isinstance(value, str) or not value.isprintable():
            raise BrandingRefused(name, "must be text on one line")
        value = value.strip()
        if len(value) > LIMITS.get(name, 7):
            raise BrandingRefused(name, f"must be at most {LIMITS.get(name, 7)} characters")
        out[name] = value or None
    if out["colour"] and not COLOUR.fullmatch(out["colour"]):
        raise BrandingRefused("colour", "must be a colour like #0b6bcb")
    if out["email"] and not EMAIL.fullmatch(out["email"]):
        raise BrandingRefused("email", "must be an email address like help@shop.example")
    if out["phone"] and not PHONE.fullmatch(out["phone"]):
        raise BrandingRefused("phone", "must be a phone number like +358 9 123 4567")
    # Only web addresses: the page links to it, and a javascript: URL would run there.
    if out["website"] and not re.fullmatch(r"https?://[^\s/?#]+\.[^\s]*", out["website"]):
        raise BrandingRefused("website", "must start with https:// or http://")
    return out


def logo_png(data: bytes) -> bytes:
    """An uploaded logo as a small PNG with nothing but its pixels. Raises BrandingRefused."""
    if len(data) > LOGO_MAX_BYTES:
        raise BrandingRefused("logo", f"must be at most {LOGO_MAX_BYTES // 1024} KB")
    try:
        img = decoded(data, LOGO_MAX_PIXELS)
    except ValueError as exc:  # PhotoRefused
        raise BrandingRefused("logo", str(exc)) from None
    img = img.convert("RGBA")  # keeps a transparent background transparent
    img.thumbnail((LOGO_SIDE, LOGO_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    img.save(out, "PNG", optimize=True)
    return out.getvalue()


class Branding:
    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, seller_id: str) -> dict:
        """The seller's settings (every field, None where unset) and the logo's version."""
        doc = self.store.get_doc(KIND, seller_id) or {}
        return {**{name: doc.get(name) for name in FIELDS}, "logo": doc.get("logo")}

    def put(self, seller_id: str, fields: dict) -> dict:
        """Replace the text settings (checked); the logo stays. Raises BrandingRefused."""
        doc = {**checked(fields), "logo": self.get(seller_id)["logo"]}
        self.store.put_doc(KIND, seller_id, doc)
        return doc

    def save(self, seller_id: str, fields: dict, logo: bytes | None, remove_logo: bool) -> dict:
        """The settings page's form: everything is checked before anything is kept, so a
        refused logo leaves the text settings as they were too. Raises BrandingRefused."""
        checked(fields)
        png = logo_png(logo) if logo is not None else None
        doc = self.put(seller_id, fields)
        if png is not None:
            doc = self._keep_logo(seller_id, png)
        elif remove_logo:
            doc = self.delete_logo(seller_id)
        return doc

    def put_logo(self, seller_id: str, data: bytes) -> dict:
        return self._keep_logo(seller_id, logo_png(data))

    def _keep_logo(self, seller_id: str, png: bytes) -> dict:
        version = hashlib.sha256(png).hexdigest()[:16]
        self.store.put_doc(LOGO_KIND, seller_id, {"png": base64.b64encode(png).decode(),
                                                  "version": version})
        doc = {**self.get(seller_id), "logo": version}
        self.store.put_doc(KIND, seller_id, doc)
        return doc

    def delete_logo(self, seller_id: str) -> dict:
        self.store.delete_doc(LOGO_KIND, seller_id)
        doc = {**self.get(seller_id), "logo": None}
        self.store.put_doc(KIND, seller_id, doc)
        return doc

    def logo(self, seller_id: str) -> bytes | None:
        doc = self.store.get_doc(LOGO_KIND, seller_id)
        return base64.b64decode(doc["png"]) if doc else None
