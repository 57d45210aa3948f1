"""Flask extensions, created unbound and bound in create_app (flaskr's init_app pattern), and
`services()`, the current app's long-lived parts (built by app/wiring.py): importing this module
pulls in nothing else of the app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app
from flask_socketio import SocketIO

if TYPE_CHECKING:
    from app.wiring import Services

socketio = SocketIO()


def services() -> Services:
    """The long-lived parts of the app handling the current request (or app context)."""
    return current_app.extensions["doorstep"]
