"""The import acts with the rights of the person behind it.

The admin's upload acts as the user who sent the file; the command line as
its ``--owner`` (by default the first superuser; on a site with no user at
all, as the operator at the shell, who may do anything ``manage.py`` can).

- A page it may add but not publish where it goes is saved as a draft and
  submitted to its workflow; one it may not add or edit is refused, with a
  line in the report.
- Only the chosen blog and the static pages beside it (Blogger's pages) are
  ever touched, whatever Blogger id an entry carries.
- Comments arrive approved only for someone who may moderate comments;
  otherwise they wait for a moderator.
"""

from __future__ import annotations

from enum import Enum

from django.contrib.auth import get_user_model
from wagtail.models import Page

from home.models import StandardPage
from readers.models import Comment
from readers.moderation import may_moderate


class Verdict(Enum):
    PUBLISH = "publish"
    DRAFT = "draft"  # saved, then submitted to its workflow
    REFUSE = "refuse"


MAY_NOT_ADD = "the importing user may not add pages there"
MAY_NOT_EDIT = "the importing user may not edit this page"
ELSEWHERE = "its Blogger id belongs to a page outside this blog"


class ImportRights:
    """What ``user`` may do to the blog and to the static pages beside it."""

    def __init__(self, user, blog: Page):
        self.user = user
        self.blog = blog
        self.home = blog.get_parent()
        self._new: dict[str, tuple[Verdict, str]] = {}

    @classmethod
    def of(cls, user_id: int | None, blog: Page) -> ImportRights:
        user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
        return cls(user, blog)

    @property
    def unrestricted(self) -> bool:
        return self.user is None or (self.user.is_active and self.user.is_superuser)

    def for_new(self, kind: str) -> tuple[Verdict, str]:
        """A new post ("posts", under the blog) or page ("pages", beside it)."""
        if self.unrestricted:
            return Verdict.PUBLISH, ""
        if kind not in self._new:
            parent = self.blog if kind == "posts" else self.home
            perms = parent.permissions_for_user(self.user)
            if not perms.can_add_subpage():
                self._new[kind] = (Verdict.REFUSE, MAY_NOT_ADD)
            elif perms.can_publish_subpage():
                self._new[kind] = (Verdict.PUBLISH, "")
            else:
                self._new[kind] = (Verdict.DRAFT, "")
        return self._new[kind]

    def for_existing(self, page: Page) -> tuple[Verdict, str]:
        """A page an earlier import made from the same Blogger id."""
        if not self._in_scope(page):
            return Verdict.REFUSE, ELSEWHERE
        if self.unrestricted:
            return Verdict.PUBLISH, ""
        perms = page.permissions_for_user(self.user)
        if not perms.can_edit():
            return Verdict.REFUSE, MAY_NOT_EDIT
        return (Verdict.PUBLISH if perms.can_publish() else Verdict.DRAFT), ""

    def _in_scope(self, page: Page) -> bool:
        if page.pk != self.blog.pk and page.is_descendant_of(self.blog):
            return True
        return page.is_child_of(self.home) and page.specific_class is StandardPage

    @property
    def may_retarget_redirects(self) -> bool:
        """May the import point a redirect already on the site somewhere else?"""
        return self.unrestricted or self.user.has_perm(
            "wagtailredirects.change_redirect"
        )

    @property
    def comment_status(self) -> str:
        """The status an approved comment of the export arrives with."""
        if self.unrestricted or may_moderate(self.user):
            return Comment.Status.APPROVED
        return Comment.Status.PENDING

    def submit(self, page: Page) -> bool:
        """Submit ``page``'s latest revision to its workflow, if it has one."""
        workflow = page.get_workflow()
        if workflow is None or self.user is None or page.workflow_in_progress:
            return False
        workflow.start(page, self.user)
        return True
