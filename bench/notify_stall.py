"""How long one stalled webhook endpoint holds up everyone else's webhooks and texts.

    python -m bench.notify_stall --stalled 5 --stall 2

One seller's endpoint answers each request only after --stall seconds, and --stalled deliveries
to it fall due first; then another seller's webhook and a customer's text (to an HTTP SMS
gateway) fall due. The sender runs as in the server (`run_forever`, here in threading mode with
the in-memory store, looking for work every 0.05 s); the figures are the seconds from "all due"
to each request reaching its receiver.
"""

from __future__ import annotations

import argparse
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    """An HTTP endpoint that notes when each request arrived, then stalls its answer."""

    def __init__(self, stall: float) -> None:
        self.arrived: list[float] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.arrived.append(time.monotonic())
                time.sleep(stall)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stalled", type=int, default=5, help="deliveries to the stalled endpoint")
    parser.add_argument("--stall", type=float, default=2.0, help="seconds it takes to answer")
    args = parser.parse_args()
    slow, fast, gateway = Receiver(args.stall), Receiver(0.0), Receiver(0.0)

    from app import create_app

    app = create_app({"TESTING": True, "ASYNC_MODE": "threading", "STORE_URL": "memory://",
                      "SMS_GATEWAY_URL": gateway.url, "WEBHOOK_TIMEOUT": args.stall + 3})
    notify = app.extensions["doorstep"].notify
    notify.endpoints.create("slow-shop", slow.url, ["delivered"])
    notify.endpoints.create("other-shop", fast.url, ["delivered"])
    for i in range(args.stalled):
        notify.dispatch.hooks("slow-shop", "delivered", {"tracking_id": f"S{i}", "route_id": "r1"})
    notify.dispatch.hooks("other-shop", "delivered", {"tracking_id": "O1", "route_id": "r2"})
    ship = {"tracking_id": "O1", "route_id": "r2"}
    notify.dispatch.text("other-shop", ship, "+358401234567", "delivered", "Delivered.",
                         time.time())

    due = time.monotonic()
    loop = threading.Thread(target=notify.worker.run_forever, args=(0.05,), daemon=True)
    loop.start()
    deadline = due + args.stalled * (args.stall + 1) + 10
    while time.monotonic() < deadline and (
            len(slow.arrived) < args.stalled or not fast.arrived or not gateway.arrived):
        time.sleep(0.01)
    notify.worker.running = False
    loop.join(timeout=args.stall + 5)

    def seconds(times: list[float]) -> str:
        return ", ".join(f"{t - due:.3f}" for t in times) or "never"

    print(f"stalled endpoint, {args.stalled} x {args.stall:g} s: {seconds(slow.arrived)} s")
    print(f"other seller's webhook: {seconds(fast.arrived)} s")
    print(f"customer's text:        {seconds(gateway.arrived)} s")


if __name__ == "__main__":
    main()
