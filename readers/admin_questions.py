"""The "Questions" screen of the Readers menu: reader questions for editors.

A listing with status, date, name and excerpt; filters by status and month;
search; bulk shortlist / decline / spam; and "Answer in a post", which starts a
draft QuestionPostPage and opens it in the page editor. The menu label and a
dashboard panel show how many questions are new.
"""

from django.contrib.admin import SimpleListFilter
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import re_path, reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.components import Component
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.menus import ModelAdminMenuItem
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import EditView

from readers import questions as question_actions
from readers.models import ReaderQuestion

Status = ReaderQuestion.Status

BULK_ACTIONS = {
    "shortlist": (question_actions.shortlist, "shortlisted"),
    "decline": (question_actions.decline, "declined"),
    "spam": (question_actions.mark_spam, "marked as spam"),
}


class MonthReceivedFilter(SimpleListFilter):
    """One choice per month that has questions, newest first."""

    title = "month received"
    parameter_name = "month"

    def lookups(self, request, model_admin):
        months = ReaderQuestion.objects.dates("received_at", "month", order="DESC")
        return [(f"{m.year}-{m.month:02d}", format_date(m, "F Y")) for m in months]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        try:
            year, month = (int(part) for part in value.split("-", 1))
        except ValueError:
            return queryset.none()
        return queryset.filter(received_at__year=year, received_at__month=month)


class QuestionPermissionHelper(PermissionHelper):
    """Questions come only from readers: editors never add one by hand."""

    def user_can_create(self, user):
        return False


class QuestionMenuItem(ModelAdminMenuItem):
    """The menu entry, with the number of new questions in its label."""

    def render_component(self, request):
        component = super().render_component(request)
        count = question_actions.new_count()
        if count:
            component.label = f"{self.label} ({count} new)"
        return component


class QuestionEditView(EditView):
    def form_valid(self, form):
        if "status" in form.changed_data:
            form.instance.status_changed_at = timezone.now()
        response = super().form_valid(form)
        page = form.instance.answer_page
        if "answer_page" in form.changed_data and page is not None and page.live:
            # Linked to a post that is already out: it counts as published now.
            question_actions.answer_published(page)
        return response


