"""axe-core (npm, pinned) in real Chromium on the customer's pages, in every state a customer
meets (attempted, delivered and attempted in Finnish and Swedish, the driver reaching another
customer's door after load among them) and at 360 and 1280 px: no serious or critical
violation; the tracking page's layout shift stays under 0.1. The same audit prints its
table: bench/page_audit.py."""

from __future__ import annotations

from bench.page_audit import AXE, WIDTHS, audit, customer_pages, table


def test_no_serious_violation_and_no_big_layout_shift(live_server, browser):
    assert AXE.exists(), "axe-core is not installed: npm ci"
    pages = customer_pages(live_server.url)
    results = [audit(browser, live_server.url, name, path, width)
               for name, path in pages.items() for width in WIDTHS]
    serious = [r for r in results if r.serious]
    assert serious == [], table(serious)
    shifting = [r for r in results if r.page.startswith("track") and r.cls >= 0.1]
    assert shifting == [], table(shifting)
    assert len(results) == 2 * len(pages) == 24
