"""Doorstep: a self-hosted, real-time delivery tracking server.

This module stays import-light on purpose: `python -m app` must monkey-patch with gevent before
Flask (and through it ssl and socket) is imported, and importing a package runs its __init__ first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app (gunicorn: `gunicorn 'app:create_app()'`)."""
    from app.factory import create_app as build

    return build(test_config)
