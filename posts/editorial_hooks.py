"""Dashboard panels for the editorial team.

Wagtail's own dashboard already lists "Awaiting your review" (the posts at a
workflow step the user approves) and "Your pages and snippets in a workflow";
the readers app adds pending comments and new reader questions. These panels
add what only this blog needs: the posts scheduled to go live or expire, and
the posts whose comments close within a week.
"""

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.template import engines
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.models import Revision, WorkflowState
from wagtail.permission_policies.pages import PagePermissionPolicy

from posts.models import PostPage, TranslationCheckTask
from posts.review import (
    UNCHECKED_MESSAGE,
    may_cancel_workflow,
    published_from_the_editor,
)
from readers import closure

CLOSING_WINDOW = datetime.timedelta(days=7)
DATE_PICKER_JS = "posts/admin/date-picker-clear.js"
PANEL_LIMIT = 20

PANEL_TEMPLATE = """{% load wagtailadmin_tags %}
{% panel id=panel_id heading=heading classname="w-panel--dashboard" %}
  {% if rows %}
    <table class="listing listing--dashboard">
      <thead>
        <tr>
          <th class="title">Post</th>
          <th>{{ when_heading }}</th>
          <th>{{ note_heading }}</th>
        </tr>
      </thead>
      <tbody>
        {% for row in rows %}
          <tr>
            <td class="title">
              <div class="title-wrapper">
                <a href="{{ row.url }}">{{ row.title }}</a>
              </div>
            </td>
            <td>
              <time datetime="{{ row.when|date:'c' }}">
                {{ row.when|date:"D j M Y, H:i" }}
              </time>
            </td>
            <td>{{ row.note }}</td>
          </tr>
        {% endfor %}
      </tbody>
    </table>
  {% else %}
    <p>{{ empty_text }}</p>
  {% endif %}
{% endpanel %}
"""


@dataclass
class Row:
    title: str
    url: str
    when: datetime.datetime
    note: str = ""


class ListPanel(Component):
    """A dashboard panel listing posts with a date each."""

    panel_id = ""
    heading = ""
    when_heading = "When"
    note_heading = ""
    empty_text = ""

    def __init__(self, user, now=None):
        self.user = user
        self.now = now or timezone.now()

    @cached_property
    def template(self):
        return engines["django"].from_string(PANEL_TEMPLATE)

    def rows(self) -> list[Row]:
        raise NotImplementedError

    def render_html(self, parent_context=None):
        context = {
            "panel_id": self.panel_id,
            "heading": self.heading,
            "when_heading": self.when_heading,
            "note_heading": self.note_heading,
            "empty_text": self.empty_text,
            "rows": [
                Row(r.title, r.url, timezone.localtime(r.when), r.note)
                for r in self.rows()
            ],
        }
        request = (parent_context or {}).get("request")
        return self.template.render(context, request)


def publishable_posts(user):
    """The posts (any state) that `user` may publish."""
    pages = PagePermissionPolicy().instances_user_has_permission_for(user, "publish")
    return PostPage.objects.filter(pk__in=pages.values("pk")).defer_streamfields()


def can_publish_posts(user) -> bool:
    return PagePermissionPolicy().user_has_permission(user, "publish")


def post_content_types():
    models = [PostPage, *[m for m in apps.get_models() if issubclass(m, PostPage)]]
    return list(ContentType.objects.get_for_models(*models).values())


def edit_link(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=(page.pk,))


def scheduled_posts(user, now=None):
    """Posts waiting to go live and live posts due to expire, soonest first."""
    now = now or timezone.now()
    if can_publish_posts(user):
        posts = publishable_posts(user)
    else:  # an author sees when their own approved posts will appear
        posts = PostPage.objects.filter(owner=user).defer_streamfields()
    rows = []
    revisions = list(
        Revision.objects.page_revisions()
        .filter(
            approved_go_live_at__isnull=False,
            content_type__in=post_content_types(),
        )
        .order_by("approved_go_live_at")[: PANEL_LIMIT * 2]
    )
    by_pk = {
        str(page.pk): page
        for page in posts.filter(pk__in=[int(r.object_id) for r in revisions])
    }
    for revision in revisions:
        page = by_pk.get(revision.object_id)
        if page is not None:
            rows.append(
                Row(
                    page.get_admin_display_title(),
                    edit_link(page),
                    revision.approved_go_live_at,
                    "goes live",
                )
            )
    for page in posts.filter(live=True, expire_at__gt=now).order_by("expire_at")[
        :PANEL_LIMIT
    ]:
        rows.append(
            Row(
                page.get_admin_display_title(),
                edit_link(page),
                page.expire_at,
                "expires",
            )
        )
    return sorted(rows, key=lambda row: row.when)[:PANEL_LIMIT]


