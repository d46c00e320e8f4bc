from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.utils import timezone
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from posts.blocks import RICH_TEXT_FEATURES, PostBodyBlock


class PostIndexPage(RoutablePageMixin, Page):
    """The blog: every post lives under it, newest first."""

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
        return (
            PostPage.objects.live()
            .public()
            .descendant_of(self)
            .specific()
            .order_by("-date", "-pk")
        )

    def paginate(self, request, queryset):
        paginator = Paginator(queryset, self.posts_per_page or 10)
        try:
            return paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            return paginator.page(1)
        except EmptyPage:
            return paginator.page(paginator.num_pages)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.setdefault("posts", self.paginate(request, self.posts()))
        return context


class PostPageTag(TaggedItemBase):
    """A label on a post (Blogger called tags labels)."""

    content_object = ParentalKey(
        "posts.PostPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class PostPage(Page):
    """A blog post: the author's words in a StreamField body."""

    class CommentPolicy(models.TextChoices):
        AUTO = "auto", "Site rule (close after the site's number of days)"
        OPEN = "open", "Open"
        LOCKED = "locked", "Locked: show comments, accept no new ones"
        HIDDEN = "hidden", "Hidden: show none, accept none"

    date = models.DateTimeField(
        "post date",
        null=True,
        blank=True,
        db_index=True,
        help_text="The date readers see. Left empty, it becomes the first "
        "publication time.",
    )
    excerpt = models.TextField(
        blank=True, help_text="What listings show before 'Read more'."
    )
    body = StreamField(PostBodyBlock(), blank=True)
    tags = ClusterTaggableManager(
        through=PostPageTag, blank=True, verbose_name="labels"
    )
    comment_policy = models.CharField(
        max_length=10, choices=CommentPolicy.choices, default=CommentPolicy.AUTO
    )
    comments_close_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Close comments at this time, whatever the site rule says.",
    )
    comments_closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("excerpt"),
        FieldPanel("body"),
        FieldPanel("tags"),
    ]
    comment_panels = [
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("comment_policy"), FieldPanel("comments_close_at")]
                )
            ],
            heading="Comments",
        )
    ]
    settings_panels = Page.settings_panels + comment_panels

    search_fields = Page.search_fields + [
        index.SearchField("excerpt"),
        index.SearchField("body"),
        index.FilterField("date"),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]

    parent_page_types = ["posts.PostIndexPage"]
    subpage_types: list[str] = []
    template = "pages/post_page.html"

    @property
    def display_date(self):
        return self.date or self.first_published_at or self.latest_revision_created_at

    def save(self, *args, **kwargs):
        # Readers see the first publication date unless an editor chose one.
        if self.date is None and self.live:
            self.date = self.first_published_at or timezone.now()
        return super().save(*args, **kwargs)

    def has_translation(self) -> bool:
        return any(block.block_type == "translation" for block in self.body)

    def blog(self):
        return PostIndexPage.objects.ancestor_of(self).first()


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

    class Meta:
        verbose_name = "question post page"
