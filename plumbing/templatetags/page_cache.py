"""`{% cachedfragment %}`: keep the heavy parts of a page rendered in the cache.

    {% load page_cache %}
    {% cachedfragment "comment-thread" page comments.open %}...{% endcachedfragment %}
    {% cachedfragment "footer-archive" "site" %}...{% endcachedfragment %}

The second argument names what the fragment is built from: "site" (lists of
pages, settings) or a page (its own content, such as its comments). The fragment
is reused while that version (plumbing/cache.py) is current; any further
arguments are part of the key.
Previews always render afresh. `FRAGMENT_CACHE_SECONDS` (0: off) sets the time.
A fragment must hold nothing personal: no form, no CSRF token.

Each worker keeps the fragments it used last in its own memory too, in front of
the shared cache: their key holds the version they were built from, so a copy
can never be stale, and the site-wide ones (header, footer) that every page
shows cost no round trip.
"""

from __future__ import annotations

import hashlib
import time

from django import template
from django.conf import settings
from django.core.cache import cache

from plumbing.cache import fragment_key, page_scope, store_after_response, versions
from plumbing.localcopies import LocalCopies

register = template.Library()

# Each worker's own copies, most recently used kept.
local_fragments = LocalCopies(8 * 1024 * 1024)


class CachedFragmentNode(template.Node):
    def __init__(self, nodelist, args):
        self.nodelist = nodelist
        self.args = args

    def render(self, context):
        seconds = getattr(settings, "FRAGMENT_CACHE_SECONDS", 0)
        request = context.get("request")
        if not seconds or request is None or getattr(request, "is_preview", False):
            return self.nodelist.render(context)
        name, source, *extra = (arg.resolve(context) for arg in self.args)
        scope = source if isinstance(source, str) else page_scope(source)
        token = versions([scope])[scope]
        raw = repr((name, scope, token, request.get_host(), extra))
        key = fragment_key(hashlib.sha256(raw.encode()).hexdigest())
        html = local_fragments.get(key)
        if html is not None:
            return html
        html = cache.get(key)
        if html is None:
            html = self.nodelist.render(context)
            store_after_response(key, html, seconds)
        local_fragments.keep(key, html, len(html), time.time() + seconds)
        return html


@register.tag
def cachedfragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(
            "{% cachedfragment %} needs a name and what it is built from"
        )
    nodelist = parser.parse(("endcachedfragment",))
    parser.delete_first_token()
    return CachedFragmentNode(nodelist, [parser.compile_filter(b) for b in bits[1:]])
