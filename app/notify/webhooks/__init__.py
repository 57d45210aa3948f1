"""Seller webhooks: registered endpoints, and signed JSON deliveries with retries."""

from app.notify.webhooks.delivery import backoff, build_event, post_event, sign
from app.notify.webhooks.endpoints import EVENT_TYPES, Endpoints

__all__ = ["EVENT_TYPES", "Endpoints", "backoff", "build_event", "post_event", "sign"]