def posts_closing_soon(now=None, window=CLOSING_WINDOW):
    """Live posts whose comments close between now and now + window.

    The database narrows the candidates generously; readers.closure decides.
    """
    now = now or timezone.now()
    settings = closure.settings_for(None)
    candidates = (
        PostPage.objects.live()
        .defer_streamfields()
        .filter(
            comments_closed_at__isnull=True,
            comment_policy__in=[closure.AUTO, closure.OPEN],
        )
    )
    explicit = candidates.filter(
        comments_close_at__gte=now, comments_close_at__lt=now + window
    )
    by_rule = PostPage.objects.none()
    days = settings.close_after_days
    if days is not None:
        age = datetime.timedelta(days=days)
        # Closing time = start + age, start <= now: recent enough posts only.
        cutoff = now - age - datetime.timedelta(days=1)
        by_rule = candidates.filter(
            Q(first_published_at__gte=cutoff)
            | Q(first_published_at__isnull=True, date__gte=cutoff),
            comment_policy=closure.AUTO,
            comments_close_at__isnull=True,
        )
    found = []
    for post in (explicit | by_rule).distinct():
        closes = closure.closes_at(post, now=now, settings=settings)
        if closes is not None and now <= closes < now + window:
            found.append((closes, post))
    found.sort(key=lambda item: item[0])
    return found[:PANEL_LIMIT]


class ScheduledPostsPanel(ListPanel):
    name = "scheduled_posts"
    order = 225
    panel_id = "scheduled-posts"
    heading = "Scheduled posts"
    when_heading = "At"
    note_heading = "Event"
    empty_text = "No post is scheduled to go live or expire."

    def rows(self):
        return scheduled_posts(self.user, self.now)


class CommentsClosingPanel(ListPanel):
    name = "comments_closing_soon"
    order = 230
    panel_id = "comments-closing"
    heading = "Comments closing in the next 7 days"
    when_heading = "Comments close"
    note_heading = "Set by"
    empty_text = "No post's comments close in the next 7 days."

    def rows(self):
        return [
            Row(
                post.get_admin_display_title(),
                edit_link(post),
                closes,
                "the post's closing date" if post.comments_close_at else "site rule",
            )
            for closes, post in posts_closing_soon(self.now)
        ]


@hooks.register("after_edit_page")
def send_new_translations_to_the_check(request, page):
    """A translation added after its check was skipped still gets checked."""
    state = WorkflowState.objects.for_instance(page).active().first()
    TranslationCheckTask.recheck(state, user=request.user)


def _goes_live_later(page) -> bool:
    go_live_at = getattr(page, "go_live_at", None)
    return bool(go_live_at and go_live_at > timezone.now())


@hooks.register("construct_page_action_menu")
def review_actions_say_what_they_do(menu_items, request, context):
    """A translator is not offered "Cancel workflow" on someone else's post; with
    a go-live time ahead, approving the last step reads "Approve and schedule"."""
    page = context.get("page")
    if page is None or context.get("view") != "edit":
        return
    state = page.current_workflow_state
    if state is not None and not may_cancel_workflow(request.user, page, state):
        menu_items[:] = [
            item for item in menu_items if item.name != "action-cancel-workflow"
        ]
    if not _goes_live_later(page):
        return
    task_state = page.current_workflow_task_state
    last_step = task_state is not None and not isinstance(
        task_state.task.specific, TranslationCheckTask
    )
    for item in menu_items:
        if last_step and getattr(item, "name", "") == "approve":
            item.label = "Approve and schedule"


@hooks.register("before_edit_page")
def refuse_cancelling_others_reviews(request, page):
    if request.method != "POST" or "action-cancel-workflow" not in request.POST:
        return None
    state = page.current_workflow_state
    if state is not None and not may_cancel_workflow(request.user, page, state):
        raise PermissionDenied
    return None


@hooks.register("after_publish_page")
def say_when_a_translation_went_out_unchecked(request, page):
    page = page.specific_deferred
    if not isinstance(page, PostPage):
        return
    page.refresh_from_db()
    revision = page.scheduled_revision or page.live_revision
    if published_from_the_editor(page, revision):
        messages.warning(request, UNCHECKED_MESSAGE.format(title=page.title))


@hooks.register("insert_editor_js")
def date_picker_keeps_save_buttons_clear():
    return format_html('<script src="{}"></script>', static(DATE_PICKER_JS))


@hooks.register("construct_homepage_panels")
def add_editorial_panels(request, panels):
    user = request.user
    publisher = can_publish_posts(user)
    if publisher:
        panels.append(ScheduledPostsPanel(user))
    elif scheduled_posts(user):
        panels.append(ScheduledPostsPanel(user))
    if publisher or user.has_perm("readers.change_comment"):
        panels.append(CommentsClosingPanel(user))
