"""Every API failure is a JSON body naming the field: never an HTML page, never a traceback."""

from __future__ import annotations

import logging

from flask import jsonify, request
from werkzeug.exceptions import HTTPException

from ..store import StoreUnavailable
from . import bp
from .validation import InvalidField

log = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


def error(status: int, message: str, field: str | None = None):
    return jsonify(error=message, field=field), status


@bp.app_errorhandler(ApiError)
def on_api_error(exc: ApiError):
    return error(exc.status, exc.message, exc.field)


@bp.app_errorhandler(InvalidField)
def on_invalid(exc: InvalidField):
    return error(400, f"{exc.field} {exc.message}", exc.field)


@bp.app_errorhandler(StoreUnavailable)
def on_store_down(exc: StoreUnavailable):
    log.warning("store unavailable: %s", exc)
    return error(503, "storage is unavailable, retry shortly")


@bp.app_errorhandler(HTTPException)
def on_http(exc: HTTPException):
    # Pages keep Flask's HTML errors; API clients always get JSON.
    if not request.path.startswith("/api/"):
        return exc
    field = "body" if exc.code == 413 else None
    message = "body too large" if exc.code == 413 else (exc.description or exc.name)
    return error(exc.code or 500, message, field)


@bp.app_errorhandler(Exception)
def on_unexpected(exc: Exception):
    log.exception("unexpected error on %s", request.path)
    if request.path.startswith("/api/"):
        return error(500, "internal error")
    return "Internal error", 500
