"""Who sent a request: the client's address, and a keyed hash of it to store.

Behind a proxy, `CLIENT_IP_HEADER` names the `request.META` key that carries the
client's address (e.g. ``HTTP_X_FORWARDED_FOR``); without it the header is
ignored, since any client may send one.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def client_ip(request) -> str:
    """The client's address; a proxy header counts only when settings say so."""
    header = getattr(settings, "CLIENT_IP_HEADER", "")
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


def client_hash(request) -> str:
    """The keyed hash of the request's client address."""
    return hash_ip(client_ip(request) or "unknown")
