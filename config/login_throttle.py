"""A brake on password guessing at the Wagtail admin login.

Failed logins are counted in the cache (shared between workers and machines when
it is Redis) under two keys: the client address with the username tried, and the
address alone. Past `attempts` failures for one pair, or `per_ip` failures from
one address, within `window` seconds, the login POST answers 429 with a
Retry-After header without checking the password. A successful login clears the
pair's count. Keys are SHA-256 hashes: neither the address nor the username is
stored in the cache in clear.

Settings: `ADMIN_LOGIN_THROTTLE = {"attempts": 5, "per_ip": 30, "window": 900}`;
the client address comes from `readers.spam.client_ip` (which trusts a proxy
header only when READERS_CLIENT_IP_HEADER names one).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse

DEFAULTS = {"attempts": 5, "per_ip": 30, "window": 15 * 60}

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Too many attempts</title></head>
<body><main><h1>Too many login attempts</h1>
<p>Please wait {minutes} minutes before you try again.</p></main></body></html>
"""


def rules() -> dict:
    return {**DEFAULTS, **getattr(settings, "ADMIN_LOGIN_THROTTLE", {})}


def _key(*parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"login-throttle:{digest}"


def _count(key: str) -> int:
    return int(cache.get(key, 0) or 0)


def _bump(key: str, window: int) -> None:
    if not cache.add(key, 1, timeout=window):
        try:
            cache.incr(key)
        except ValueError:  # expired in between
            cache.set(key, 1, timeout=window)


class AdminLoginThrottleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def _login_path(self) -> str:
        try:
            return reverse("wagtailadmin_login")
        except NoReverseMatch:  # pragma: no cover - the admin is always mounted
            return "/admin/login/"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or request.path != self._login_path():
            return self.get_response(request)
        from readers.spam import client_ip

        limits = rules()
        address = client_ip(request) or "unknown"
        username = (request.POST.get("username") or "").strip().casefold()[:150]
        pair = _key("pair", address, username)
        whole = _key("address", address)
        if _count(pair) >= limits["attempts"] or _count(whole) >= limits["per_ip"]:
            minutes = max(1, limits["window"] // 60)
            response = HttpResponse(PAGE.format(minutes=minutes), status=429)
            response["Retry-After"] = str(limits["window"])
            response["Cache-Control"] = "no-store"
            return response
        response = self.get_response(request)
        if response.status_code == 200:
            # The login form came back: the password was wrong.
            _bump(pair, limits["window"])
            _bump(whole, limits["window"])
        elif 300 <= response.status_code < 400:
            cache.delete(pair)
        return response
