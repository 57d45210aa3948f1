"""Where routes, shipments and progress live: chosen by URL scheme, like encode/broadcaster."""

from __future__ import annotations

from app.store.base import Store, StoreFull, StoreUnavailable


def open_store(url: str) -> Store:
    """Open the store named by `url`: `memory://` (default) or `redis://host:port/db`."""
    scheme = url.split(":", 1)[0]
    if scheme == "memory":
        from app.store.memory import MemoryStore

        return MemoryStore()
    if scheme in ("redis", "rediss", "unix"):
        # Imported lazily: the in-memory default needs no Redis client at all.
        from app.store.redis import RedisStore

        return RedisStore(url)
    raise ValueError(f"unknown store URL scheme {scheme!r} (use memory:// or redis://)")


__all__ = ["Store", "StoreFull", "StoreUnavailable", "open_store"]
