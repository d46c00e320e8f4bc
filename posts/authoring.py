"""Named entry points that other apps use to start posts.

`readers` calls `create_question_draft` when an editor answers reader questions;
it never builds pages of this app by hand.
"""

import datetime

from django.utils.text import slugify
from wagtail.log_actions import log

from posts.models import PostIndexPage, QuestionPostPage

SLUG_LENGTH = 60


def _free_slug(blog: PostIndexPage, title: str) -> str:
    base = slugify(title, allow_unicode=True)[:SLUG_LENGTH].strip("-") or "question"
    taken = set(
        blog.get_children().filter(slug__startswith=base).values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        slug = f"{base}-{number}"
        number += 1
    return slug


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
