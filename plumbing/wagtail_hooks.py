from wagtail import hooks

from plumbing.cache import page_scope, versions


@hooks.register("before_serve_page")
def remember_served_page(page, request, serve_args, serve_kwargs):
    """Note which page a response shows, and read its own version *before*
    rendering, so that a change landing while the page renders can never be
    stored under the new version."""
    state = getattr(request, "page_cache", None)
    if state is not None:
        state.page_id = page.pk
        state.scopes.update(versions([page_scope(page)]))
    return None
