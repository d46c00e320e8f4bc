"""The editorial roles and the "Editorial review" workflow, through the admin.

Each role is a member of one group the data migration created; every check goes
through the admin views the way a person clicking would (and a forged POST).
"""

import json

from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from wagtail.models import Page, TaskState, WorkflowState
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from posts import editorial
from posts.models import PostIndexPage, PostPage, Publication
from readers.models import Comment
from tests.factories import (
    CommentFactory,
    PostPageFactory,
    UserFactory,
    build_site,
    publish,
)

# Helpers shared by the other tests/test_editorial_*.py modules.


def user_in(group_name, **kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def post_form(title, slug, *, translation=False, **extra):
    """The form data the admin posts for a post, optionally with a translation."""
    blocks = [("paragraph", rich_text(f"<p>{title}: the answer.</p>"))]
    if translation:
        blocks.append(
            (
                "translation",
                {
                    "original_title": "나는 안다",
                    "original_language": "ko",
                    "original_author": "Joo Seong-Ha",
                    "publication": "",
                    "original_url": "",
                    "published_on": "",
                    "translator_note": rich_text(""),
                    "text": rich_text("<p>I know the despair.</p>"),
                },
            )
        )
    data = {
        "title": title,
        "slug": slug,
        "date": "",
        "excerpt": "An excerpt.",
        "body": streamfield(blocks),
        "tags": "",
        "comment_policy": "auto",
        "comments_close_at": "",
        "go_live_at": "",
        "expire_at": "",
    }
    data.update(extra)
    return nested_form_data(data)


def add_url(blog, model="postpage"):
    return reverse("wagtailadmin_pages:add", args=("posts", model, blog.pk))


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=(page.pk,))


def with_workflow_action(data, action, comment=""):
    """Form data for a workflow action taken from the edit view."""
    return {
        **data,
        "action-workflow-action": "on",
        "workflow-action-name": action,
        "workflow-action-extra-data": json.dumps(
            {"comment": comment} if comment else {}
        ),
    }


