"""A stand-in Doorstep server for bench/sim_bench.py: answers the simulator's API, keeps nothing.

It reads every body and answers at once, so what the bench times is the simulator's own side of
HTTP (JSON encoding, the request, waiting for the answer), not a real server's ingest.
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.queues import Queue


class JsonHandler(BaseHTTPRequestHandler):
    """A stdlib handler that answers JSON quietly: the stand-in servers of the bench and the
    simulator's tests build on it."""

    def log_message(self, *args) -> None:  # keep bench and pytest output clean
        pass

    def _answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _StandInHandler(JsonHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real server behind gunicorn would
    disable_nagle_algorithm = True  # else headers and body meet delayed ACK: 40 ms a request

    def do_GET(self) -> None:
        self._answer(200, {"status": "ok", "store": "memory"})

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/api/v1/routes":
            self.server.routes += 1  # type: ignore[attr-defined]
            n = self.server.routes  # type: ignore[attr-defined]
            self._answer(201, {"route_id": f"r_{n}", "driver_token": f"dt_{n}", "shipments": []})
        else:
            self._answer(200, {"accepted": 0, "dropped": 0, "rejected": []})


def serve(ready: Queue) -> None:
    """Serve on a free port until terminated; put the base URL on `ready`."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StandInHandler)
    server.routes = 0  # type: ignore[attr-defined]
    ready.put(f"http://127.0.0.1:{server.server_address[1]}")
    server.serve_forever()
