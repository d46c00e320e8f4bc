"""The editors' dashboard: what each role finds on /admin/."""

import datetime

from django.utils import timezone

from posts.models import PostPage
from tests.factories import (
    CommentFactory,
    PostPageFactory,
    ReaderQuestionFactory,
    publish,
)
from tests.test_editorial import EditorialTestCase, edit_url, submit_new_post


def published_days_ago(blog, days, **kwargs):
    post = publish(PostPageFactory(parent=blog, **kwargs))
    moment = timezone.now() - datetime.timedelta(days=days)
    PostPage.objects.filter(pk=post.pk).update(first_published_at=moment, date=moment)
    return PostPage.objects.get(pk=post.pk)


class DashboardTests(EditorialTestCase):
    def dashboard(self, user):
        self.client.force_login(user)
        response = self.client.get("/admin/")
        assert response.status_code == 200
        return response.content.decode()

    def test_reviewers_find_the_posts_awaiting_their_review(self):
        self.client.force_login(self.author)
        submit_new_post(self.client, self.blog, "Needs a look", "needs-a-look")
        html = self.dashboard(self.editor)
        assert "Awaiting your review" in html
        assert "Needs a look" in html
        # Translators have nothing to do with a post without a translation.
        assert "Needs a look" not in self.dashboard(self.translator)

    def test_editor_sees_scheduled_posts_with_their_dates(self):
        go_live = timezone.now() + datetime.timedelta(days=3)
        post = PostPageFactory(parent=self.blog, title="Tomorrow's answer", live=False)
        post.go_live_at = go_live
        post.save_revision().publish()
        expiring = publish(
            PostPageFactory(
                parent=self.blog,
                title="Going away",
                expire_at=timezone.now() + datetime.timedelta(days=5),
            )
        )
        html = self.dashboard(self.editor)
        assert "Scheduled posts" in html
        assert "Tomorrow&#x27;s answer" in html or "Tomorrow's answer" in html
        assert edit_url(post) in html
        assert timezone.localtime(go_live).strftime("%a %-d %b %Y, %H:%M") in html
        assert "goes live" in html
        assert "Going away" in html and edit_url(expiring) in html
        assert html.index("answer") < html.index("Going away")

    def test_authors_and_moderators_see_no_scheduling_panel(self):
        assert "Scheduled posts" not in self.dashboard(self.author)
        assert "Scheduled posts" not in self.dashboard(self.moderator)

    def test_posts_whose_comments_close_within_a_week_are_listed(self):
        # The site rule closes comments 60 days after publication.
        soon = published_days_ago(self.blog, 55, title="Closing by the rule")
        explicit = published_days_ago(
            self.blog, 2, title="Closing by the editor's date"
        )
        explicit.comments_close_at = timezone.now() + datetime.timedelta(days=3)
        explicit.save()
        published_days_ago(self.blog, 10, title="Still young")
        published_days_ago(self.blog, 70, title="Long closed")
        published_days_ago(
            self.blog, 56, title="Locked thread", comment_policy="locked"
        )
        for user in (self.editor, self.moderator):
            html = self.dashboard(user)
            assert "Comments closing in the next 7 days" in html
            assert "Closing by the rule" in html
            assert "site rule" in html and "the post&#x27;s closing date" in html
            assert "Closing by the editor" in html
            assert edit_url(soon) in html
            assert "Still young" not in html
            assert "Long closed" not in html
            assert "Locked thread" not in html
        assert "Comments closing" not in self.dashboard(self.author)

    def test_moderators_find_pending_comments_and_new_questions(self):
        post = publish(PostPageFactory(parent=self.blog))
        CommentFactory(page=post, status="pending")
        ReaderQuestionFactory()
        html = self.dashboard(self.moderator)
        assert "/admin/readers/comment/" in html
        assert "/admin/readers/readerquestion/" in html
        html = self.dashboard(self.author)
        assert "/admin/readers/comment/" not in html
        assert "/admin/readers/readerquestion/" not in html
