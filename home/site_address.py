"""The site's public address, written on its Wagtail Site record.

Wagtail builds every absolute link from the default Site's hostname and port:
the sitemap, `page.get_full_url()` in the asker's e-mail, our feeds. The first
migration wrote `localhost:80`, so links read `http://localhost/...`.
`WAGTAILADMIN_BASE_URL` is the one setting that names the real address; after
each `migrate` it is written to the default Site (see `HomeConfig.ready`), and
`manage.py set_site_address` does the same on demand.
"""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError
from wagtail.models import Site

logger = logging.getLogger(__name__)

DEFAULT_PORTS = {"http": 80, "https": 443}


def configured_address(url: str | None = None) -> tuple[str, int] | None:
    """(hostname, port) from a base URL such as ``https://blog.example``."""
    url = settings.WAGTAILADMIN_BASE_URL if url is None else url
    parts = urlsplit((url or "").strip())
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError:  # a port that is not a number
        return None
    if parts.scheme == "https" and port != 443:
        # Wagtail's Site.root_url spells any port but 443 as http.
        logger.warning("WAGTAILADMIN_BASE_URL: https on port %s reads as http", port)
    return parts.hostname, port


def apply_site_address(using: str = "default"):
    """Point the default Site at the configured address; return it if changed."""
    address = configured_address()
    if address is None:
        return None
    site = Site.objects.using(using).filter(is_default_site=True).first()
    if site is None or (site.hostname, site.port) == address:
        return None
    site.hostname, site.port = address
    # An update, not save(): during the first `migrate` other apps' save
    # signals may reach for a cache whose table does not exist yet.
    Site.objects.using(using).filter(pk=site.pk).update(
        hostname=site.hostname, port=site.port
    )
    try:
        Site.clear_site_root_paths_cache()
    except DatabaseError:  # the database cache's table comes later in migrate
        pass
    return site


def apply_after_migrate(sender, using="default", **kwargs) -> None:
    apply_site_address(using)
