"""Comment moderation in the admin: the "Comments" screen of the Readers group.

The queue opens on the comments waiting for moderation (the number the menu
label shows). Each row carries the comment's text, who wrote it, on which
post, and Approve / Spam / Remove buttons; ticked rows take the same actions
in bulk (Wagtail's own `w-bulk` controller ticks them all). A comment's page
is titled by its post and lets a moderator reply as the blog's author
(`readers.replies.reply_as_blog_author`). The dashboard gets a panel with the
number awaiting moderation and the latest few.
"""

from __future__ import annotations

from django.contrib.admin import SimpleListFilter, display
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import re_path, reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.admin.ui.components import Component
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.menus import ModelAdminMenuItem
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import DeleteView, EditView, InspectView

from plumbing import cache as page_cache
from readers import replies
from readers.models import Comment

Status = Comment.Status

# action -> (Comment method, what the message says was done, button label)
ACTIONS = {
    "approve": ("approve", "Approved", "Approve"),
    "spam": ("mark_spam", "Marked as spam", "Spam"),
    "remove": ("remove", "Removed", "Remove"),
}
# The status each action leads to: a row offers only the actions that change it.
ACTION_STATUS = {
    "approve": Status.APPROVED,
    "spam": Status.SPAM,
    "remove": Status.REMOVED,
}
EXCERPT_CHARS = 400
DASHBOARD_ROWS = 5


def pending_count() -> int:
    return Comment.objects.filter(status=Status.PENDING).count()


def queue_url() -> str:
    """Where the queue opens: the comments awaiting moderation."""
    return reverse("readers_comment_modeladmin_index")


class StatusFilter(SimpleListFilter):
    """Pending unless asked otherwise, so the list matches the menu's count."""

    title = "status"
    parameter_name = "status"
    default = Status.PENDING
    everything = "all"

    def lookups(self, request, model_admin):
        return [*Status.choices, (self.everything, "All")]

    def chosen(self) -> str:
        value = self.value()
        valid = {self.everything, *Status.values}
        return value if value in valid else self.default

    def queryset(self, request, queryset):
        chosen = self.chosen()
        if chosen == self.everything:
            return queryset
        return queryset.filter(status=chosen)

    def choices(self, changelist):
        # No blank "All" link: the blank value means Pending here.
        for value, label in self.lookup_choices:
            yield {
                "selected": self.chosen() == value,
                "query_string": changelist.get_query_string(
                    {self.parameter_name: value}
                ),
                "display": label,
            }


class PostFilter(SimpleListFilter):
    """Only the posts that have comments, not every page of the site."""

    title = "post"
    parameter_name = "page"

    def lookups(self, request, model_admin):
        rows = (
            Comment.objects.order_by("page__title")
            .values_list("page_id", "page__title")
            .distinct()
        )
        return [(str(pk), title) for pk, title in rows]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isascii() and value.isdigit():
            return queryset.filter(page_id=value)
        return queryset


class CommentPermissionHelper(PermissionHelper):
    """Comments come from readers; the admin moderates and replies, it never
    writes a reader's comment."""

    def user_can_create(self, user):
        return False


class CommentEditView(EditView):
    """Editing a comment: a status change counts as moderation, and the post's
    cached pages follow whatever changed."""

    def get_page_title(self):
        return f"Comment on “{self.instance.page.title}”"

    def form_valid(self, form):
        changed_status = "status" in form.changed_data
        response = super().form_valid(form)
        comment = self.instance
        if changed_status and comment.status != Status.PENDING:
            method = {
                Status.APPROVED: comment.approve,
                Status.SPAM: comment.mark_spam,
                Status.REMOVED: comment.remove,
            }[comment.status]
            method(by=self.request.user)  # records who and when, then purges
        elif form.has_changed():
            page_cache.comments_changed(comment.page)
        return response


class CommentDeleteView(DeleteView):
    def delete_instance(self):
        page = self.instance.page
        super().delete_instance()
        page_cache.comments_changed(page)


