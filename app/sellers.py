"""Seller accounts: who a seller key belongs to. Keys are kept only as hashes."""

from __future__ import annotations

from .tokens import hash_token


class Sellers:
    def __init__(self, keys: dict[str, str]) -> None:
        self._by_hash = {hash_token(key): seller for seller, key in keys.items()}

    def for_key(self, key: str | None) -> str | None:
        """The seller id a key signs in as, or None."""
        if not key or len(key) > 200:
            return None
        # A dict lookup on the hash: the timing reveals nothing about the key itself.
        return self._by_hash.get(hash_token(key))
