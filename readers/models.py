from django.conf import settings
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page

from plumbing import cache as page_cache
from plumbing.clients import client_hash
from plumbing.privacy import KnownRestrictionsMixin
from readers import ask
from readers.markup import comment_html

RICH = ["bold", "italic", "link", "ol", "ul", "h2", "h3"]


class CommentQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for comment in objs:
            comment.fill_html()
        return super().bulk_create(objs, *args, **kwargs)


class Comment(models.Model):
    """A reader's comment on a post, moderated before readers see it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        REMOVED = "removed", "Removed"

    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="reader_comments"
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    author_name = models.CharField(max_length=100)
    # Private: never rendered on a public page, in a feed or in page source.
    author_email = models.EmailField(blank=True)
    author_url = models.URLField(blank=True, max_length=500)
    body = models.TextField()
    # The body as readers see it, safe HTML stored when the comment is saved so
    # that no page or feed renders the text again. Imported comments may carry
    # their own (sanitised) HTML here.
    html = models.TextField(blank=True, editable=False)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    ip_hash = models.CharField(max_length=64, blank=True, db_index=True)
    user_agent = models.CharField(max_length=300, blank=True)
    source_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    # Written by the blog's team (a reply from the admin or a signed-in editor
    # on the site): the thread labels it as the author's.
    by_blog_author = models.BooleanField("by the blog's author", default=False)

    # A comment is not a "usage" of its post: keep comments out of Wagtail's
    # reference index (it would cost a second write for every comment).
    wagtail_reference_index_ignore = True

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["page", "status", "created_at"])]
        constraints = [
            # Walking a thread up must end; longer loops are broken at import
            # and guarded against where threads are walked.
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")),
                name="comment_is_not_its_own_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author_name} on “{self.page.title}”: {self.body[:40]}"

    def save(self, *args, update_fields=None, **kwargs):
        if self.fill_html() and update_fields is not None:
            update_fields = {*update_fields, "html"}
        super().save(*args, update_fields=update_fields, **kwargs)
        self._remember_markup()

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        # **kwargs: Django 6.1 passes fetch_mode; 5.2 passes nothing more.
        comment = super().from_db(db, field_names, values, **kwargs)
        comment._remember_markup()
        return comment

    def _remember_markup(self) -> None:
        self._saved_markup = (self.__dict__.get("body"), self.__dict__.get("html"))

    def fill_html(self) -> bool:
        """Store the body as HTML unless the stored HTML still matches it.

        HTML set by the caller (an imported comment's own markup) is kept; a
        body not loaded from the database was not edited and is left alone.
        """
        loaded = self.__dict__
        if "body" not in loaded:
            return False
        saved_body, saved_html = getattr(self, "_saved_markup", (None, None))
        html = loaded.get("html")  # None when not loaded
        if html == "":
            stale = True
        elif saved_body is None:  # a new comment that brought its own HTML
            stale = False
        else:  # edited text, unless the editor set new HTML alongside
            stale = loaded["body"] != saved_body and html == saved_html
        if stale:
            self.html = comment_html(self.body)
        return stale

    def _moderate(self, status: str, by) -> None:
        now = timezone.now()
        self.status = status
        self.moderated_by = by
        self.moderated_at = now
        fields = ["status", "moderated_by", "moderated_at"]
        if status == self.Status.APPROVED:
            self.approved_by = by
            self.approved_at = now
            fields += ["approved_by", "approved_at"]
        self.save(update_fields=fields)
        # What readers see of the post changed (once this commits).
        page_cache.comments_changed(self.page)

    def approve(self, by=None) -> None:
        self._moderate(self.Status.APPROVED, by)

    def mark_spam(self, by=None) -> None:
        self._moderate(self.Status.SPAM, by)

    def remove(self, by=None) -> None:
        self._moderate(self.Status.REMOVED, by)


class ReaderQuestion(models.Model):
    """A question a reader sent through the ask page; editors answer in posts."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        SHORTLISTED = "shortlisted", "Shortlisted"
        ANSWERED = "answered", "Answered"
        DECLINED = "declined", "Declined"
        SPAM = "spam", "Spam"

    display_name = models.CharField(max_length=100)
    # Private: only used to tell the asker that the answer is out.
    email = models.EmailField(blank=True)
    notify = models.BooleanField(default=False)
    # The reader's own one-line subject: the answering post's first title.
    subject = models.CharField(max_length=120, blank=True)
    question = models.TextField()
    consent_to_quote = models.BooleanField(default=False)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    ip_hash = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.NEW, db_index=True
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    editor_notes = models.TextField(blank=True)
    answer_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reader_questions",
    )
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.display_name}: {self.question[:60]}"


