"""Request middleware of the home app: each request in its blog's time zone."""

from __future__ import annotations

import zoneinfo

from django.core.cache import cache as shared_cache
from django.utils import timezone
from wagtail.models import Site

from .models import SiteSettings
from .time_zones import cache_key, is_time_zone


def time_zone_name_for(site: Site | None) -> str:
    """The name of the zone ``site`` shows dates in ("" for TIME_ZONE)."""
    if site is None:
        return ""
    key = cache_key(site.pk)
    name = shared_cache.get(key)
    if name is None:
        name = SiteSettings.for_site(site).time_zone
        shared_cache.set(key, name, 3600)
    return name


class BlogTimeZoneMiddleware:
    """Runs each request in the time zone of its site's blog."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = time_zone_name_for(Site.find_for_request(request))
        if name and is_time_zone(name):
            timezone.activate(zoneinfo.ZoneInfo(name))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
