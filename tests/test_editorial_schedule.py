"""Scheduled publishing: Wagtail's go-live and expiry times, applied by
`manage.py publish_scheduled`, with the clock moved forward in the test."""

import datetime
from io import StringIO
from unittest import mock

from django.core.management import call_command
from django.utils import timezone

from posts.models import PostPage
from tests.factories import PostPageFactory, publish
from tests.test_editorial import (
    EditorialTestCase,
    edit_url,
    post_form,
    submit_new_post,
    with_workflow_action,
)

WORD = "Zanzibarite"  # a word no other page uses, for the search check


def admin_time(moment):
    """How the admin's date-time input writes a moment (in the site's zone)."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def run_publish_scheduled(at):
    with mock.patch("django.utils.timezone.now", return_value=at):
        call_command("publish_scheduled", stdout=StringIO())


class ScheduledPublishingTests(EditorialTestCase):
    def setUp(self):
        self.now = timezone.now().replace(second=0, microsecond=0)
        self.client.force_login(self.editor)

    def reader_sees(self, post, at):
        """Where readers would find the post at time `at`, place by place."""
        self.client.logout()
        title = post.title
        with mock.patch("django.utils.timezone.now", return_value=at):
            found = {
                "index": title in self.client.get(self.blog.url).content.decode(),
                "rss": title
                in self.client.get(self.blog.url + "feed/").content.decode(),
                "atom": title
                in self.client.get(self.blog.url + "feed/atom/").content.decode(),
                "sitemap": post.slug
                in self.client.get("/sitemap.xml").content.decode(),
                "search": title
                in self.client.get("/search/", {"q": WORD}).content.decode(),
                "page": self.client.get(f"/blog/{post.slug}/").status_code == 200,
                "queryset": PostPage.objects.live().search(WORD).count() == 1,
            }
        self.client.force_login(self.editor)
        return found

    def schedule_through_the_admin(self, go_live_at, **extra):
        draft = PostPageFactory(
            parent=self.blog, title=f"The {WORD} question", slug="scheduled", live=False
        )
        data = post_form(
            f"The {WORD} question",
            "scheduled",
            go_live_at=admin_time(go_live_at),
            **extra,
        )
        response = self.client.post(edit_url(draft), {**data, "action-publish": "on"})
        assert response.status_code == 302
        return PostPage.objects.get(pk=draft.pk)

    def test_scheduled_post_appears_everywhere_only_after_its_time(self):
        go_live = self.now + datetime.timedelta(days=1)
        post = self.schedule_through_the_admin(go_live)
        assert not post.live
        assert post.scheduled_revision is not None

        before = self.reader_sees(post, self.now)
        assert not any(before.values()), before

        # Running the scheduler before the time changes nothing.
        run_publish_scheduled(self.now + datetime.timedelta(hours=1))
        post.refresh_from_db()
        assert not post.live

        later = go_live + datetime.timedelta(minutes=5)
        run_publish_scheduled(later)
        post.refresh_from_db()
        assert post.live
        after = self.reader_sees(post, later)
        assert all(after.values()), after

    def test_expired_post_is_withdrawn_by_the_scheduler(self):
        post = publish(
            PostPageFactory(
                parent=self.blog,
                title=f"The {WORD} answer",
                slug="expiring",
                expire_at=self.now + datetime.timedelta(days=2),
            )
        )
        assert post.live
        assert self.reader_sees(post, self.now)["index"]

        later = self.now + datetime.timedelta(days=3)
        run_publish_scheduled(later)
        post.refresh_from_db()
        assert not post.live
        assert post.expired
        after = self.reader_sees(post, later)
        assert not any(after.values()), after

    def test_editor_schedules_while_approving(self):
        self.client.force_login(self.author)
        post = submit_new_post(
            self.client, self.blog, "Approved later", "approved-later"
        )
        self.client.force_login(self.editor)
        go_live = self.now + datetime.timedelta(days=2)
        response = self.client.post(
            edit_url(post),
            with_workflow_action(
                post_form(
                    "Approved later", "approved-later", go_live_at=admin_time(go_live)
                ),
                "approve",
            ),
        )
        assert response.status_code == 302
        post.refresh_from_db()
        assert not post.live
        assert post.scheduled_revision.approved_go_live_at == go_live
        run_publish_scheduled(go_live + datetime.timedelta(minutes=1))
        post.refresh_from_db()
        assert post.live
