"""Site settings, sites and page privacy show on every page (menus, lists,
links): a change reaches every cache."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import PageViewRestriction, Site

from home.models import SiteSettings
from plumbing import cache as page_cache


@receiver(post_save, sender=SiteSettings, dispatch_uid="home.cache.settings")
@receiver(post_delete, sender=SiteSettings, dispatch_uid="home.cache.settings.d")
@receiver(post_save, sender=Site, dispatch_uid="home.cache.site")
@receiver(post_delete, sender=Site, dispatch_uid="home.cache.site.d")
@receiver(post_save, sender=PageViewRestriction, dispatch_uid="home.cache.privacy")
@receiver(post_delete, sender=PageViewRestriction, dispatch_uid="home.cache.privacy.d")
def site_wide_change(sender, **kwargs):
    page_cache.site_changed()
