"""Where proof photos are kept: an interface, and its backend chosen by the PHOTO_STORE URL.

A local directory is the default (`var/photos`, or `file:///srv/doorstep/photos`). Photo names
are chosen by the server (route id and a random key), never taken from a request.
"""

from __future__ import annotations

import os
import re
from abc import ABC, abstractmethod
from pathlib import Path
from urllib.parse import urlsplit

_NAME = re.compile(r"[A-Za-z0-9_]{1,40}/[A-Za-z0-9_]{1,80}\.jpg")


class PhotoStorage(ABC):
    @abstractmethod
    def put(self, name: str, data: bytes) -> None: ...

    @abstractmethod
    def get(self, name: str) -> bytes | None: ...

    @abstractmethod
    def delete(self, name: str) -> None: ...


class LocalDirectory(PhotoStorage):
    """One file per photo under `root/<route id>/`, written whole (a temporary file renamed)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, name: str) -> Path:
        if not _NAME.fullmatch(name):
            raise ValueError(f"not a photo name: {name!r}")
        return self.root / name

    def put(self, name: str, data: bytes) -> None:
        path = self._path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)

    def get(self, name: str) -> bytes | None:
        try:
            return self._path(name).read_bytes()
        except FileNotFoundError:
            return None

    def delete(self, name: str) -> None:
        path = self._path(name)
        path.unlink(missing_ok=True)
        try:
            path.parent.rmdir()  # the route's folder, once empty
        except OSError:
            pass


def open_photo_storage(url: str) -> PhotoStorage:
    """A directory path or a file:// URL (the only backend so far)."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        return LocalDirectory(parts.path)
    if parts.scheme == "":
        return LocalDirectory(url)
    raise ValueError(f"PHOTO_STORE: unsupported scheme {parts.scheme!r} (a directory or file://)")
