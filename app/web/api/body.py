"""Read the request's JSON body, or say why not."""

from __future__ import annotations

from typing import Any

from flask import request

from app.web.api.errors import ApiError


def json_body() -> Any:
    if not request.is_json:
        raise ApiError(415, "send JSON with Content-Type: application/json", "body")
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # json's parser recurses once per nesting level
        raise ApiError(400, "body is nested too deeply", "body") from None
    if body is None:
        raise ApiError(400, "body is not valid JSON", "body")
    return body
