"""Classic Blogger exports whose posts carry pictures, for the image tests.

`write_export(path, posts)` writes a classic backup (the format of
`seed-classic.xml`) with one entry per post; each post is a list of
pictures, and each picture is written the way Blogger's editor writes it: a
`div.separator` link to the `/s1600/` original around the `/s320/`
thumbnail, or a `tr-caption-container` table with its caption.
"""

from dataclasses import dataclass
from html import escape

BLOG_ID = "4242424242424242424"
BLOG = "http://picturebook.blogspot.com"


@dataclass
class Picture:
    url: str  # the thumbnail's URL, with its size segment
    alt: str = ""
    caption: str = ""
    original: str = ""  # the linked original (defaults to the /s1600/ form)

    def html(self) -> str:
        original = self.original or self.url.replace("/s320/", "/s1600/")
        img = f'<img border="0" src="{self.url}"' + (
            f' alt="{escape(self.alt)}"' if self.alt else ""
        )
        img += ' width="320" height="240" />'
        if self.caption:
            return (
                '<table align="center" cellpadding="0" cellspacing="0" '
                'class="tr-caption-container" style="margin: auto;"><tbody>'
                f'<tr><td style="text-align: center;"><a href="{original}" '
                f'style="margin-left: auto; margin-right: auto;">{img}</a></td></tr>'
                f'<tr><td class="tr-caption" style="text-align: center;">'
                f"{escape(self.caption)}</td></tr></tbody></table>"
            )
        return (
            '<div class="separator" style="clear: both; text-align: center;">'
            f'<a href="{original}" style="margin-left: 1em; margin-right: 1em;">'
            f"{img}</a></div>"
        )


def _entry(number: int, title: str, pictures: list[Picture]) -> str:
    body = f"<p>Post {number} begins.</p><br /><br />" + "<br />".join(
        p.html() + f"<br />Words after picture {i}.<br />"
        for i, p in enumerate(pictures, 1)
    )
    year, month = 2010 + number % 10, 1 + number % 12
    slug = f"post-{number}"
    post_id = f"{7000000000000000000 + number}"
    stamp = f"{year}-{month:02d}-{1 + number % 28:02d}T10:00:00.000-05:00"
    return (
        f"<entry><id>tag:blogger.com,1999:blog-{BLOG_ID}.post-{post_id}</id>"
        f"<published>{stamp}</published><updated>{stamp}</updated>"
        "<category scheme='http://schemas.google.com/g/2005#kind' "
        "term='http://schemas.google.com/blogger/2008/kind#post'/>"
        "<category scheme='http://www.blogger.com/atom/ns#' term='Pictures'/>"
        f"<title type='text'>{escape(title)}</title>"
        f"<content type='html'>{escape(body)}</content>"
        f"<link rel='alternate' type='text/html' "
        f"href='{BLOG}/{year}/{month:02d}/{slug}.html' title='{escape(title)}'/>"
        "<author><name>The Korean</name>"
        "<uri>https://www.blogger.com/profile/0899999999999999999</uri>"
        "<email>noreply@blogger.com</email></author>"
        "<thr:total>0</thr:total></entry>"
    )


def export_xml(posts: list[tuple[str, list[Picture]]]) -> str:
    head = (
        "<?xml version='1.0' encoding='UTF-8'?>"
        "<feed xmlns='http://www.w3.org/2005/Atom' "
        "xmlns:openSearch='http://a9.com/-/spec/opensearchrss/1.0/' "
        "xmlns:gd='http://schemas.google.com/g/2005' "
        "xmlns:thr='http://purl.org/syndication/thread/1.0' "
        "xmlns:georss='http://www.georss.org/georss'>"
        f"<id>tag:blogger.com,1999:blog-{BLOG_ID}.archive</id>"
        "<updated>2020-01-01T00:00:00.000-05:00</updated>"
        "<title type='text'>Picture Book</title>"
        f"<link rel='alternate' type='text/html' href='{BLOG}/'/>"
        "<author><name>The Korean</name><email>noreply@blogger.com</email></author>"
        "<generator version='7.00' uri='https://www.blogger.com'>Blogger</generator>"
    )
    entries = "".join(
        _entry(number, title, pictures)
        for number, (title, pictures) in enumerate(posts, 1)
    )
    return head + entries + "</feed>\n"


def write_export(path, posts) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(export_xml(posts))
