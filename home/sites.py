"""The site a request is for, read once per site version instead of per request.

Wagtail finds the request's `Site` (and then its root page, as its own type) with
two queries on every request; both change only with the sites or the home page,
which change the `site` version (home/signals.py, posts/signals.py). Each worker
keeps what it found for each host it serves and gives every request its own
copies, through the attribute `Site.find_for_request` caches its answer in, so
Wagtail's routing, settings and URLs all use it.
"""

from __future__ import annotations

import copy

from django.http import HttpRequest
from wagtail.models import Site

from plumbing import cache as page_cache

MAX_HOSTS = 64  # ALLOWED_HOSTS bounds them; this bounds a permissive list


def site_for(request: HttpRequest) -> Site | None:
    """`Site.find_for_request(request)`, from this worker's memory when it can."""
    if hasattr(request, "_wagtail_site"):
        return request._wagtail_site
    known: dict = page_cache.site_value("sites-by-host", dict, shared=False)
    host = (request.get_host(), request.get_port())
    if host not in known:
        site = Site.find_for_request(request)
        home = site.root_page.specific if site is not None else None
        if len(known) < MAX_HOSTS:
            known[host] = (copy.copy(site), copy.copy(home))
        return site
    site, home = known[host]
    if site is not None:
        site = copy.copy(site)
        site.root_page = copy.copy(home)
    request._wagtail_site = site
    return site