def submit_new_post(client, blog, title, slug, **form):
    response = client.post(
        add_url(blog), {**post_form(title, slug, **form), "action-submit": "on"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return PostPage.objects.get(slug=slug)


def current_task_name(page):
    state = WorkflowState.objects.for_instance(page).active().first()
    return state.current_task_state.task.name if state else None


class EditorialTestCase(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home, cls.blog = build_site()
        cls.author = user_in(editorial.AUTHORS, username="author")
        cls.translator = user_in(editorial.TRANSLATORS, username="translator")
        cls.editor = user_in(editorial.EDITORS, username="editor")
        cls.moderator = user_in(editorial.MODERATORS, username="moderator")


class RoleSetUpTests(EditorialTestCase):
    def test_every_blog_gets_the_editorial_review_workflow(self):
        post = PostPageFactory(parent=self.blog)
        assert post.get_workflow().name == "Editorial review"
        tasks = [task.name for task in post.get_workflow().tasks]
        assert tasks == ["Translation check", "Editor approval"]

    def test_a_blog_created_later_gets_the_workflow_and_the_roles(self):
        # The migration ran before this blog existed: the signal sets it up.
        self.blog.delete()
        new_blog = PostIndexPage(title="New blog", slug="new-blog")
        self.home.add_child(instance=new_blog)
        post = PostPageFactory(parent=new_blog)
        assert post.get_workflow().name == "Editorial review"
        assert new_blog.permissions_for_user(self.author).can_add_subpage()
        assert not post.permissions_for_user(self.author).can_publish()
        assert post.permissions_for_user(self.editor).can_publish()

    def test_existing_blog_without_workflow_is_set_up_by_the_migration_step(self):
        from wagtail.models import GroupPagePermission, WorkflowPage

        WorkflowPage.objects.filter(page=self.blog).delete()
        GroupPagePermission.objects.filter(page=self.blog).delete()
        editorial.set_up_editorial_roles()
        post = PostPageFactory(parent=self.blog)
        assert post.get_workflow().name == "Editorial review"
        assert post.permissions_for_user(self.editor).can_publish()

    def test_moderators_approve_no_pages_anywhere(self):
        from wagtail.models import GroupApprovalTask

        moderators = Group.objects.get(name=editorial.MODERATORS)
        assert not GroupApprovalTask.objects.filter(groups=moderators).exists()
        assert not moderators.page_permissions.exists()


class AuthorTests(EditorialTestCase):
    def setUp(self):
        self.client.force_login(self.author)

    def test_author_creates_a_post_and_submits_it_for_review(self):
        post = submit_new_post(self.client, self.blog, "Why kimchi", "why-kimchi")
        assert not post.live
        assert post.owner == self.author
        assert current_task_name(post) == "Editor approval"

    def test_author_edits_an_own_draft(self):
        response = self.client.post(add_url(self.blog), post_form("A draft", "a-draft"))
        assert response.status_code == 302
        post = PostPage.objects.get(slug="a-draft")
        response = self.client.post(
            edit_url(post), post_form("A better draft", "a-draft")
        )
        assert response.status_code == 302
        post.refresh_from_db()
        assert post.get_latest_revision_as_object().title == "A better draft"

    def test_edit_view_offers_submit_but_no_publish_button(self):
        self.client.post(add_url(self.blog), post_form("A draft", "a-draft"))
        post = PostPage.objects.get(slug="a-draft")
        html = self.client.get(edit_url(post)).content.decode()
        assert 'name="action-submit"' in html
        assert 'name="action-publish"' not in html
        # The same view shows the button to an editor.
        self.client.force_login(self.editor)
        html = self.client.get(edit_url(post)).content.decode()
        assert 'name="action-publish"' in html

    def test_forged_publish_post_does_not_publish(self):
        response = self.client.post(
            add_url(self.blog),
            {**post_form("Forged", "forged"), "action-publish": "on"},
        )
        post = PostPage.objects.get(slug="forged")
        assert response.status_code == 302
        assert not post.live
        response = self.client.post(
            edit_url(post), {**post_form("Forged", "forged"), "action-publish": "on"}
        )
        post.refresh_from_db()
        assert not post.live
        assert not Page.objects.filter(pk=post.pk, live=True).exists()

    def test_author_cannot_create_pages_outside_the_blog(self):
        response = self.client.get(
            reverse(
                "wagtailadmin_pages:add", args=("home", "standardpage", self.home.pk)
            )
        )
        assert response.status_code in (302, 403)

    def test_author_cannot_edit_someone_elses_post(self):
        other = publish(PostPageFactory(parent=self.blog, owner=self.editor))
        response = self.client.get(edit_url(other))
        assert response.status_code in (302, 403)

    def test_author_sees_no_comment_moderation(self):
        html = self.client.get("/admin/").content.decode()
        assert "/admin/readers/comment/" not in html
        assert "/admin/readers/readerquestion/" not in html
        response = self.client.get("/admin/readers/comment/")
        assert response.status_code in (302, 403)
        post = publish(PostPageFactory(parent=self.blog))
        comment = CommentFactory(page=post, status=Comment.Status.PENDING)
        self.client.post(
            "/admin/readers/comment/bulk/",
            {"action": "approve", "comment": [comment.pk]},
        )
        comment.refresh_from_db()
        assert comment.status == Comment.Status.PENDING

    def test_author_cannot_reach_site_settings_or_publications(self):
        for url in (
            "/admin/settings/home/sitesettings/",
            "/admin/settings/readers/commentsettings/",
            "/admin/snippets/posts/publication/add/",
        ):
            response = self.client.get(url)
            assert response.status_code in (302, 403), url


class TranslationCheckTests(EditorialTestCase):
    def test_post_with_translation_waits_for_a_translator(self):
        self.client.force_login(self.author)
        post = submit_new_post(
            self.client, self.blog, "A column", "a-column", translation=True
        )
        assert current_task_name(post) == "Translation check"
        # Wagtail's own notification goes to the translators.
        to = [address for message in mail.outbox for address in message.to]
        assert self.translator.email in to
        assert self.editor.email not in to
        # Its link leads to the post in this environment's admin.
        to_translator = [m for m in mail.outbox if self.translator.email in m.to]
        assert f"http://testserver{edit_url(post)}" in to_translator[0].body

    def test_translator_approves_the_translation_step(self):
        self.client.force_login(self.author)
        post = submit_new_post(
            self.client, self.blog, "A column", "a-column", translation=True
        )
        self.client.force_login(self.translator)
        html = self.client.get(edit_url(post)).content.decode()
        assert "Approve the translation" in html
        response = self.client.post(
            edit_url(post),
            with_workflow_action(
                post_form("A column", "a-column", translation=True), "approve"
            ),
        )
        assert response.status_code == 302
        assert current_task_name(post) == "Editor approval"
        post.refresh_from_db()
        assert not post.live

    def test_editor_cannot_approve_the_translation_step(self):
        self.client.force_login(self.author)
        post = submit_new_post(
            self.client, self.blog, "A column", "a-column", translation=True
        )
        self.client.force_login(self.editor)
        self.client.post(
            edit_url(post),
            with_workflow_action(
                post_form("A column", "a-column", translation=True), "approve"
            ),
        )
        assert current_task_name(post) == "Translation check"

    def test_post_without_translation_skips_the_translation_step(self):
        self.client.force_login(self.author)
        post = submit_new_post(self.client, self.blog, "Plain", "plain")
        state = WorkflowState.objects.for_instance(post).get()
        statuses = {
            task_state.task.name: task_state.status
            for task_state in state.task_states.all()
        }
        assert statuses == {
            "Translation check": TaskState.STATUS_SKIPPED,
            "Editor approval": TaskState.STATUS_IN_PROGRESS,
        }
        # Nothing reaches the translators' inbox for it.
        to = [address for message in mail.outbox for address in message.to]
        assert self.translator.email not in to
        assert self.editor.email in to

    def test_translation_added_after_a_skipped_check_goes_to_translators(self):
        self.client.force_login(self.author)
        post = submit_new_post(self.client, self.blog, "Plain", "plain")
        self.client.force_login(self.editor)
        self.client.post(
            edit_url(post),
            with_workflow_action(post_form("Plain", "plain"), "reject", "Quote it"),
        )
        self.client.force_login(self.author)
        self.client.post(
            edit_url(post),
            {**post_form("Plain", "plain", translation=True), "action-submit": "on"},
        )
        assert current_task_name(post) == "Translation check"
        self.client.force_login(self.translator)
        self.client.post(
            edit_url(post),
            with_workflow_action(
                post_form("Plain", "plain", translation=True), "approve"
            ),
        )
        assert current_task_name(post) == "Editor approval"


class EditorTests(EditorialTestCase):
    def submitted_post(self):
        self.client.force_login(self.author)
        post = submit_new_post(self.client, self.blog, "Ready", "ready")
        self.client.force_login(self.editor)
        return post

    def test_editor_approves_and_the_post_is_published(self):
        post = self.submitted_post()
        response = self.client.post(
            edit_url(post), with_workflow_action(post_form("Ready", "ready"), "approve")
        )
        assert response.status_code == 302
        post.refresh_from_db()
        assert post.live
        assert self.client.get(post.url).status_code == 200

    def test_editor_publishes_directly(self):
        post = self.submitted_post()
        self.client.post(
            edit_url(post), {**post_form("Ready", "ready"), "action-publish": "on"}
        )
        post.refresh_from_db()
        assert post.live

    def test_rejection_returns_the_post_to_its_author_with_the_comment(self):
        post = self.submitted_post()
        mail.outbox.clear()
        self.client.post(
            edit_url(post),
            with_workflow_action(
                post_form("Ready", "ready"),
                "reject",
                comment="Cite the source, please.",
            ),
        )
        state = WorkflowState.objects.for_instance(post).get()
        assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
        assert not PostPage.objects.get(pk=post.pk).live
        # The author is told, with the editor's comment.
        to_author = [m for m in mail.outbox if self.author.email in m.to]
        assert to_author
        assert "Cite the source, please." in to_author[0].body
        # The author sees the comment and can edit and resubmit.
        self.client.force_login(self.author)
        html = self.client.get(edit_url(post)).content.decode()
        assert "Cite the source, please." in html
        response = self.client.post(
            edit_url(post),
            {**post_form("Ready, with source", "ready"), "action-submit": "on"},
        )
        assert response.status_code == 302
        state.refresh_from_db()
        assert state.status == WorkflowState.STATUS_IN_PROGRESS
        assert current_task_name(post) == "Editor approval"

    def test_editor_manages_publications_and_site_settings(self):
        self.client.force_login(self.editor)
        for url in (
            "/admin/snippets/posts/publication/add/",
            "/admin/settings/home/sitesettings/",
            "/admin/settings/readers/commentsettings/",
        ):
            response = self.client.get(url, follow=True)
            assert response.status_code == 200, url
            assert response.request["PATH_INFO"].startswith(url), url
        response = self.client.post(
            "/admin/snippets/posts/publication/add/",
            {"name": "Hankyoreh", "native_name": "한겨레", "language": "ko"},
        )
        assert response.status_code == 302
        assert Publication.objects.filter(name="Hankyoreh").exists()


class ModeratorTests(EditorialTestCase):
    def setUp(self):
        self.client.force_login(self.moderator)

    def test_moderator_cannot_edit_or_publish_posts(self):
        post = publish(PostPageFactory(parent=self.blog, title="Original"))
        response = self.client.get(edit_url(post))
        assert response.status_code in (302, 403)
        self.client.post(
            edit_url(post),
            {**post_form("Taken over", post.slug), "action-publish": "on"},
        )
        post.refresh_from_db()
        assert post.title == "Original"
        assert post.get_latest_revision().user is None
        response = self.client.get(add_url(self.blog))
        assert response.status_code in (302, 403)

    def test_moderator_reaches_the_readers_screens_and_moderates(self):
        html = self.client.get("/admin/").content.decode()
        assert "/admin/readers/comment/" in html
        assert self.client.get("/admin/readers/comment/").status_code == 200
        assert self.client.get("/admin/readers/readerquestion/").status_code == 200
        post = publish(PostPageFactory(parent=self.blog))
        comment = CommentFactory(page=post, status=Comment.Status.PENDING)
        response = self.client.post(
            "/admin/readers/comment/bulk/",
            {"action": "approve", "comment": [comment.pk]},
        )
        assert response.status_code == 302
        comment.refresh_from_db()
        assert comment.status == Comment.Status.APPROVED
        assert comment.approved_by == self.moderator

    def test_moderator_cannot_change_settings_or_publications(self):
        for url in (
            "/admin/settings/home/sitesettings/",
            "/admin/snippets/posts/publication/add/",
        ):
            assert self.client.get(url).status_code in (302, 403), url


def test_admin_add_form_fields_match_the_post_model(db):
    """Guards the helper: the form data above is what the admin expects."""
    home, blog = build_site()
    user = UserFactory(is_superuser=True, is_staff=True)
    from django.test import Client

    client = Client()
    client.force_login(user)
    response = client.post(
        add_url(blog),
        post_form("Guard", "guard", translation=True),
    )
    assert response.status_code == 302
    assert PostPage.objects.get(slug="guard").has_translation()
