"""The issue's "done when", as one story told through the admin and the site."""

import datetime

from django.core import mail
from django.utils import timezone

from posts.models import PostPage
from tests.test_editorial import (
    EditorialTestCase,
    current_task_name,
    edit_url,
    post_form,
    submit_new_post,
    with_workflow_action,
)
from tests.test_editorial_schedule import admin_time, run_publish_scheduled


class EditorialStoryTests(EditorialTestCase):
    def test_translated_post_goes_from_author_to_readers_at_its_time(self):
        now = timezone.now().replace(second=0, microsecond=0)
        title = "What the Dong-A Ilbo said about defectors"
        slug = "dong-a-on-defectors"

        # 1. The author writes a post quoting a translation and submits it.
        self.client.force_login(self.author)
        post = submit_new_post(self.client, self.blog, title, slug, translation=True)
        assert current_task_name(post) == "Translation check"
        assert any(self.translator.email in m.to for m in mail.outbox)

        # 2. The translator finds it on the dashboard and approves the step.
        self.client.force_login(self.translator)
        dashboard = self.client.get("/admin/").content.decode()
        assert title in dashboard
        response = self.client.post(
            edit_url(post),
            with_workflow_action(post_form(title, slug, translation=True), "approve"),
        )
        assert response.status_code == 302
        assert current_task_name(post) == "Editor approval"

        # 3. The editor approves it with a go-live time two days ahead.
        go_live = now + datetime.timedelta(days=2)
        self.client.force_login(self.editor)
        assert title in self.client.get("/admin/").content.decode()
        response = self.client.post(
            edit_url(post),
            with_workflow_action(
                post_form(
                    title, slug, translation=True, go_live_at=admin_time(go_live)
                ),
                "approve",
            ),
        )
        assert response.status_code == 302
        assert current_task_name(post) is None
        post = PostPage.objects.get(pk=post.pk)
        assert not post.live

        # 4. Readers do not see it before its time...
        self.client.logout()
        assert title not in self.client.get(self.blog.url).content.decode()
        assert self.client.get(f"/blog/{slug}/").status_code == 404

        # ...and do once the scheduler has run at its time.
        run_publish_scheduled(go_live + datetime.timedelta(minutes=1))
        post.refresh_from_db()
        assert post.live
        assert title in self.client.get(self.blog.url).content.decode()
        page = self.client.get(f"/blog/{slug}/").content.decode()
        assert "I know the despair." in page
        assert post.owner == self.author
