"""Defences against spam and floods: each one small and separately tested.

- a honeypot field that people never see and bots fill in;
- a signed timestamp in the form: posting too soon after loading the page, or
  from a page loaded too long ago, is refused;
- a per-IP rate limit kept in the Django cache (shared when that is Redis);
- duplicate detection (same text on the same post from the same person);
- client IPs are stored only as an HMAC keyed with SECRET_KEY.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils import timezone

from plumbing.text import xml_safe

SALT = "readers.comment-form"


@dataclass(frozen=True)
class Limits:
    min_seconds: int = 3
    max_age_seconds: int = 2 * 24 * 3600
    rate_count: int = 5
    rate_window_seconds: int = 60
    max_length: int = 5000


def limits() -> Limits:
    """`READERS_COMMENT_LIMITS` (a dict) overrides any default above."""
    return Limits(**getattr(settings, "READERS_COMMENT_LIMITS", {}))


def client_ip(request) -> str:
    """The client's address; a proxy header counts only when settings say so."""
    header = getattr(settings, "READERS_CLIENT_IP_HEADER", "")
    if header:
        forwarded = request.META.get(header, "")
        if forwarded:
            # The last address is the one our proxy saw; earlier ones are
            # whatever the client chose to send.
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def hash_ip(ip: str) -> str:
    """A keyed hash: lets moderators match abuse without storing the address."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, ip.encode(), hashlib.sha256).hexdigest()


def form_token(page_id: int, now=None) -> str:
    """A signed value saying which post's form was loaded, and when."""
    now = now or timezone.now()
    return signing.dumps({"p": page_id, "t": int(now.timestamp())}, salt=SALT)


def check_token(token: str, page_id: int, now=None) -> str | None:
    """None when the token is good, else the reason to show the reader."""
    now = now or timezone.now()
    try:
        data = signing.loads(token or "", salt=SALT)
    except signing.BadSignature:
        return "The form was damaged. Please reload the page and try again."
    if not isinstance(data, dict) or data.get("p") != page_id:
        return "The form was damaged. Please reload the page and try again."
    age = now.timestamp() - int(data.get("t", 0))
    rules = limits()
    if age < rules.min_seconds:
        return "That was quick! Please take a moment and send your comment again."
    if age > rules.max_age_seconds:
        return "This form has expired. Please reload the page and try again."
    return None


def over_rate_limit(ip_hash: str) -> bool:
    """Count one attempt from this address; True once it is over the limit."""
    rules = limits()
    key = f"readers:rate:{ip_hash}"
    if cache.add(key, 1, timeout=rules.rate_window_seconds):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=rules.rate_window_seconds)
            count = 1
    return count > rules.rate_count


_SPACE = re.compile(r"\s+")


def without_control_characters(text: str) -> str:
    """Without control characters and non-characters: invisible in a page, and
    XML 1.0 (the Atom feeds) cannot carry them at all."""
    return xml_safe(text)


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold()


def is_duplicate(page, body: str, *, email: str, ip_hash: str) -> bool:
    """The same words on the same post from the same e-mail or address."""
    from django.db.models import Q

    from readers.models import Comment

    who = Q(ip_hash=ip_hash) if ip_hash else Q()
    if email:
        who |= Q(author_email__iexact=email)
    wanted = normalise(body)
    candidates = Comment.objects.filter(who, page_id=page.pk).values_list(
        "body", flat=True
    )
    return any(normalise(existing) == wanted for existing in candidates.iterator())


def claim_once(page, body: str, *, email: str, ip_hash: str) -> str | None:
    """Claim "this person says this on this post" for a minute; None if taken."""
    who = (email or "").casefold() or ip_hash
    digest = hashlib.sha256(f"{page.pk}|{who}|{normalise(body)}".encode()).hexdigest()
    key = f"readers:said:{digest}"
    return key if cache.add(key, 1, timeout=60) else None


def release(key: str | None) -> None:
    if key:
        cache.delete(key)