class CommentInspectView(InspectView):
    """One comment, titled by its post: the whole text, its place in the
    thread, the moderation buttons and the author's reply form."""

    def get_page_title(self):
        return f"Comment on “{self.instance.page.title}”"

    def get_meta_title(self):
        return self.get_page_title()

    def get_page_subtitle(self):
        comment = self.instance
        return f"by {comment.author_name}, {_when(comment.created_at)}"

    def get_template_names(self):
        return ["readers/admin/comment_inspect.html"]

    def get_context_data(self, **kwargs):
        comment = self.instance
        user = self.request.user
        may_moderate = self.permission_helper.user_can_edit_obj(user, comment)
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "comment": comment,
                "post": comment.page,
                "post_url": comment.page.url,
                "replies_shown": comment.replies.order_by("created_at", "pk"),
                "actions": _actions_for(comment) if may_moderate else [],
                "bulk_url": reverse("readers_comment_modeladmin_bulk"),
                "reply_url": reverse(
                    "readers_comment_modeladmin_reply", args=[comment.pk]
                ),
                "may_reply": may_moderate,
                "reply_name": replies.author_name_for(user, comment.page),
                "reply_body": self.request.session.pop("comment_reply_draft", ""),
            }
        )
        return context


def _when(moment) -> str:
    return format_date(timezone.localtime(moment), "M j, Y, H:i")


def _actions_for(comment) -> list[tuple[str, str]]:
    """(action, label) for the moderation buttons that would change `comment`."""
    return [
        (name, label)
        for name, (_, _, label) in ACTIONS.items()
        if ACTION_STATUS[name] != comment.status
    ]


class CommentMenuItem(ModelAdminMenuItem):
    """ "Comments (3)": the label says how many wait, on every admin page."""

    def render_component(self, request):
        component = super().render_component(request)
        waiting = pending_count()
        if waiting:
            component.label = f"{self.label} ({waiting})"
        return component


SELECT_ALL = mark_safe(  # noqa: S308 (a constant)
    '<input type="checkbox" data-action="w-bulk#toggleAll" '
    'data-w-bulk-target="all" aria-label="Select all comments on this page">'
)