class AskPage(KnownRestrictionsMixin, RoutablePageMixin, Page):
    """The "Ask the Korean" page: a form that files a ReaderQuestion."""

    introduction = RichTextField(blank=True, features=RICH)
    guidelines = RichTextField(blank=True, features=RICH)
    thank_you_text = RichTextField(blank=True, features=RICH)

    content_panels = Page.content_panels + [
        FieldPanel("introduction"),
        FieldPanel("guidelines"),
        FieldPanel("thank_you_text"),
    ]

    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count = 1
    template = "pages/ask_page.html"

    # The form and its defences live in readers/ask.py; POST redirects to thanks/.
    @path("")
    def ask(self, request):
        if request.method != "POST":
            return self._show(request, ask.blank_form())
        asker = client_hash(request)
        if ask.QUESTION_RATE.exhausted(asker):
            return ask.rate_limited_response(self, request)
        form = ask.AskForm(request.POST)
        if form.is_bot():
            ask.QUESTION_RATE.record(asker)
            return ask.to_thanks(self, request)
        if form.is_valid() and form.use_token():
            ask.QUESTION_RATE.record(asker)
            try:
                ReaderQuestion.objects.create(**form.question_fields(), ip_hash=asker)
            except Exception:
                form.release_token()
                raise
            return ask.to_thanks(self, request)
        return self._show(request, form.with_fresh_token())

    @path("thanks/")
    def thanks(self, request):
        return self.render(request, template="readers/ask_thanks.html")

    def _show(self, request, form):
        return ask.private(self.render(request, context_overrides={"form": form}))


@register_setting(icon="comment")
class CommentSettings(BaseSiteSetting):
    """How comments are moderated and when they close."""

    class Moderation(models.TextChoices):
        ALL = "all", "Hold every comment for moderation"
        KNOWN = "known", "Approve authors who already have an approved comment"
        NONE = "none", "Publish at once (rules below still apply)"

    moderation = models.CharField(
        max_length=10, choices=Moderation.choices, default=Moderation.ALL
    )
    link_limit = models.PositiveSmallIntegerField(
        default=2, help_text="Hold a comment with this many links or more."
    )
    moderation_words = models.TextField(
        blank=True, help_text="One per line: a comment containing one waits."
    )
    spam_words = models.TextField(
        blank=True, help_text="One per line: a comment containing one is spam."
    )
    close_after_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        default=60,
        help_text="Close comments on posts older than this. Empty: never.",
    )
    max_depth = models.PositiveSmallIntegerField(
        default=2, help_text="How deep replies may nest (1 = no replies)."
    )
    notify_moderators = models.BooleanField(
        default=True, help_text="E-mail moderators about each pending comment."
    )
    author_reply_name = models.CharField(
        "name on the author's replies",
        max_length=100,
        blank=True,
        help_text="The name replies from the blog's team appear under, e.g. "
        '"The Korean". Empty: the replying editor\'s own name.',
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("moderation"),
                FieldPanel("link_limit"),
                FieldPanel("moderation_words"),
                FieldPanel("spam_words"),
                FieldPanel("notify_moderators"),
                FieldPanel("author_reply_name"),
            ],
            heading="Moderation",
        ),
        MultiFieldPanel(
            [FieldPanel("close_after_days"), FieldPanel("max_depth")],
            heading="Threads and closing",
        ),
    ]

    class Meta:
        verbose_name = "Comment settings"
