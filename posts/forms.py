"""Admin forms of the post pages."""

from wagtail.admin.forms import WagtailAdminPageForm

ROUTE_SLUG_ERROR = (
    "“{slug}” is an address of the blog itself (a year, a feed, labels or "
    "search): choose another slug."
)


class PostPageForm(WagtailAdminPageForm):
    """Refuses a slug that one of the blog's own routes would answer.

    While a page is being created only the form knows its parent (a post's
    parent is always the blog: see ``PostPage.parent_page_types``).
    """

    def clean(self):
        cleaned_data = super().clean()
        slug = cleaned_data.get("slug")
        if slug and self.parent_page.specific.slug_is_route(slug):
            self.add_error("slug", ROUTE_SLUG_ERROR.format(slug=slug))
        return cleaned_data
