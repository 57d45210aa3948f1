"""Doorstep route simulator: delivery partners working a block on real OpenStreetMap streets.

It speaks only the public HTTP API (docs/api.md), like a driver's phone; it imports nothing
from app.
"""
