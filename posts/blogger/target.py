"""Where an import goes: the blog page (``--parent``, else the site's first)."""

from __future__ import annotations

from dataclasses import dataclass

from wagtail.models import Page, Site

from posts.models import PostIndexPage

from .bulk import relative_url
from .report import SiteNotReady


@dataclass(frozen=True)
class Target:
    """The blog an import writes into, and how its addresses are written."""

    blog: PostIndexPage
    root_url_path: str  # the default site's root page, e.g. "/home/"

    @property
    def blog_url(self) -> str:
        """The blog's address on the site, e.g. "/blog/"."""
        return relative_url(self.blog.url_path, self.root_url_path)


def find_target(parent: str) -> Target:
    blog = _find_blog(parent)
    site = Site.objects.filter(is_default_site=True).select_related("root_page")
    site = site.first()
    root_url_path = site.root_page.url_path if site else blog.get_parent().url_path
    return Target(blog=blog, root_url_path=root_url_path)


def _find_blog(parent: str) -> PostIndexPage:
    wanted = (parent or "").strip()
    if not wanted:
        blog = PostIndexPage.objects.order_by("path").first()
        if blog is None:
            raise SiteNotReady(
                "there is no blog page to import into: create one, or pass --parent"
            )
        return blog
    if wanted.isdigit():
        page = Page.objects.filter(pk=int(wanted)).first()
    else:
        path = "/" + wanted.strip("/") + "/"
        page = None
        for site in Site.objects.select_related("root_page"):
            prefix = site.root_page.url_path.rstrip("/")
            page = Page.objects.filter(url_path=prefix + path).first()
            if page:
                break
    if page is None:
        raise SiteNotReady(f"--parent {wanted!r}: no such page")
    page = page.specific
    if not isinstance(page, PostIndexPage):
        raise SiteNotReady(f"--parent {wanted!r} is not a blog index page")
    return page
