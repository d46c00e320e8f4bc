"""`{% ask_link %}`: the way to the "Ask the Korean" page from any template.

    {% load ask_tags %}
    {% ask_link %}          a prompt and a link, for the foot of a post
    {% ask_link "home" %}   the same as a call-out box on the home page
    {% ask_link "nav" %}    a navigation item (skipped when the page is
                            already in the menu through "show in menus")

Renders nothing when there is no live ask page. The page is looked up once per
request.
"""

from django import template
from wagtail.models import Site

from plumbing import privacy
from readers.models import AskPage

register = template.Library()

_UNSET = object()
PLACES = ("footer", "home", "nav")


def live_ask_page(request=None):
    """The live, public AskPage of the request's site (None if there is none)."""
    cached = getattr(request, "_readers_ask_page", _UNSET) if request else _UNSET
    if cached is not _UNSET:
        return cached
    pages = privacy.public(AskPage.objects.live())
    site = Site.find_for_request(request) if request else None
    if site is not None:
        pages = pages.in_site(site)
    page = pages.order_by("path").first()
    if request is not None:
        request._readers_ask_page = page
    return page


@register.inclusion_tag("readers/ask_link.html", takes_context=True)
def ask_link(context, place="footer"):
    request = context.get("request")
    page = live_ask_page(request)
    if place not in PLACES:
        raise template.TemplateSyntaxError(
            f"ask_link: place must be one of {', '.join(PLACES)}, not {place!r}"
        )
    show = page is not None and not (place == "nav" and page.show_in_menus)
    return {
        "ask_page": page if show else None,
        "ask_url": page.get_url(request) if show else "",
        "place": place,
        # The prompt is a site setting: the template reads it as any template
        # reads settings, so this app needs none of its owner's code.
        "settings": context.get("settings"),
    }
