"""Defences of the comment form against spam and floods, each small and tested.

- a honeypot field that people never see and bots fill in (readers/forms.py);
- a signed form token (`plumbing.tokens`): sending sooner than a person
  writes, from a page loaded too many hours ago, or twice with one token, is
  refused;
- a per-address rate limit (`plumbing.ratelimit`), shared by every worker;
- duplicate detection (same text on the same post from the same person);
- client addresses are stored only as an HMAC keyed with SECRET_KEY
  (`plumbing.clients.hash_ip`).

Settings: ``FORM_TOKENS["comments"]``, ``RATE_LIMITS["comments"]`` and
``READERS_COMMENT_MAX_LENGTH``.
"""

from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.core.cache import cache

from plumbing.ratelimit import RateLimit
from plumbing.text import xml_safe
from plumbing.tokens import FormToken, Problem

COMMENT_TOKEN = FormToken("comments", min_seconds=3, max_age_hours=6)
COMMENT_RATE = RateLimit("comments", count=5, seconds=60)

TOKEN_PROBLEMS = {
    Problem.DAMAGED: "The form was damaged. Please reload the page and try again.",
    Problem.TOO_SOON: "That was quick! Please take a moment and send your comment "
    "again.",
    Problem.EXPIRED: "This form has expired. Your comment is still here: please "
    "send it again.",
    Problem.USED: "This form has already sent a comment. Your text is still here: "
    "send it again if you meant to post it twice.",
}


def max_length() -> int:
    """The longest comment accepted, in characters."""
    return getattr(settings, "READERS_COMMENT_MAX_LENGTH", 5000)


_SPACE = re.compile(r"\s+")


def without_control_characters(text: str) -> str:
    """Without control characters and non-characters: invisible in a page, and
    XML 1.0 (the Atom feeds) cannot carry them at all."""
    return xml_safe(text)


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold()


def claim_once(page, body: str, *, email: str, ip_hash: str) -> str | None:
    """Claim "this person says this on this post" for a minute; None if taken."""
    who = (email or "").casefold() or ip_hash
    digest = hashlib.sha256(f"{page.pk}|{who}|{normalise(body)}".encode()).hexdigest()
    key = f"readers:said:{digest}"
    return key if cache.add(key, 1, timeout=60) else None


def release(key: str | None) -> None:
    if key:
        cache.delete(key)
