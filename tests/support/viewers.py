"""A real Socket.IO client over websocket that records what it receives."""

from __future__ import annotations

import queue

import socketio


class Viewer:
    """A real Socket.IO client over websocket that records what it receives."""

    def __init__(self, url: str, auth: dict) -> None:
        self.events: queue.Queue = queue.Queue()
        self.client = socketio.Client(reconnection=False)
        for name in ("snapshot", "view", "fleet"):
            self.client.on(name, lambda data, name=name: self.events.put((name, data)))
        self.client.connect(url, auth=auth, transports=["websocket"], wait_timeout=10)

    def next(self, name: str, timeout: float = 10.0, until=lambda data: True):
        while True:
            got, data = self.events.get(timeout=timeout)
            if got == name and until(data):
                return data

    def close(self) -> None:
        self.client.disconnect()