class CommentAdmin(ModelAdmin):
    model = Comment
    menu_label = "Comments"
    menu_icon = "comment"
    list_display = (
        "select_box",
        "status_label",
        "comment_text",
        "author",
        "post_link",
    )
    list_display_add_buttons = "author"
    list_filter = (StatusFilter, PostFilter)
    search_fields = ("author_name", "author_email", "body")
    list_select_related = ("page",)
    list_per_page = 50
    ordering = ("-created_at", "-pk")
    permission_helper_class = CommentPermissionHelper
    index_template_name = "readers/admin/comment_index.html"
    index_view_extra_css = ["readers/admin/comments.css"]
    inspect_view_extra_css = ["readers/admin/comments.css"]
    edit_view_class = CommentEditView
    delete_view_class = CommentDeleteView
    inspect_view_class = CommentInspectView
    inspect_view_enabled = True
    panels = [
        FieldPanel("status"),
        MultiFieldPanel(
            [
                FieldPanel("author_name"),
                FieldPanel("author_email"),
                FieldPanel("author_url"),
            ],
            heading="Author",
        ),
        FieldPanel("body"),
    ]

    # --- list columns ---

    @display(description=SELECT_ALL)
    def select_box(self, obj):
        return format_html(
            '<input type="checkbox" name="comment" value="{}" '
            'data-action="w-bulk#toggle" data-w-bulk-target="item" '
            'aria-label="Select the comment by {}">',
            obj.pk,
            obj.author_name,
        )

    @display(description="Status", ordering="status")
    def status_label(self, obj):
        """The status, then the buttons that would change it."""
        buttons = format_html_join(
            "",
            '<button type="submit" name="row" value="{}:{}" '
            'class="button button-small{} comment-action--{}" '
            'aria-label="{} the comment by {}">{}</button>',
            (
                (
                    name,
                    obj.pk,
                    "" if name == "approve" else " button-secondary",
                    name,
                    label,
                    obj.author_name,
                    label,
                )
                for name, label in _actions_for(obj)
            ),
        )
        reply = format_html(
            '<a class="button button-small button-secondary" '
            'href="{}#reply" aria-label="Reply to the comment by {}">Reply</a>',
            self.url_helper.get_action_url("inspect", obj.pk),
            obj.author_name,
        )
        return format_html(
            '<span class="w-status comment-status comment-status--{}">{}</span>'
            '<div class="comment-queue__actions">{}{}</div>',
            obj.status,
            obj.get_status_display(),
            buttons,
            reply,
        )

    @display(description="Comment", ordering="created_at")
    def comment_text(self, obj):
        reply = ""
        if obj.parent_id:
            reply = format_html(
                '<span class="comment-queue__context">In reply to #{}</span> ',
                obj.parent_id,
            )
        author = ""
        if obj.by_blog_author:
            author = mark_safe('<span class="w-status">Blog author</span> ')
        return format_html(
            '<div class="comment-queue__text">{}{}{}</div>'
            '<p class="comment-queue__received">Received <time datetime="{}">{}</time>'
            "</p>",
            author,
            reply,
            Truncator(obj.body).chars(EXCERPT_CHARS),
            obj.created_at.isoformat(),
            _when(obj.created_at),
        )

    @display(description="Author", ordering="author_name")
    def author(self, obj):
        return obj.author_name

    @display(description="Post", ordering="page__title")
    def post_link(self, obj):
        url = obj.page.url
        if not url:
            return obj.page.title
        return format_html(
            '<a href="{}#comment-{}">{}</a>', url, obj.pk, obj.page.title
        )

    # --- menu and URLs ---

    def get_menu_item(self, order=None):
        return CommentMenuItem(self, order or self.get_menu_order())

    def get_admin_urls_for_registration(self):
        base = rf"^{self.opts.app_label}/{self.opts.model_name}"
        return super().get_admin_urls_for_registration() + (
            re_path(
                rf"{base}/bulk/$",
                require_POST(self.bulk_view),
                name=self.url_helper.get_action_url_name("bulk"),
            ),
            re_path(
                rf"{base}/reply/(?P<pk>[0-9]+)/$",
                require_POST(self.reply_view),
                name=self.url_helper.get_action_url_name("reply"),
            ),
        )

    # --- actions ---

    def _check_can_moderate(self, request):
        if not self.permission_helper.user_can_edit_obj(request.user, None):
            raise PermissionDenied

    def _back(self, request):
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
            back = self.url_helper.index_url
        return HttpResponseRedirect(back)

    @staticmethod
    def _chosen(request) -> tuple[str, list[str]]:
        """The action and comment ids: one row's button, or the ticked rows."""
        row = request.POST.get("row", "")
        if row:
            action, _, pk = row.partition(":")
            return action, [pk]
        return request.POST.get("action", ""), request.POST.getlist("comment")

    def bulk_view(self, request):
        """Approve, mark as spam or remove one comment or every ticked one."""
        self._check_can_moderate(request)
        name, ticked = self._chosen(request)
        action = ACTIONS.get(name)
        ids = [pk for pk in ticked if pk.isascii() and pk.isdigit()]
        if action is None or not ids:
            messages.warning(request, "Tick at least one comment, then an action.")
            return self._back(request)
        method, done, _ = action
        chosen = Comment.objects.filter(pk__in=ids).select_related("page")
        count = 0
        for comment in chosen:
            getattr(comment, method)(by=request.user)
            count += 1
        noun = "comment" if count == 1 else "comments"
        messages.success(request, f"{done}: {count} {noun}.")
        return self._back(request)

    def reply_view(self, request, pk):
        """Publish a reply under the comment, as the blog's author."""
        self._check_can_moderate(request)
        comment = get_object_or_404(Comment.objects.select_related("page"), pk=pk)
        inspect = self.url_helper.get_action_url("inspect", comment.pk)
        body = request.POST.get("body", "")
        try:
            reply = replies.reply_as_blog_author(
                comment.page.specific, body, request.user, parent=comment
            )
        except replies.ReplyRefused as refused:
            request.session["comment_reply_draft"] = body  # keep the words
            messages.error(request, refused.message)
            return HttpResponseRedirect(f"{inspect}#reply")
        url = comment.page.url
        buttons = (
            [messages.button(f"{url}#comment-{reply.pk}", "View on the site")]
            if url
            else None
        )
        messages.success(
            request, "Your reply is published as the blog author's.", buttons=buttons
        )
        return HttpResponseRedirect(inspect)


class PendingCommentsPanel(Component):
    """The dashboard's reminder of how many comments wait for a moderator."""

    name = "pending_comments"
    order = 150
    template_name = "readers/admin/pending_panel.html"

    def get_context_data(self, parent_context=None):
        waiting = Comment.objects.filter(status=Status.PENDING)
        return {
            "pending": waiting.count(),
            "latest": list(
                waiting.select_related("page").order_by("-created_at")[:DASHBOARD_ROWS]
            ),
            "queue_url": queue_url(),
        }


@hooks.register("construct_homepage_panels")
def add_pending_comments_panel(request, panels):
    if CommentAdmin().permission_helper.user_can_list(request.user):
        panels.append(PendingCommentsPanel())
