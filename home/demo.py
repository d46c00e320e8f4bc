"""Demo content for `make run`, written for this project."""

import datetime
import io
import re
from pathlib import Path

from home.models import HomePage
from posts.blogger.importer import ImportOptions, import_export
from posts.blogger.undo import Removed, remove_imported_blog
from posts.models import PostIndexPage, Publication

DEMO_EXPORT = Path(__file__).parent / "fixtures" / "demo-blogger.xml"
DEMO_BLOG_ID = "1000000000000000001"  # the demo export's Blogger blog id
_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?[+-]\d\d:\d\d")


def _fresh_export(text: str, now: datetime.datetime) -> bytes:
    """The demo export with its dates moved so that its newest post is recent.

    The export stays a valid Blogger backup; only the clock moves, so that
    comments are still open on the newest demo post.
    """
    stamps = [datetime.datetime.fromisoformat(m) for m in _STAMP.findall(text)]
    shift = (now - datetime.timedelta(days=3)) - max(stamps)

    def move(match):
        return (datetime.datetime.fromisoformat(match.group(0)) + shift).isoformat()

    return _STAMP.sub(move, text).encode("utf-8")


def load_demo_content(now: datetime.datetime) -> bool:
    """Build the demo blog under the home page. Returns False if it exists.

    The site keeps its default name and tagline, so that a real blog imported
    later gives the site its own; that import replaces the demo content.
    """
    home = HomePage.objects.first()
    if home is None or PostIndexPage.objects.exists():
        return home is not None and ensure_ask_page(home)

    blog = home.add_child(
        instance=PostIndexPage(
            title="Blog",
            slug="blog",
            show_in_menus=True,
            introduction="<p>Readers ask, the Korean answers.</p>",
        )
    )
    blog.save_revision().publish()

    # The posts, the about page, labels and comments come through the Blogger
    # importer, from a small export written for this project.
    Publication.objects.get_or_create(
        name="The Morning Courier",
        defaults={"native_name": "아침 신문", "language": "ko"},
    )
    import_export(
        io.BytesIO(_fresh_export(DEMO_EXPORT.read_text(encoding="utf-8"), now)),
        ImportOptions(parent=str(blog.pk), sample=True),
    )
    ensure_ask_page(home)
    return True


def remove_demo_content() -> Removed:
    """Delete what ``load_demo_content`` made: the demo blog and everything its
    import wrote (posts, the about page, comments, labels, redirects, the
    demo publication). The ask page stays: the site's own, made by setup too."""
    return remove_imported_blog(DEMO_BLOG_ID)


def ensure_ask_page(home) -> bool:
    """Add the "Ask the Korean" page under home unless the site has one."""
    from readers.models import AskPage

    if AskPage.objects.exists():
        return False
    ask = home.add_child(
        instance=AskPage(
            title="Ask the Korean",
            slug="ask",
            show_in_menus=True,
            introduction=(
                "<p>Got a question about Korea, its people, its language or its "
                "history? Write to the Korean. The best questions become posts.</p>"
            ),
            guidelines=(
                "<ul><li>One question per letter works best.</li>"
                "<li>Tell a little about yourself and why you ask.</li>"
                "<li>Not every question can be answered, and answers can take "
                "months.</li></ul>"
            ),
            thank_you_text=(
                "<p>Thank you! Your question has arrived. If you asked to be told, "
                "you will get one e-mail when the answer is published.</p>"
            ),
        )
    )
    ask.save_revision().publish()
    return True
