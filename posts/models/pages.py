import datetime
import json
import re

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.db.models import Max
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import strip_tags
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import ItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.search import index

from plumbing import cache as page_cache
from plumbing.privacy import KnownRestrictionsMixin
from posts.blocks import RICH_TEXT_FEATURES, PostBodyBlock
from posts.excerpts import first_paragraph
from posts.feeds import LatestPostsAtomFeed, LatestPostsFeed
from posts.forms import ROUTE_SLUG_ERROR, PostPageForm
from posts.korean import word_stems
from readers.mixins import CommentablePage

from .catalogue import catalogue
from .labels import Label
from .querysets import RELATED_LIMIT, PostManager

# The picture a listing shows beside each post: the spec in
# templates/includes/post_summary.html (tests/test_query_budgets.py checks they agree).
LISTING_RENDITION = "fill-480x300"

# "Dear Korean," / "Dear Sir," — the salutation a reader's letter opens with.
LETTER_OPENING = re.compile(r"Dear\b[^,\n]{0,40},", re.IGNORECASE)


class PostIndexPage(KnownRestrictionsMixin, RoutablePageMixin, Page):
    """The blog: every post lives under it, newest first.

    Its routes give readers Blogger's ways in: ``label/<slug>/``, ``YYYY/``,
    ``YYYY/MM/`` and the feeds (``feed/``, ``feed/atom/``, per label too).
    """

    introduction = RichTextField(blank=True, features=RICH_TEXT_FEATURES)
    posts_per_page = models.PositiveSmallIntegerField(default=10)

    content_panels = Page.content_panels + [
        FieldPanel("introduction"),
        FieldPanel("posts_per_page"),
    ]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["posts.PostPage", "posts.QuestionPostPage"]
    max_count_per_parent = 1
    template = "pages/post_index_page.html"

    def posts(self):
        """Live posts of this blog, newest first, with what listings show."""
        return PostPage.objects.published(self).specific().newest_first()

    def posts_with_label(self, tag):
        """Live posts of this blog carrying one label, newest first."""
        return PostPage.objects.published(self).with_label(tag).specific()

    def paginate(self, request, queryset):
        """One page of ``queryset``; odd or out-of-range numbers never fail."""
        paginator = Paginator(queryset, self.posts_per_page or 10)
        try:
            shown = paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            shown = paginator.page(1)
        except EmptyPage:
            shown = paginator.page(paginator.num_pages)
        # Only `?page=N` of a page that exists, spelled as we spell it, is cached.
        page_cache.query_used(request, "page", str(shown.number))
        # The posts as their own types, with their pictures: a fixed number of
        # queries whatever the mix of post types and pictures on the page.
        shown.object_list = with_listing_images(
            shown.object_list.as_own_types(), LISTING_RENDITION
        )
        return shown

    def get_context(self, request, *args, listing=None, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if listing is None:
            listing = PostPage.objects.published(self).newest_first()
        # Listings show each post's labels: one query for the page, not one a post.
        context["posts"] = self.paginate(request, listing.prefetch_related("tags"))
        return context

    def _find_label(self, tag_slug):
        tag = Label.objects.filter(slug=tag_slug).first()
        if tag is None:
            raise Http404("No such label")
        return tag

    @path("", name="index")
    def index_route(self, request, *args, **kwargs):
        return self.render(request)

    @re_path(r"^label/(?P<tag_slug>[^/]+)/$", name="label")
    def label_view(self, request, tag_slug):
        tag = self._find_label(tag_slug)
        listing = PostPage.objects.published(self).with_label(tag)
        count = listing.count()
        if not count:
            raise Http404("No posts with this label")
        return self.render(
            request,
            listing=listing,
            context_overrides={
                "listing_title": f"Posts labelled “{tag.name}”",
                "listing_count": count,
                "label": tag,
            },
        )

    @re_path(r"^(?P<year>[0-9]{4})/$", name="year")
    def year_view(self, request, year):
        return self._archive(request, int(year))

    @re_path(r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/$", name="month")
    def month_view(self, request, year, month):
        return self._archive(request, int(year), int(month))

    def _archive(self, request, year, month=None):
        if month is not None and not 1 <= month <= 12:
            raise Http404("No such month")
        # Years 1 and 9999 overflow once shifted to UTC; year 0 does not exist.
        if not datetime.MINYEAR < year < datetime.MAXYEAR:
            raise Http404("No such year")
        listing = PostPage.objects.published(self).in_month(year, month)
        count = listing.count()
        if not count:
            raise Http404("No posts in this period")
        if month is None:
            title = f"Posts from {year}"
        else:
            title = "Posts from " + date_format(datetime.date(year, month, 1), "F Y")
        return self.render(
            request,
            listing=listing,
            context_overrides={
                "listing_title": title,
                "listing_count": count,
                "archive_year": year,
                "archive_month": month,
            },
        )

    @path("feed/", name="feed_rss")
    def feed_rss(self, request):
        return LatestPostsFeed()(request, blog=self)

    @path("feed/atom/", name="feed_atom")
    def feed_atom(self, request):
        return LatestPostsAtomFeed()(request, blog=self)

    @re_path(r"^label/(?P<tag_slug>[^/]+)/feed/$", name="label_feed_rss")
    def label_feed_rss(self, request, tag_slug):
        return LatestPostsFeed()(request, blog=self, tag=self._find_label(tag_slug))

    @re_path(r"^label/(?P<tag_slug>[^/]+)/feed/atom/$", name="label_feed_atom")
    def label_feed_atom(self, request, tag_slug):
        return LatestPostsAtomFeed()(request, blog=self, tag=self._find_label(tag_slug))

    # Words readers take for the blog's own addresses (its routes start with
    # them, and Blogger's search lived at /search/): never a post's slug.
    reserved_slugs = frozenset({"feed", "label", "search"})

    def slug_is_route(self, slug: str) -> bool:
        """Whether a post called ``slug`` would be hidden by one of the routes
        (``2021`` is the year archive, ``feed`` the feed)."""
        if slug in self.reserved_slugs:
            return True
        try:
            self.resolve_subpage(f"/{slug}/")
        except Http404:
            return False
        return True

    def route(self, request, path_components):
        """A post's address is found in one query, as the post it is.

        Wagtail would read the child page, then its specific row (two queries
        for every post view). The blog's own routes still come first.
        """
        if len(path_components) == 1 and not self.slug_is_route(path_components[0]):
            post = self.post_for_slug(path_components[0])
            if post is not None:
                return post.route(request, [])
        return super().route(request, path_components)

    def post_for_slug(self, slug: str):
        """The post (as its own page type) at ``slug`` under this blog, or None.

        A readable post is found in the site's catalogue and read by its id as
        its own type; any other (a private post, a draft) from the tree.
        """
        known = blog_catalogue().post_at(self.path, slug)
        if known is not None:
            pk, content_type_id = known
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            if model is not None and issubclass(model, PostPage):
                found = model.objects.filter(pk=pk, live=True).first()
                if found is not None:
                    return found
        # The child filter spelled out: Wagtail's `child_of` builds the same
        # condition at several times the cost, on every post view.
        found = PostPage.objects.filter(
            path__startswith=self.path, depth=self.depth + 1, slug=slug
        ).as_own_types()
        return found[0] if found else None

    def label_url(self, tag) -> str:
        return self.url + self.reverse_subpage("label", args=[tag.slug])

    def get_sitemap_urls(self, request=None):
        """The blog itself, then one entry per label page."""
        urls = super().get_sitemap_urls(request)
        base = self.get_full_url(request)
        labels = (
            PostPage.objects.published(self)
            .labels()
            .annotate(
                latest=Max("posts_postpagetag_items__content_object__last_published_at")
            )
        )
        for tag in labels:
            urls.append(
                {
                    "location": base + self.reverse_subpage("label", args=[tag.slug]),
                    "lastmod": tag.latest,
                }
            )
        return urls


class PostPageTag(ItemBase):
    """A label on a post (Blogger called tags labels)."""

    tag = models.ForeignKey(
        Label, related_name="%(app_label)s_%(class)s_items", on_delete=models.CASCADE
    )
    content_object = ParentalKey(
        "posts.PostPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class PostPage(KnownRestrictionsMixin, CommentablePage, Page):
    """A blog post: the author's words in a StreamField body, open to comments."""

    date = models.DateTimeField(
        "post date",
        null=True,
        blank=True,
        db_index=True,
        help_text="The date readers see. Left empty, it becomes the first "
        "publication time.",
    )
    author_name = models.CharField(
        "byline",
        max_length=255,
        blank=True,
        help_text="The author readers see. Left empty, the page owner's name.",
    )
    author_url = models.URLField(
        "author's link",
        max_length=500,
        blank=True,
        help_text="Where the byline links to, e.g. the author's profile.",
    )
    excerpt = models.TextField(
        blank=True, help_text="What listings show before 'Read more'."
    )
    body = StreamField(PostBodyBlock(), blank=True)
    tags = ClusterTaggableManager(
        through=PostPageTag, blank=True, verbose_name="labels"
    )

    # Published with a translation no translator approved (an editor published
    # it directly): flagged in the admin until a translator checks it.
    translation_unchecked = models.BooleanField(default=False, editable=False)

    objects = PostManager()

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldRowPanel([FieldPanel("author_name"), FieldPanel("author_url")]),
        FieldPanel("excerpt"),
        FieldPanel("body"),
        FieldPanel("tags"),
    ]
    settings_panels = Page.settings_panels + CommentablePage.comment_panels

    search_fields = Page.search_fields + [
        index.SearchField("excerpt"),
        index.SearchField("body"),
        index.FilterField("date"),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.SearchField("korean_word_stems"),
    ]

    parent_page_types = ["posts.PostIndexPage"]
    subpage_types: list[str] = []
    template = "pages/post_page.html"
    base_form_class = PostPageForm

    def clean(self):
        super().clean()
        parent = self.get_parent()
        blog = parent.specific if parent is not None else None
        if isinstance(blog, PostIndexPage) and blog.slug_is_route(self.slug):
            raise ValidationError({"slug": ROUTE_SLUG_ERROR.format(slug=self.slug)})

    @property
    def display_date(self):
        return self.date or self.first_published_at or self.latest_revision_created_at

    @property
    def byline(self) -> str:
        """Who wrote the post: the kept byline (an imported post's Blogger
        author), else the owner's full name, else the owner's username."""
        if self.author_name:
            return self.author_name
        owner = self.owner
        if owner is None:
            return ""
        return owner.get_full_name() or owner.get_username()

    def get_admin_display_title(self):
        title = super().get_admin_display_title()
        if self.translation_unchecked:
            return f"{title} (translation not checked)"
        return title

    @property
    def summary(self) -> str:
        """What listings and feeds show: the excerpt, else the body's first
        paragraph (posts imported or saved before excerpts were filled)."""
        return self.excerpt or first_paragraph(self.body.raw_data)

    def save(self, *args, **kwargs):
        # Readers see the first publication date unless an editor chose one.
        if self.date is None and self.live:
            self.date = self.first_published_at or timezone.now()
        return super().save(*args, **kwargs)

    def searchable_text(self) -> str:
        """Every word a reader can find the post by, read from the raw stream."""
        body = json.dumps(list(self.body.raw_data), ensure_ascii=False, default=str)
        return " ".join([self.title, self.excerpt, body])

    def korean_word_stems(self) -> str:
        """Korean words without their particles: 탈북자 finds 탈북자의."""
        return " ".join(word_stems(self.searchable_text()))

    def comments_count_from(self):
        """The earlier of the post date and its first publication."""
        dates = [d for d in (self.date, self.first_published_at) if d is not None]
        return min(dates, default=None)

    @property
    def listing_image_id(self) -> int | None:
        """The id of the body's first library image, read from the raw stream
        so the rest of the body is not loaded."""
        for block in self.body.raw_data:
            value = block.get("value")
            if block.get("type") == "image" and isinstance(value, dict):
                if value.get("image"):
                    return value["image"]
        return None

    @property
    def listing_image(self):
        """The first library image of the body: listings and Open Graph use it.

        Listings read all their posts' images at once (`with_listing_images`).
        """
        if not hasattr(self, "_listing_image"):
            image_id = self.listing_image_id
            self._listing_image = (
                get_image_model().objects.filter(pk=image_id).first()
                if image_id
                else None
            )
        return self._listing_image

    def has_translation(self) -> bool:
        return any(block.block_type == "translation" for block in self.body)

    def blog(self):
        return PostIndexPage.objects.ancestor_of(self).first()

    def _surroundings(self):
        """Related posts and neighbours: from the site's catalogue of readable
        posts, or from the database for a post it does not hold as shown (a
        preview, a private post)."""
        if not hasattr(self, "_surrounding_posts"):
            known = blog_catalogue()
            if self.pk is not None and known.knows(self, [t.pk for t in self.labels]):
                found = known.surroundings(self, RELATED_LIMIT)
            else:
                found = PostPage.objects.published().surrounding(self)
            self._surrounding_posts = found
        return self._surrounding_posts

    @property
    def previous_post(self):
        """The next older readable post of the same blog, or None."""
        return self._surroundings().older

    @property
    def next_post(self):
        """The next newer readable post of the same blog, or None."""
        return self._surroundings().newer

    @property
    def labels(self):
        """The post's labels by name, read once per page view."""
        if not hasattr(self, "_labels"):
            self._labels = sorted(self.tags.all(), key=lambda tag: tag.name.casefold())
        return self._labels

    @property
    def related_posts(self):
        """Up to five posts sharing the most labels with this one; read in the
        same query as the neighbours."""
        return self._surroundings().related


def blog_catalogue():
    """The site's catalogue of readable posts (posts/models/catalogue.py)."""
    return catalogue(PostPage.objects.published, PostPageTag, Page)


def with_listing_images(posts, *filter_specs: str) -> list:
    """``posts`` as a list, their listing images read in one query for all,
    each with its renditions for ``filter_specs`` (one more query)."""
    posts = list(posts)
    wanted = {p: p.listing_image_id for p in posts if isinstance(p, PostPage)}
    ids = {image_id for image_id in wanted.values() if image_id}
    images = {}
    if ids:
        found = get_image_model().objects.filter(pk__in=ids)
        if filter_specs:
            found = found.prefetch_renditions(*filter_specs)
        images = {image.pk: image for image in found}
    for post, image_id in wanted.items():
        post._listing_image = images.get(image_id)
    return posts


class QuestionPostPage(PostPage):
    """A post that answers a reader's letter: the question, then the answer."""

    question = RichTextField(features=RICH_TEXT_FEATURES)
    asker_name = models.CharField(
        max_length=100, blank=True, help_text='The name as printed, e.g. "Narendra".'
    )
    asked_on = models.DateField(null=True, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        MultiFieldPanel(
            [
                FieldPanel("asker_name"),
                FieldPanel("asked_on"),
                FieldPanel("question"),
            ],
            heading="The reader's question",
        ),
        FieldPanel("excerpt"),
        FieldPanel("body", heading="Answer"),
        FieldPanel("tags"),
    ]

    search_fields = PostPage.search_fields + [
        index.SearchField("question"),
        index.SearchField("asker_name"),
    ]

    parent_page_types = ["posts.PostIndexPage"]
    subpage_types: list[str] = []
    template = "pages/question_post_page.html"

    def searchable_text(self) -> str:
        return " ".join([super().searchable_text(), self.question or ""])

    @property
    def needs_salutation(self) -> bool:
        """False when the letter already opens with its own "Dear …," line, as
        imported letters do; the template then adds none."""
        text = strip_tags(self.question or "").lstrip()
        return not LETTER_OPENING.match(text)

    class Meta:
        verbose_name = "question post page"
