"""Where a text goes: the outbox (recorded, visible to the seller) or a real SMS gateway."""

from __future__ import annotations

import json
from dataclasses import dataclass
from string import Template
from urllib.parse import quote

import requests

# Transient by nature: try again later. Any other 4xx means the gateway read the request and
# refused it, and sending the same request again will not change its mind.
RETRY_STATUSES = (408, 425, 429)
NO_ANSWER = "no HTTP answer (connection failed or timed out)"


@dataclass(frozen=True)
class Outcome:
    ok: bool
    retry: bool = False  # worth another attempt later
    status: int | None = None  # HTTP status, when there was an answer
    error: str | None = None


def http_outcome(resp: requests.Response | None, exc: Exception | None = None) -> Outcome:
    """Classify an HTTP attempt the same way for SMS gateways and webhook endpoints."""
    if exc is not None:
        # One wording for refused, timed out, reset or not HTTP: the seller reads this, and
        # telling them apart would map which ports answer on the receiver's host.
        return Outcome(False, retry=True, error=NO_ANSWER)
    code = resp.status_code
    if 200 <= code < 300:
        return Outcome(True, status=code)
    retry = code >= 500 or code in RETRY_STATUSES
    return Outcome(False, retry=retry, status=code, error=f"HTTP {code}")


class OutboxProvider:
    """The default: the message record itself is the delivery; nothing leaves the server."""

    name = "outbox"

    def send(self, to: str, body: str) -> Outcome:
        return Outcome(True)


class HttpSmsProvider:
    """POST to an SMS gateway; the body comes from a template with `$to` and `$body`.

    A template starting with `{` is JSON (values are inserted as JSON strings, quotes included);
    anything else is sent form-encoded, e.g. `To=$to&Body=$body` for Twilio-style gateways.
    """

    name = "http"

    # Every default is in app/config.py (SMS_GATEWAY_TOKEN, SMS_BODY_TEMPLATE, WEBHOOK_TIMEOUT).
    def __init__(self, url: str, token: str, template: str, timeout: float):
        self.url, self.token, self.timeout = url, token, timeout
        self.template = Template(template)
        self.is_json = self.template.template.lstrip().startswith("{")

    def render(self, to: str, body: str) -> tuple[str, str]:
        """The request body and its content type."""
        if self.is_json:
            values = {"to": json.dumps(to), "body": json.dumps(body)}
            return self.template.substitute(values), "application/json"
        values = {"to": quote(to, safe=""), "body": quote(body, safe="")}
        return self.template.substitute(values), "application/x-www-form-urlencoded"

    def send(self, to: str, body: str) -> Outcome:
        data, content_type = self.render(to, body)
        headers = {"Content-Type": content_type}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            resp = requests.post(self.url, data=data.encode(), headers=headers,
                                 timeout=(3.0, self.timeout), allow_redirects=False)
        except requests.RequestException as exc:
            return http_outcome(None, exc)
        return http_outcome(resp)


def provider_from_config(config: dict) -> OutboxProvider | HttpSmsProvider:
    if not config.get("SMS_GATEWAY_URL"):
        return OutboxProvider()
    return HttpSmsProvider(config["SMS_GATEWAY_URL"], config["SMS_GATEWAY_TOKEN"],
                           config["SMS_BODY_TEMPLATE"], config["WEBHOOK_TIMEOUT"])
