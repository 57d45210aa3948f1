"""Logging: plain text for a terminal, or JSON lines (LOG_FORMAT=json) for a log collector."""

from __future__ import annotations

import json
import logging
import time

# Attributes every LogRecord has; anything else was passed with `extra=` and is kept as a field.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonLines(logging.Formatter):
    """One JSON object per line: time, level, logger, message, process, extras, exception."""

    def format(self, record: logging.LogRecord) -> str:
        doc = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        doc.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            doc["exception"] = self.formatException(record.exc_info)
        return json.dumps(doc, default=str)


def configure(fmt: str, level: str = "INFO") -> None:
    """Set the root logger's format once per process (LOG_FORMAT=json|text, LOG_LEVEL)."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, "_doorstep", False)), None)
    if handler is None:
        handler = logging.StreamHandler()
        handler._doorstep = True
        root.addHandler(handler)
    if fmt == "json":
        handler.setFormatter(JsonLines())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.setLevel(level)
