"""Named entry points that other apps use to start posts.

`readers` starts an answer post through `QuestionAnswers`, which
posts/wagtail_hooks.py registers under `readers.questions.ANSWER_POSTS_HOOK`;
it never imports this app nor builds its pages by hand.
"""

import datetime

from wagtail.log_actions import log

from posts.models import PostIndexPage, QuestionPostPage
from posts.slugs import free_slug, slug_from


def _free_slug(blog: PostIndexPage, title: str) -> str:
    siblings = blog.get_children().filter(slug__startswith=slug_from(title, "question"))
    return free_slug(
        title,
        siblings.values_list("slug", flat=True),
        "question",
        refused=blog.slug_is_route,
    )


def default_blog() -> PostIndexPage | None:
    """The blog that answers go under: the first one in the page tree."""
    return PostIndexPage.objects.order_by("path").first()


def create_question_draft(
    blog: PostIndexPage,
    *,
    title: str,
    question_html: str,
    asker_name: str,
    asked_on: datetime.date | None,
    owner=None,
) -> QuestionPostPage:
    """Add an unpublished QuestionPostPage under `blog` and save its first revision.

    The answer body is left empty for the author to write in the page editor.
    """
    page = QuestionPostPage(
        title=title,
        slug=_free_slug(blog, title),
        question=question_html,
        asker_name=asker_name[:100],
        asked_on=asked_on,
        live=False,
        has_unpublished_changes=True,
        owner=owner,
    )
    blog.add_child(instance=page)
    log(instance=page, action="wagtail.create", user=owner)
    page.save_revision(user=owner)
    return page


class QuestionAnswers:
    """How readers' questions become answer posts in this app."""

    default_blog = staticmethod(default_blog)
    create_question_draft = staticmethod(create_question_draft)
