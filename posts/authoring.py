"""Named entry points that other apps use to start posts.

`readers` calls `create_question_draft` when an editor answers reader questions;
it never builds pages of this app by hand.
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
