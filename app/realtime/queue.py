"""The Redis message queue, carrying one message per broadcast tick instead of one per emit.

Flask-SocketIO's queue publishes every emit (about 300 us to send, 100 us on every receiving
process, ../shared/design.md). The broadcaster instead publishes each tick's frames, already
encoded as Socket.IO packets, in one message; every other process hands them to its local room
members without decoding them. Ordinary emits (snapshots, other parts of the app) still work as
usual.
"""

from __future__ import annotations

import time

from app import jsontext
from app.ops import metrics
from app.realtime import engineio
from app.realtime.frames import Fanout

CHANNEL = "flask-socketio"  # Flask-SocketIO's default: its emits and ours share the channel


class _FastJson:
    """The queue's JSON: every process decodes every tick's message, a few hundred KB a second."""

    dumps = staticmethod(jsontext.dumps)
    loads = staticmethod(jsontext.loads)


class FrameQueue(engineio.FrameManager):
    json_module = _FastJson  # not the server's (standard library) JSON

    def started(self, server) -> None:
        # The server exists only now (it is built around this manager): other processes'
        # frames go to this process's viewers through a Fanout of its own.
        self.fanout = Fanout(server)

    def publish_frames(self, frames: list[tuple[str, str]]) -> None:
        """Send [(room, socket.io packet text), ...] to the other processes."""
        self.publish_own({"frames": frames, "at": time.time()})

    def received(self, message: dict) -> None:
        metrics.QUEUE_LAG.observe(max(0.0, time.time() - message["at"]))
        for room, text in message["frames"]:
            self.fanout.send(room, text)


def queue_options(url: str) -> dict:
    """Socket.IO server options for MESSAGE_QUEUE: a FrameQueue for Redis, else as given."""
    if not url:
        return {}
    if url.startswith(("redis://", "rediss://")):
        return {"client_manager": FrameQueue(url, channel=CHANNEL)}
    return {"message_queue": url}
