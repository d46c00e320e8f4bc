"""The blog's time zone: a site setting (``SiteSettings.time_zone``).

Dates are stored as exact instants (UTC); what a reader sees (a post's day,
the month archive it falls in, a feed's dates) depends on the zone that is
current, so each request runs in the zone of its site's blog (see
:mod:`home.middleware`): the zone an editor set, or an import took from the
export's ``BLOG_TIME_ZONE``, else ``settings.TIME_ZONE``.
"""

from __future__ import annotations

import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError


@cache
def known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_time_zone(name: str) -> bool:
    return name in known_zones()


def validate_time_zone(name: str) -> None:
    if name and not is_time_zone(name):
        raise ValidationError(
            "%(name)s is not a time zone name such as Asia/Seoul or Europe/Paris.",
            params={"name": name},
        )
