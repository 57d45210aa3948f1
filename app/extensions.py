"""Flask extensions, created unbound and bound in create_app (flaskr's init_app pattern), and
`services()`, the current app's long-lived parts (built by app/wiring.py): importing this module
pulls in nothing else of the app.

Doorstep keeps one entry in `app.extensions`, KEY, holding every part it built (the libraries
keep theirs: `socketio`, `babel`, `limiter`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask, current_app
from flask_socketio import SocketIO

if TYPE_CHECKING:
    from app.wiring import Services

socketio = SocketIO()
KEY = "doorstep"


def services(app: Flask | None = None) -> Services:
    """The long-lived parts of `app`, by default the one handling the current request (or app
    context)."""
    return (app or current_app).extensions[KEY]
