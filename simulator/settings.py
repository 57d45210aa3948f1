"""The simulator's settings from the environment: the only module of it that reads one.

Each is a default the command line overrides (`--server`, `--key`); DOORSTEP_DEBUG shows an
unexpected error's traceback instead of its one line.
"""

from __future__ import annotations

import os

DEFAULT_SERVER = "http://localhost:5000"
DEFAULT_KEY = "demo"


def server() -> str:
    """DOORSTEP_SERVER: the server's base URL."""
    return os.environ.get("DOORSTEP_SERVER", DEFAULT_SERVER)


def key() -> str:
    """DOORSTEP_KEY: the seller API key routes are registered with."""
    return os.environ.get("DOORSTEP_KEY", DEFAULT_KEY)


def debug() -> bool:
    """DOORSTEP_DEBUG: set (to anything but empty), an unexpected error raises."""
    return bool(os.environ.get("DOORSTEP_DEBUG"))
