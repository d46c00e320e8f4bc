"""Request middleware of the home app: each request knows its site (home/sites.py)
and runs in its blog's time zone."""

from __future__ import annotations

import zoneinfo

from django.utils import timezone
from wagtail.models import Site

from plumbing import cache as page_cache

from .models import SiteSettings
from .sites import site_for
from .time_zones import is_time_zone


def time_zone_name_for(site: Site | None) -> str:
    """The name of the zone ``site`` shows dates in ("" for TIME_ZONE), read once
    per site version (saving the settings changes the site: home/signals.py)."""
    if site is None:
        return ""
    return page_cache.site_value(
        f"time-zone:{site.pk}", lambda: SiteSettings.for_site(site).time_zone
    )


class BlogTimeZoneMiddleware:
    """Runs each request in the time zone of its site's blog."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = time_zone_name_for(site_for(request))
        if name and is_time_zone(name):
            timezone.activate(zoneinfo.ZoneInfo(name))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
