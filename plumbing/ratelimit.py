"""One rate limiter for every form that strangers can send.

A `RateLimit` counts attempts per client (any string: an address hash, an
address with a username) in Django's default cache, which every worker and
server shares in production, and says when a client has used them all.

Each limit has a name and its defaults where it is used; the setting
``RATE_LIMITS`` overrides any of them by name, e.g.
``RATE_LIMITS = {"comments": {"count": 5, "seconds": 60}}``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class RateLimit:
    """At most `count` attempts per client within `seconds`."""

    name: str
    count: int
    seconds: int

    def rule(self) -> tuple[int, int]:
        """(count, seconds), after the ``RATE_LIMITS`` setting."""
        override = getattr(settings, "RATE_LIMITS", {}).get(self.name, {})
        return (
            int(override.get("count", self.count)),
            int(override.get("seconds", self.seconds)),
        )

    @property
    def window(self) -> int:
        """Seconds a client waits at most: what a Retry-After header says."""
        return self.rule()[1]

    def _key(self, client: str) -> str:
        digest = hashlib.sha256(client.encode()).hexdigest()
        return f"ratelimit:{self.name}:{digest}"

    def used(self, client: str) -> int:
        return int(cache.get(self._key(client)) or 0)

    def exhausted(self, client: str) -> bool:
        """True when `client` has no attempt left in the current window."""
        return self.used(client) >= self.rule()[0]

    def record(self, client: str) -> int:
        """Count one attempt; returns the attempts in the window so far."""
        key, window = self._key(client), self.rule()[1]
        if cache.add(key, 1, timeout=window):
            return 1
        try:
            return cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=window)
            return 1

    def hit(self, client: str) -> bool:
        """Count one attempt, atomically; True when it is over the limit."""
        return self.record(client) > self.rule()[0]

    def reset(self, client: str) -> None:
        cache.delete(self._key(client))
