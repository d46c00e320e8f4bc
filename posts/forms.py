"""Admin forms of the post pages."""

from wagtail.admin.forms import WagtailAdminPageForm

from posts.excerpts import first_paragraph
from posts.slugs import free_slug, is_made_from

ROUTE_SLUG_ERROR = (
    "“{slug}” is an address of the blog itself (a year, a feed, labels or "
    "search): choose another slug."
)


class PostPageForm(WagtailAdminPageForm):
    """The post editor's rules beyond the fields' own.

    - A slug that one of the blog's own routes would answer is refused. While a
      page is being created only the form knows its parent (a post's parent is
      always the blog: see ``PostPage.parent_page_types``).
    - Until a post is first published, its slug follows its title, unless
      someone chose the slug by hand (Wagtail's title-to-slug sync does the
      same in the browser; this also covers a renamed draft saved without it).
    - An empty excerpt is filled with the body's first paragraph (the answer's,
      in a question post), so the editor sees what listings will show.
    """

    def clean(self):
        self._slug_follows_title()
        cleaned_data = super().clean()
        slug = cleaned_data.get("slug")
        if slug and self.parent_page.specific.slug_is_route(slug):
            self.add_error("slug", ROUTE_SLUG_ERROR.format(slug=slug))
        if "excerpt" in self.fields and not cleaned_data.get("excerpt"):
            body = cleaned_data.get("body")
            if body is not None:
                cleaned_data["excerpt"] = first_paragraph(body.raw_data)
        return cleaned_data

    def _slug_follows_title(self) -> None:
        page = self.instance
        if page.pk is None or page.first_published_at is not None:
            return
        title = self.cleaned_data.get("title")
        slug = self.cleaned_data.get("slug")
        if not title or title == page.title or slug != page.slug:
            return  # no rename, or the editor is changing the slug themselves
        if not is_made_from(page.title, page.slug):
            return  # a slug chosen by hand stays
        siblings = self.parent_page.get_children().exclude(pk=page.pk)
        self.cleaned_data["slug"] = free_slug(
            title,
            siblings.values_list("slug", flat=True),
            refused=self.parent_page.specific.slug_is_route,
        )
