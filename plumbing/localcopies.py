"""A worker's own copies of what it keeps in the shared cache, bounded in bytes.

The page cache keeps recent pages and the fragment tag recent fragments in each
worker's memory, in front of the shared cache (Redis or the database cache), so
that a hit costs no round trip for the page itself. What a copy holds is still
checked against the shared version tokens by its user; this only keeps, expires
and forgets, the least recently used first.
"""

from __future__ import annotations

import time
from collections import OrderedDict


class LocalCopies:
    def __init__(self, limit: int):
        self.limit = limit  # bytes; 0 keeps nothing
        self.held: OrderedDict[str, tuple[float, int, object]] = OrderedDict()
        self.size = 0

    def get(self, key: str):
        """The copy kept under `key`, or None (never kept, forgotten, expired)."""
        found = self.held.get(key)
        if found is None:
            return None
        expires, _size, value = found
        if expires <= time.time():
            self.forget(key)
            return None
        self.held.move_to_end(key)
        return value

    def keep(self, key: str, value, size: int, expires: float) -> None:
        """Keep `value` (`size` bytes) until `expires` (a time.time() moment)."""
        if not self.limit:
            return
        self.forget(key)
        self.held[key] = (expires, size, value)
        self.size += size
        while self.size > self.limit and self.held:
            self.forget(next(iter(self.held)))

    def forget(self, key: str) -> None:
        found = self.held.pop(key, None)
        if found is not None:
            self.size -= found[1]
