import copy

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from plumbing import cache as page_cache
from plumbing.privacy import KnownRestrictionsMixin
from posts.blocks import RICH_TEXT_FEATURES, PostBodyBlock
from posts.queries import latest_posts

from .time_zones import validate_time_zone


class HomePage(KnownRestrictionsMixin, Page):
    """The site root: an introduction, the latest posts and the way to ask."""

    introduction = RichTextField(blank=True, features=RICH_TEXT_FEATURES)
    latest_posts_count = models.PositiveSmallIntegerField(default=5)

    content_panels = Page.content_panels + [
        FieldPanel("introduction"),
        FieldPanel("latest_posts_count"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["posts.PostIndexPage", "home.StandardPage", "readers.AskPage"]
    max_count = 1
    template = "pages/home_page.html"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["latest_posts"] = latest_posts(self.latest_posts_count)
        return context

    def route(self, request, path_components):
        """Every address on the site passes through here: its live children
        (the blog, the ask page, static pages) are known once per site version
        instead of read, with their own type, on every request."""
        if path_components:
            child = self.live_children().get(path_components[0])
            if child is not None:
                child = copy.copy(child)  # each request its own page object
                child._cached_parent_obj = self
                return child.route(request, path_components[1:])
        return super().route(request, path_components)

    def live_children(self) -> dict[str, Page]:
        """This page's live children by slug, as their own types."""
        return page_cache.site_value(
            f"home-children:{self.pk}",
            lambda: {p.slug: p for p in self.get_children().live().specific()},
            shared=False,
        )


class StandardPage(KnownRestrictionsMixin, Page):
    """A static page such as "About the Korean"."""

    body = StreamField(PostBodyBlock(), blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]
    template = "pages/standard_page.html"


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """What the whole site says about itself."""

    tagline = models.CharField(
        max_length=255, blank=True, default="Answers to readers' questions about Korea"
    )
    ask_prompt = models.CharField(
        max_length=255,
        default="Got a question or a comment for the Korean?",
        help_text="Shown under every post, linking to the ask page.",
    )
    footer_text = models.CharField(max_length=255, blank=True)
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="The blog's time zone, e.g. Asia/Seoul: dates are shown, archives "
        "grouped and feeds dated in it. Empty: the server's zone.",
    )

    panels = [
        FieldPanel("tagline"),
        FieldPanel("ask_prompt"),
        FieldPanel("footer_text"),
        FieldPanel("time_zone"),
    ]

    class Meta:
        verbose_name = "Site settings"
