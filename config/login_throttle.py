"""A brake on password guessing at the Wagtail admin login.

Failed logins are counted by `plumbing.ratelimit` (in the cache every worker
and server shares) under two limits: "login", the client address with the
username tried, and "login-address", the address alone. Once either is used
up, the login POST answers 429 with a Retry-After header without checking the
password. A successful login clears the pair's count. Keys are hashes: neither
the address nor the username is stored in the cache in clear.

Settings: ``RATE_LIMITS = {"login": {"count": 5, "seconds": 900},
"login-address": {"count": 30, "seconds": 900}}``; the address comes from
`plumbing.clients.client_ip` (a proxy header only when CLIENT_IP_HEADER names it).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse

from plumbing.clients import client_ip
from plumbing.ratelimit import RateLimit

FAILED_LOGINS = RateLimit("login", count=5, seconds=15 * 60)
FAILED_LOGINS_FROM_ADDRESS = RateLimit("login-address", count=30, seconds=15 * 60)

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Too many attempts</title></head>
<body><main><h1>Too many login attempts</h1>
<p>Please wait {minutes} minutes before you try again.</p></main></body></html>
"""


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
        address = client_ip(request) or "unknown"
        username = (request.POST.get("username") or "").strip().casefold()[:150]
        pair = f"{address}\x1f{username}"
        if FAILED_LOGINS.exhausted(pair) or FAILED_LOGINS_FROM_ADDRESS.exhausted(
            address
        ):
            window = max(FAILED_LOGINS.window, FAILED_LOGINS_FROM_ADDRESS.window)
            response = HttpResponse(
                PAGE.format(minutes=max(1, window // 60)), status=429
            )
            response["Retry-After"] = str(window)
            response["Cache-Control"] = "no-store"
            return response
        response = self.get_response(request)
        if response.status_code == 200:
            # The login form came back: the password was wrong.
            FAILED_LOGINS.record(pair)
            FAILED_LOGINS_FROM_ADDRESS.record(address)
        elif 300 <= response.status_code < 400:
            FAILED_LOGINS.reset(pair)
        return response