class QuestionAdmin(ModelAdmin):
    model = ReaderQuestion
    menu_label = "Questions"
    menu_icon = "help"
    list_display = (
        "select_box",
        "status_label",
        "received",
        "display_name",
        "excerpt",
        "answer",
    )
    list_display_add_buttons = "display_name"
    list_filter = ("status", MonthReceivedFilter)
    search_fields = ("display_name", "subject", "question", "editor_notes", "email")
    ordering = ("-received_at", "-pk")
    list_per_page = 50
    list_select_related = ("answer_page",)
    inspect_view_enabled = True
    inspect_view_fields = (
        "display_name",
        "email",
        "notify",
        "question",
        "consent_to_quote",
        "subject",
        "received_at",
        "status",
        "status_changed_at",
        "editor_notes",
        "answer_page",
        "notified_at",
    )
    index_template_name = "readers/ask_admin_index.html"
    permission_helper_class = QuestionPermissionHelper
    edit_view_class = QuestionEditView
    panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("display_name"), FieldPanel("email")]),
                FieldRowPanel([FieldPanel("notify"), FieldPanel("consent_to_quote")]),
                FieldPanel("subject"),
                FieldPanel("question"),
            ],
            heading="The reader's question",
        ),
        MultiFieldPanel(
            [
                FieldPanel("status"),
                FieldPanel("editor_notes"),
                FieldPanel("answer_page"),
            ],
            heading="Editors",
        ),
    ]

    # --- list columns ---

    def select_box(self, obj):
        return format_html(
            '<input type="checkbox" name="selected" value="{}" form="question-actions"'
            ' aria-label="Select the question from {}">',
            obj.pk,
            obj.display_name,
        )

    select_box.short_description = "Select"

    def status_label(self, obj):
        return format_html(
            '<span class="w-status question-status question-status--{}">{}</span>',
            obj.status,
            obj.get_status_display(),
        )

    status_label.short_description = "Status"
    status_label.admin_order_field = "status"

    def received(self, obj):
        return format_date(timezone.localtime(obj.received_at), "M j, Y, H:i")

    received.short_description = "Received"
    received.admin_order_field = "received_at"

    def excerpt(self, obj):
        return question_actions.excerpt(obj)

    excerpt.short_description = "Question"

    def answer(self, obj):
        if obj.answer_page_id:
            return format_html(
                '<a href="{}">{}</a>',
                reverse("wagtailadmin_pages:edit", args=[obj.answer_page_id]),
                obj.answer_page.get_admin_display_title(),
            )
        if obj.status in (Status.DECLINED, Status.SPAM):
            return ""
        return format_html(
            '<button type="submit" form="question-actions" formaction="{}"'
            ' name="question" value="{}" class="button button-small">'
            "Answer in a post</button>",
            reverse(self.url_helper.get_action_url_name("answer")),
            obj.pk,
        )

    answer.short_description = "Answer"

    # --- menu and URLs ---

    def get_menu_item(self, order=None):
        return QuestionMenuItem(self, order or self.get_menu_order())

    def _collection_url_pattern(self, action):
        # Actions on a selection of questions: no object id in the URL.
        return rf"^{self.opts.app_label}/{self.opts.model_name}/{action}/$"

    def get_admin_urls_for_registration(self):
        return super().get_admin_urls_for_registration() + (
            re_path(
                self._collection_url_pattern("bulk"),
                require_POST(self.bulk_view),
                name=self.url_helper.get_action_url_name("bulk"),
            ),
            re_path(
                self._collection_url_pattern("answer"),
                require_POST(self.answer_view),
                name=self.url_helper.get_action_url_name("answer"),
            ),
        )

    # --- actions ---

    def _check_can_change(self, request):
        helper = self.permission_helper
        if not helper.user_has_specific_permission(
            request.user, helper.get_perm_codename("change")
        ):
            raise PermissionDenied

    def _back(self, request):
        target = request.POST.get("next", "")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}
        ):
            return redirect(target)
        return redirect(self.url_helper.index_url)

    def _selected(self, request, name="selected"):
        ids = [
            value
            for value in request.POST.getlist(name)
            if value.isascii() and value.isdigit()
        ]
        return ReaderQuestion.objects.filter(pk__in=ids)

    def bulk_view(self, request):
        self._check_can_change(request)
        action = BULK_ACTIONS.get(request.POST.get("action", ""))
        selected = self._selected(request)
        if action is None:
            messages.error(request, "Choose what to do with the selected questions.")
        elif not selected.exists():
            messages.error(request, "Select at least one question first.")
        else:
            change, done = action
            count = change(selected)
            noun = "question" if count == 1 else "questions"
            messages.success(request, f"{count} {noun} {done}.")
        return self._back(request)

    def answer_view(self, request):
        """Start a draft post answering the chosen question(s); open its editor.

        The row button posts one `question`; the bulk bar posts the ticked
        `selected` ones, which become a single post.
        """
        self._check_can_change(request)
        chosen = self._selected(request, "question")
        if not request.POST.getlist("question"):
            chosen = self._selected(request)
        chosen = list(chosen.select_related("answer_page"))
        if not chosen:
            messages.error(request, "Select at least one question to answer.")
            return self._back(request)

        open_questions = [q for q in chosen if q.answer_page_id is None]
        if not open_questions:
            page = chosen[0].answer_page
            messages.info(
                request, "That question already has a post: here is its editor."
            )
            return redirect("wagtailadmin_pages:edit", page.pk)

        blog = question_actions.default_blog()
        if blog is None:
            messages.error(request, "There is no blog to add the post to yet.")
            return self._back(request)
        if not blog.permissions_for_user(request.user).can_add_subpage():
            raise PermissionDenied

        page = question_actions.answer_in_post(open_questions, blog, request.user)
        names = ", ".join(q.display_name for q in open_questions)
        messages.success(
            request,
            f"Draft started for {names}'s question. Write the answer, then publish: "
            "the question is marked answered then.",
        )
        no_consent = [q.display_name for q in open_questions if not q.consent_to_quote]
        if no_consent:
            messages.warning(
                request,
                f"{', '.join(no_consent)} did not agree to be quoted: paraphrase the "
                "question before publishing.",
            )
        return redirect("wagtailadmin_pages:edit", page.pk)


class NewQuestionsPanel(Component):
    """Dashboard panel: how many questions wait, and the latest few."""

    name = "new_reader_questions"
    order = 150
    template_name = "readers/ask_admin_panel.html"

    def __init__(self, index_url: str):
        self.index_url = index_url

    def get_context_data(self, parent_context=None):
        new = ReaderQuestion.objects.filter(status=Status.NEW)
        return {
            "count": new.count(),
            "latest": list(new.order_by("-received_at")[:5]),
            "index_url": self.index_url,
            "new_url": f"{self.index_url}?status__exact={Status.NEW}",
        }


@hooks.register("construct_homepage_panels")
def add_new_questions_panel(request, panels):
    helper = PermissionHelper(ReaderQuestion)
    if helper.user_can_list(request.user):
        index_url = reverse("readers_readerquestion_modeladmin_index")
        panels.append(NewQuestionsPanel(index_url))
