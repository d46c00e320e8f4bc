"""Helpers shared by the comment tests: a post, its settings, a form to send."""

import datetime

from django.core.cache import cache
from django.utils import timezone
from wagtail.models import Site

from readers import spam
from readers.models import CommentSettings


def comment_settings(**changes):
    rules = CommentSettings.for_site(Site.objects.get(is_default_site=True))
    for name, value in changes.items():
        setattr(rules, name, value)
    rules.save()
    return rules


def post_url(page):
    return f"/comments/{page.pk}/post/"


def form_data(page, *, loaded_seconds_ago=30, **fields):
    """What a reader's browser sends, as if the form loaded a while ago."""
    loaded = timezone.now() - datetime.timedelta(seconds=loaded_seconds_ago)
    data = {
        "name": "Min-jung",
        "email": "minjung@example.org",
        "website": "",
        "body": "Thank you for explaining this.",
        "parent": "",
        "token": spam.COMMENT_TOKEN.issue(page.pk, loaded),
        "subject": "",
    }
    data.update(fields)
    return data


def fresh_cache():
    cache.clear()
