"""A comment's text as the safe HTML readers see: computed once, when saved.

Kept apart from the models so migrations and the importer's bulk writer can
call it without loading the rest of the app.
"""

from __future__ import annotations

from django.utils.html import linebreaks, urlize


def comment_html(text: str) -> str:
    """Escape a comment, link its web addresses (nofollow, ugc), keep its lines."""
    linked = urlize(text or "", trim_url_limit=60, nofollow=True, autoescape=True)
    linked = linked.replace(' rel="nofollow"', ' rel="nofollow ugc"')
    return linebreaks(linked, autoescape=False)
