"""What a site still at its defaults takes from a blog imported into it."""

from __future__ import annotations

from wagtail.models import Site

from .models import SiteSettings
from .time_zones import is_time_zone

DEFAULT_TAGLINE = SiteSettings._meta.get_field("tagline").default


def take_blog_identity(
    site: Site, *, name: str = "", tagline: str = "", time_zone: str = ""
) -> list[str]:
    """Give ``site`` the blog's name, tagline and time zone where it still has
    the defaults (an editor's choice is never overwritten); returns what
    changed, in words."""
    changes = []
    name = " ".join(name.split())[:255]
    if name and not site.site_name:
        site.site_name = name
        site.save(update_fields=["site_name"])
        changes.append(f"site name: {name}")
    settings = SiteSettings.for_site(site)
    fields = []
    tagline = " ".join(tagline.split())[:255]
    if tagline and settings.tagline in ("", DEFAULT_TAGLINE):
        settings.tagline = tagline
        fields.append("tagline")
        changes.append(f"tagline: {tagline}")
    if time_zone and not settings.time_zone and is_time_zone(time_zone):
        settings.time_zone = time_zone
        fields.append("time_zone")
        changes.append(f"time zone: {time_zone}")
    if fields:
        settings.save(update_fields=fields)
    return changes
