"""The longest text each form field takes, for the pages' `maxlength`: read from the rule that
checks the field, never copied into a template (tests/unit/test_maxlength.py)."""

from __future__ import annotations

from app.customer.branding import LIMITS as BRANDING
from app.customer.feedback import MAX_COMMENT
from app.customer.instructions import MAX_NOTE
from app.web.api.geocode import MAX_QUERY
from app.web.api.validation import MAX_PROOF_NOTE

MAXLENGTH = {
    "brand_name": BRANDING["name"],
    "brand_email": BRANDING["email"],
    "brand_phone": BRANDING["phone"],
    "brand_website": BRANDING["website"],
    "feedback_comment": MAX_COMMENT,
    "instructions_note": MAX_NOTE,
    "proof_note": MAX_PROOF_NOTE,
    "address_query": MAX_QUERY,
}
