"""A clear 503 while the database cannot be reached, never a traceback.

When PostgreSQL restarts (or a connection is cut), Django raises
`OperationalError` or `InterfaceError` wherever the next query runs: in a view,
in a template, in a middleware. Django turns any of them into its 500 page. A
receiver of `got_request_exception` notes on the request that the cause was the
database; this middleware, right after SecurityMiddleware so that it wraps
every layer that may query the database (and the production security headers
still wrap it), then answers 503 "Service unavailable" with a Retry-After
header and a self-contained page (the site's templates would need the database).

With CONN_HEALTH_CHECKS on, the next request after the database returns opens a
fresh connection: the site recovers without restarting the workers.

A reader who sent something (a comment, a question) is told plainly that it
was not saved, and gets the text back to copy: it exists nowhere else.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.html import escape

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
# The fields of the public forms that hold what a reader wrote.
GIVEN_BACK = ("body", "question")
PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Back in a moment | Ask a Korean!</title></head>
<body><main><h1>Back in a moment</h1>
<p>The site cannot reach its database just now. Please try again in a minute.</p>
{sent}</main></body></html>
"""
NOT_SAVED = """<p><strong>What you sent was not saved.</strong> {copy}</p>
"""
COPY = """Copy your text from below, then send it again in a minute.</p>
<p><textarea readonly rows="12" cols="70" aria-label="Your text">{text}</textarea>"""


def is_database_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, OperationalError | InterfaceError)


@receiver(got_request_exception, dispatch_uid="config.db_unavailable")
def _note_database_outage(sender, request=None, **kwargs):
    exc = sys.exc_info()[1]
    if request is not None and is_database_outage(exc):
        request.database_unavailable = True


def unavailable_response(request: HttpRequest | None = None) -> HttpResponse:
    sent = ""
    if request is not None and request.method == "POST":
        try:
            texts = [request.POST.get(name, "") for name in GIVEN_BACK]
        except Exception:  # an unreadable or oversized body: nothing to give back
            texts = []
        text = "\n\n".join(t for t in texts if t.strip())
        copy = COPY.format(text=escape(text)) if text else "Please send it again."
        sent = NOT_SAVED.format(copy=copy)
    page = PAGE.format(sent=sent)
    response = HttpResponse(page, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 500 and getattr(
            request, "database_unavailable", False
        ):
            logger.warning("Database unavailable: answered 503 for %s", request.path)
            return unavailable_response(request)
        return response

    def process_exception(self, request: HttpRequest, exc: Exception):
        if is_database_outage(exc):
            request.database_unavailable = True
        return None
