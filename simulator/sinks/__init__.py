"""Where the simulator's fixes and events go: server, file, nowhere, or a list for tests."""

from simulator.sinks.base import Registration, Sink
from simulator.sinks.dry import DrySink
from simulator.sinks.http import HttpSink
from simulator.sinks.jsonl import JsonlSink
from simulator.sinks.memory import ListSink
from simulator.sinks.osmand import OsmAndSink

__all__ = ["DrySink", "HttpSink", "JsonlSink", "ListSink", "OsmAndSink", "Registration", "Sink"]
