"""Read the request's JSON body, or say why not."""

from __future__ import annotations

from typing import Any

from flask import request

from app.web.api.errors import ApiError
from app.web.json_input import BadJSON, parse


def json_body() -> Any:
    if not request.is_json:
        raise ApiError(415, "send JSON with Content-Type: application/json", "body")
    try:
        body = parse(request.get_data(cache=True))
    except BadJSON as exc:
        raise ApiError(400, str(exc), exc.field) from None
    if body is None:
        raise ApiError(400, "body must not be null", "body")
    return body
