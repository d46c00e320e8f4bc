"""Where an import goes: the blog page (``--parent``, else the site's first).

A site without a blog gets one under its home page, made from the export's
title and description, so that ``migrate`` then ``import_blogger`` is all a
blogger moving house runs. A blog that still holds the demo content is
emptied first: a real blog replaces the demo instead of mixing with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.text import slugify
from wagtail.models import Page, Site

from posts.models import PostIndexPage

from .bulk import relative_url
from .parse import FeedInfo
from .report import Report, SiteNotReady
from .undo import mark_sample, remove_imported_blog, sample_blog_id


@dataclass(frozen=True)
class Target:
    """The blog an import writes into, and how its addresses are written."""

    blog: PostIndexPage
    site: Site | None
    root_url_path: str  # the site's root page, e.g. "/home/"

    @property
    def blog_url(self) -> str:
        """The blog's address on the site, e.g. "/blog/"."""
        return relative_url(self.blog.url_path, self.root_url_path)


def find_target(
    parent: str, info: FeedInfo, report: Report, *, sample: bool = False
) -> Target:
    """The blog to import ``info``'s export into, made if the site has none."""
    if parent.strip():
        blog = _find_blog(parent)
    else:
        blog = PostIndexPage.objects.order_by("path").first()
        if blog is not None and not sample:
            blog = _without_demo(blog, info, report)
        if blog is None:
            blog = _create_blog(info, report)
    if sample and info.blog_id:
        mark_sample(blog, info.blog_id)
    site = blog.get_site() or Site.objects.filter(is_default_site=True).first()
    root_url_path = site.root_page.url_path if site else blog.get_parent().url_path
    return Target(blog=blog, site=site, root_url_path=root_url_path)


def _without_demo(blog, info: FeedInfo, report: Report):
    """``blog``, emptied of the demo content if it holds some; None if the
    blog itself was the demo's and is gone."""
    demo = sample_blog_id(blog)
    if not demo or demo == info.blog_id:
        return blog
    removed = remove_imported_blog(demo)
    report.warn(f"the demo content was removed first: {removed}")
    return PostIndexPage.objects.filter(pk=blog.pk).first()


def _create_blog(info: FeedInfo, report: Report) -> PostIndexPage:
    site = Site.objects.filter(is_default_site=True).select_related("root_page")
    site = site.first()
    if site is None:
        raise SiteNotReady(
            "the site has no home page to put the blog under: run manage.py "
            "migrate, or pass --parent"
        )
    home = site.root_page.specific
    title = " ".join(info.title.split())[:255] or "Blog"
    taken = set(home.get_children().values_list("slug", flat=True))
    slug = "blog"
    number = 2
    while slug in taken:
        slug = f"blog-{number}"
        number += 1
    blog = home.add_child(
        instance=PostIndexPage(
            title=title,
            slug=slug or slugify(title),
            show_in_menus=True,
            introduction=format_html("<p>{}</p>", info.description)
            if info.description
            else "",
        )
    )
    blog.save_revision().publish()
    report.count("blog", "created")
    return blog


def _find_blog(parent: str) -> PostIndexPage:
    wanted = parent.strip()
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
