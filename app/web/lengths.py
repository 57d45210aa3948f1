"""The longest text each form field takes, for the pages' `maxlength`: read from the sizes the
checks use (app/domain/sizes.py), never copied into a template (tests/unit/test_maxlength.py)."""

from __future__ import annotations

from app.domain import sizes

MAXLENGTH = {
    "brand_name": sizes.BRANDING["name"],
    "brand_email": sizes.BRANDING["email"],
    "brand_phone": sizes.BRANDING["phone"],
    "brand_website": sizes.BRANDING["website"],
    "feedback_comment": sizes.FEEDBACK_COMMENT,
    "instructions_note": sizes.INSTRUCTIONS_NOTE,
    "proof_note": sizes.PROOF_NOTE,
    "address_query": sizes.ADDRESS,
}
