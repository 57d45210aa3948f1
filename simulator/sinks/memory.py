"""A sink that keeps everything in lists, for tests."""

from __future__ import annotations

from simulator.sinks.base import Sink


class ListSink(Sink):
    def __init__(self) -> None:
        self.routes: list[tuple[object, dict, object]] = []
        self.fixes: list = []
        self.events: list = []
        self.no_fixes: list = []  # instants without a fix (tunnels, dropouts)

    def register(self, driver, payload, reg):  # type: ignore[no-untyped-def]
        self.routes.append((driver, payload, reg))
        return reg

    def send(self, fixes, events):  # type: ignore[no-untyped-def]
        self.events.extend(events)
        self.fixes.extend(fixes)

    def no_fix(self, instants):  # type: ignore[no-untyped-def]
        self.no_fixes.extend(instants)
