"""Tiny classic Blogger exports written in a test, entry by entry.

Each real defect becomes a test with the smallest excerpt that shows it: a
post's body, its labels, its old address, a comment's HTML. The markup around
them is what a classic "Back up content" export writes (see seed-classic.xml).
"""

from dataclasses import dataclass, field
from html import escape

BLOG_ID = "5151515151515151515"
BLOG = "http://smallblog.blogspot.com"
_KIND = "http://schemas.google.com/blogger/2008/kind#"
_AUTHOR = (
    "<author><name>The Korean</name>"
    "<uri>https://www.blogger.com/profile/0899999999999999999</uri>"
    "<email>noreply@blogger.com</email></author>"
)


@dataclass
class Post:
    body: str
    title: str = "A post"
    path: str = "/2021/09/a-post.html"  # the old address; "" for a draft
    labels: list[str] = field(default_factory=list)
    draft: bool = False
    published: str = "2021-09-14T10:00:00.000+09:00"
    number: int = 0  # set by export_xml


@dataclass
class BloggerComment:
    post: Post
    body: str
    author: str = "A reader"
    published: str = "2021-09-15T10:00:00.000+09:00"
    number: int = 0


def _post_entry(post: Post) -> str:
    labels = "".join(
        f"<category scheme='http://www.blogger.com/atom/ns#' term='{escape(label)}'/>"
        for label in post.labels
    )
    draft = (
        "<app:control xmlns:app='http://purl.org/atom/app#'>"
        "<app:draft>yes</app:draft></app:control>"
        if post.draft
        else ""
    )
    link = (
        ""
        if post.draft or not post.path
        else f"<link rel='alternate' type='text/html' href='{BLOG}{post.path}'/>"
    )
    return (
        f"<entry><id>tag:blogger.com,1999:blog-{BLOG_ID}.post-{post.number}</id>"
        f"<published>{post.published}</published><updated>{post.published}</updated>"
        f"{draft}<category scheme='http://schemas.google.com/g/2005#kind' "
        f"term='{_KIND}post'/>{labels}"
        f"<title type='text'>{escape(post.title)}</title>"
        f"<content type='html'>{escape(post.body)}</content>{link}{_AUTHOR}</entry>"
    )


def _comment_entry(comment: BloggerComment) -> str:
    post_id = f"tag:blogger.com,1999:blog-{BLOG_ID}.post-{comment.post.number}"
    return (
        f"<entry><id>tag:blogger.com,1999:blog-{BLOG_ID}.post-{comment.number}</id>"
        f"<published>{comment.published}</published>"
        f"<updated>{comment.published}</updated>"
        "<category scheme='http://schemas.google.com/g/2005#kind' "
        f"term='{_KIND}comment'/><title type='text'>comment</title>"
        f"<content type='html'>{escape(comment.body)}</content>"
        f"<author><name>{escape(comment.author)}</name>"
        "<email>noreply@blogger.com</email></author>"
        f"<thr:in-reply-to href='{BLOG}{comment.post.path}' ref='{post_id}' "
        "type='text/html'/></entry>"
    )


def export_xml(posts: list[Post], comments: list[BloggerComment] = ()) -> str:
    for number, post in enumerate(posts, 1):
        post.number = 7000000000000000000 + number
    for number, comment in enumerate(comments, 1):
        comment.number = 3000000000000000000 + number
    head = (
        "<?xml version='1.0' encoding='UTF-8'?>"
        "<feed xmlns='http://www.w3.org/2005/Atom' "
        "xmlns:gd='http://schemas.google.com/g/2005' "
        "xmlns:thr='http://purl.org/syndication/thread/1.0'>"
        f"<id>tag:blogger.com,1999:blog-{BLOG_ID}.archive</id>"
        "<updated>2021-10-01T00:00:00.000+09:00</updated>"
        "<title type='text'>Small Blog</title>"
        f"<link rel='alternate' type='text/html' href='{BLOG}/'/>{_AUTHOR}"
        "<generator version='7.00' uri='https://www.blogger.com'>Blogger</generator>"
    )
    entries = [_post_entry(p) for p in posts] + [_comment_entry(c) for c in comments]
    return head + "".join(entries) + "</feed>\n"


def write_export(path, posts, comments=()) -> str:
    with open(path, "w", encoding="utf-8") as f:
        f.write(export_xml(posts, comments))
    return str(path)
