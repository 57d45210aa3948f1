"""Every `maxlength` in the templates comes from the rule that checks the field
(app/web/lengths.py), so a page never takes text its server refuses, or refuses text it takes."""

from __future__ import annotations

import re
from pathlib import Path

from app.customer.branding import LIMITS
from app.customer.feedback import MAX_COMMENT
from app.customer.instructions import MAX_NOTE
from app.web.lengths import MAXLENGTH
from tests.support.signin import sign_in

TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "templates"
ATTRIBUTE = re.compile(r"""maxlength\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*))""", re.I)
FROM_RULE = re.compile(r"\{\{\s*maxlength\.(\w+)\s*\}\}")


def maxlengths(text: str) -> list[str]:
    return [next(g for g in m.groups() if g is not None) for m in ATTRIBUTE.finditer(text)]


def copied(text: str) -> list[str]:
    """The maxlength values not read from MAXLENGTH."""
    return [v for v in maxlengths(text)
            if not (m := FROM_RULE.fullmatch(v)) or m.group(1) not in MAXLENGTH]


def test_every_maxlength_in_the_templates_comes_from_the_rules():
    found = {p.name: maxlengths(p.read_text()) for p in TEMPLATES.rglob("*.html")}
    assert sum(map(len, found.values())) >= 8  # the scan sees the forms
    assert {p.name: copied(p.read_text()) for p in TEMPLATES.rglob("*.html")
            if copied(p.read_text())} == {}


def test_the_scan_finds_a_copied_number():
    assert copied('<input maxlength="80"> <textarea maxlength=500>') == ["80", "500"]
    assert copied('<input maxlength="{{ maxlength.nope }}">') == ["{{ maxlength.nope }}"]
    assert copied('<input maxlength="{{ maxlength.brand_name }}">') == []


def test_the_lengths_are_the_rules():
    assert MAXLENGTH["brand_name"] == LIMITS["name"]
    assert MAXLENGTH["feedback_comment"] == MAX_COMMENT
    assert MAXLENGTH["instructions_note"] == MAX_NOTE


def test_a_page_shows_the_rule_s_length(client):
    sign_in(client)
    html = client.get("/dashboard/settings").get_data(as_text=True)
    for field in ("brand_name", "brand_email", "brand_phone", "brand_website"):
        assert f'maxlength="{MAXLENGTH[field]}"' in html
