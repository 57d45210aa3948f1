"""Bytes the customer's tracking page costs: HTML, scripts, styles, fonts and the street map's
tiles (fetched ranges of its archive), first and repeat view.

Headless Chromium opens a customer's page (a driver on the way, the map showing) through the
DevTools protocol and counts, per resource type: the bytes the page uses (decoded), the bytes that
crossed the wire (headers and body, compressed or not: Network.loadingFinished's
encodedDataLength), and what gzip -6 would make of the body. Then it opens the same page again in
the same browser profile (a repeat view) and counts requests that went to the server at all
(304 revalidations included) and those served from the browser's cache.

    .venv/bin/python -m bench.page_weight --port 5270
"""

from __future__ import annotations

import argparse
import base64
import collections
import gzip
import shutil

from bench.page_audit import ROOT, customer_pages, start_server

TYPES = ("Document", "Script", "Stylesheet", "Font", "Fetch")


def view(page, cdp, url: str) -> list[dict]:
    """Open `url`; answer one record per HTML, script, style, font or fetch request."""
    seen: dict[str, dict] = {}

    def on_response(e):
        r = e["response"]
        headers = {k.lower(): v for k, v in r["headers"].items()}
        if e["type"] in TYPES:
            seen[e["requestId"]] = {"url": r["url"], "type": e["type"], "status": r["status"],
                                    "encoding": headers.get("content-encoding", ""),
                                    "cache": headers.get("cache-control", ""),
                                    "cached": bool(r.get("fromDiskCache")
                                                   or r.get("fromMemoryCache")),
                                    "wire": 0}

    from_cache: set[str] = set()

    def on_cached(e):
        from_cache.add(e["requestId"])

    def on_finished(e):
        if e["requestId"] in seen:
            seen[e["requestId"]]["wire"] = e["encodedDataLength"]

    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.loadingFinished", on_finished)
    cdp.on("Network.requestServedFromCache", on_cached)
    page.goto(url, wait_until="load")
    page.wait_for_timeout(2000)
    cdp.remove_listener("Network.responseReceived", on_response)
    cdp.remove_listener("Network.loadingFinished", on_finished)
    cdp.remove_listener("Network.requestServedFromCache", on_cached)
    for request_id, rec in seen.items():
        body = b""
        if rec["status"] == 200:
            try:
                got = cdp.send("Network.getResponseBody", {"requestId": request_id})
                body = (base64.b64decode(got["body"]) if got["base64Encoded"]
                        else got["body"].encode())
            except Exception:  # noqa: BLE001 # nosec B110 # evicted from the buffer: counted as 0
                pass
        rec["decoded"] = len(body)
        rec["gzip"] = len(gzip.compress(body, 6)) if body else 0
        rec["cached"] = rec["cached"] or request_id in from_cache
        if rec["cached"]:
            rec["wire"] = 0
    return list(seen.values())


def totals(records: list[dict]) -> str:
    by = collections.defaultdict(lambda: [0, 0, 0, 0])
    for r in records:
        row = by[r["type"]]
        row[0] += 1
        row[1] += r["decoded"]
        row[2] += r["wire"]
        row[3] += r["gzip"]
    lines = [f"  {'type':11s} {'files':>5s} {'decoded':>9s} {'on wire':>9s} {'gzip -6':>9s}"]
    for kind in TYPES:
        if kind in by:
            n, dec, wire, gz = by[kind]
            lines.append(f"  {kind:11s} {n:5d} {dec:9,d} {wire:9,d} {gz:9,d}")
    n, dec, wire, gz = (sum(v[i] for v in by.values()) for i in range(4))
    lines.append(f"  {'total':11s} {n:5d} {dec:9,d} {wire:9,d} {gz:9,d}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", type=int, default=5270)
    ap.add_argument("--files", action="store_true", help="list every file")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    log = ROOT / "var" / "page_weight.log"
    log.parent.mkdir(exist_ok=True)
    proc = start_server(args.port, log)
    base = f"http://127.0.0.1:{args.port}"
    try:
        url = base + customer_pages(base)["track: on the way"]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                        args=["--no-sandbox", "--disable-gpu"])
            context = browser.new_context(viewport={"width": 360, "height": 800})
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable", {"maxResourceBufferSize": 20_000_000,
                                        "maxTotalBufferSize": 100_000_000})
            # Offline, without Playwright's routing: routing turns the browser's cache off.
            cdp.send("Network.setBlockedURLs", {"urls": ["*tile.openstreetmap.org*"]})
            first = view(page, cdp, url)
            repeat = view(page, cdp, url)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    print("customer page, first view (HTML, scripts, styles, fonts, the map's tiles: Fetch):")
    print(totals(first))
    if args.files:
        for r in sorted(first, key=lambda r: -r["decoded"]):
            print(f"    {r['decoded']:9,d} {r['wire']:9,d} {r['encoding'] or '-':5s} "
                  f"{r['cache'] or '-':40s} {r['url'].replace(base, '')[:70]}")
    asked = [r for r in repeat if not r["cached"]]
    static = [r for r in asked if "/static/" in r["url"]]
    print(f"repeat view: {len(repeat)} files, {len(asked)} asked of the server "
          f"({sum(r['status'] == 304 for r in asked)} of them 304; {len(static)} static "
          f"files), "
          f"{sum(r['wire'] for r in repeat):,d} bytes on the wire")
    for r in asked:
        print(f"    asked: {r['status']} {r['url'].replace(base, '')[:80]}")


if __name__ == "__main__":
    main()
