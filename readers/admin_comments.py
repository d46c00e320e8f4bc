"""Comment moderation in the admin: the "Comments" screen of the Readers group.

A list with status, post, author, excerpt and date; filters by status and post;
search; bulk approve / spam / remove; the pending count in the menu label; and
a dashboard panel with the number awaiting moderation.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin import SimpleListFilter
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import re_path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.admin.ui.components import Component
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.menus import ModelAdminMenuItem
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import DeleteView, EditView

from readers.cache import purge_post
from readers.models import Comment

BULK_ACTIONS = {
    "approve": ("approve", "Approved"),
    "spam": ("mark_spam", "Marked as spam"),
    "remove": ("remove", "Removed"),
}


def pending_count() -> int:
    return Comment.objects.filter(status=Comment.Status.PENDING).count()


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
    """Comments come from readers; the admin moderates, it never writes one."""

    def user_can_create(self, user):
        return False


class CommentEditView(EditView):
    """Editing a comment: a status change counts as moderation, and the post's
    cached pages follow whatever changed."""

    def form_valid(self, form):
        changed_status = "status" in form.changed_data
        response = super().form_valid(form)
        comment = self.instance
        if changed_status and comment.status != Comment.Status.PENDING:
            method = {
                Comment.Status.APPROVED: comment.approve,
                Comment.Status.SPAM: comment.mark_spam,
                Comment.Status.REMOVED: comment.remove,
            }[comment.status]
            method(by=self.request.user)  # records who and when, then purges
        elif form.has_changed():
            page = comment.page
            transaction.on_commit(lambda: purge_post(page))
        return response


class CommentDeleteView(DeleteView):
    def delete_instance(self):
        page = self.instance.page
        super().delete_instance()
        transaction.on_commit(lambda: purge_post(page))


class CommentMenuItem(ModelAdminMenuItem):
    """ "Comments (3)": the label says how many wait, on every admin page."""

    def render_component(self, request):
        component = super().render_component(request)
        waiting = pending_count()
        if waiting:
            component.label = f"{self.label} ({waiting})"
        return component


class CommentAdmin(ModelAdmin):
    model = Comment
    menu_label = "Comments"
    menu_icon = "comment"
    list_display = (
        "select_box",
        "status_label",
        "post_link",
        "author_name",
        "excerpt",
        "created_at",
    )
    list_display_add_buttons = "author_name"
    list_filter = ("status", PostFilter)
    search_fields = ("author_name", "author_email", "body")
    list_select_related = ("page",)
    list_per_page = 50
    ordering = ("-created_at", "-pk")
    permission_helper_class = CommentPermissionHelper
    index_template_name = "readers/admin/comment_index.html"
    edit_view_class = CommentEditView
    delete_view_class = CommentDeleteView
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

    @staticmethod
    def select_box(obj):
        return format_html(
            '<input type="checkbox" name="comment" value="{}" '
            'aria-label="Select the comment by {}">',
            obj.pk,
            obj.author_name,
        )

    select_box.short_description = "Select"

    @staticmethod
    def status_label(obj):
        return format_html(
            '<span class="w-status comment-status comment-status--{}">{}</span>',
            obj.status,
            obj.get_status_display(),
        )

    status_label.short_description = "Status"

    @staticmethod
    def post_link(obj):
        url = obj.page.url
        title = obj.page.title
        if not url:
            return title
        return format_html('<a href="{}#comment-{}">{}</a>', url, obj.pk, title)

    post_link.short_description = "Post"

    @staticmethod
    def excerpt(obj):
        return Truncator(obj.body).chars(90)

    def get_menu_item(self, order=None):
        return CommentMenuItem(self, order or self.get_menu_order())

    @property
    def bulk_url_name(self):
        return self.url_helper.get_action_url_name("bulk")

    def get_admin_urls_for_registration(self):
        return super().get_admin_urls_for_registration() + (
            re_path(
                rf"^{self.opts.app_label}/{self.opts.model_name}/bulk/$",
                require_POST(self.bulk_view),
                name=self.bulk_url_name,
            ),
        )

    def bulk_view(self, request):
        """Approve, mark as spam or remove every ticked comment."""
        if not self.permission_helper.user_can_edit_obj(request.user, None):
            raise PermissionDenied
        index = self.url_helper.index_url
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
            back = index
        action = BULK_ACTIONS.get(request.POST.get("action", ""))
        ticked = request.POST.getlist("comment")
        ids = [pk for pk in ticked if pk.isascii() and pk.isdigit()]
        if action is None or not ids:
            messages.warning(request, "Tick at least one comment, then an action.")
            return HttpResponseRedirect(back)
        method, done = action
        chosen = Comment.objects.filter(pk__in=ids).select_related("page")
        count = 0
        for comment in chosen:
            getattr(comment, method)(by=request.user)
            count += 1
        noun = "comment" if count == 1 else "comments"
        messages.success(request, f"{done}: {count} {noun}.")
        return HttpResponseRedirect(back)


class PendingCommentsPanel(Component):
    """The dashboard's reminder of how many comments wait for a moderator."""

    name = "pending_comments"
    order = 150

    def render_html(self, parent_context=None):
        context = {
            "pending": pending_count(),
            "queue_url": reverse("readers_comment_modeladmin_index")
            + "?status__exact=pending",
        }
        return render_to_string("readers/admin/pending_panel.html", context)


@hooks.register("construct_homepage_panels")
def add_pending_comments_panel(request, panels):
    if CommentAdmin().permission_helper.user_can_list(request.user):
        panels.append(PendingCommentsPanel())
