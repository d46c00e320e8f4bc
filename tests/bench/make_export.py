"""Write a synthetic Blogger export, classic or Takeout, of any size.

    python tests/bench/make_export.py OUT.xml --posts 10000 --comments 100000
    python tests/bench/make_export.py OUT.atom --format takeout

Posts look like the real blog's: ``<br /><br />`` paragraphs, a jump break,
a picture in a separator div, a reader's letter on every third post and a
quoted translation on every fifth. About a fifth of the comments are replies,
one in fifty was removed, and a few comments come before their post.
Everything is deterministic (seeded), so two runs write the same file.
"""

from __future__ import annotations

import argparse
import random
from datetime import UTC, datetime, timedelta, timezone
from xml.sax.saxutils import escape, quoteattr

BLOG = "4242424242424242424"
HOST = "http://synthetic.blogspot.com"
TZ = timezone(timedelta(hours=-5))
WORDS = (
    "korea seoul kimchi language history question answer reader culture family "
    "school food winter summer city village river mountain law election market "
    "teacher student letter newspaper column translation politics economy north "
    "south peninsula hanok soju festival holiday grammar politeness age"
).split()


def sentence(rng: random.Random, n: int = 14) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def post_html(rng: random.Random, i: int) -> str:
    parts = []
    if i % 3 == 0:
        parts.append(
            f"<i>Dear Korean,<br /><br />{sentence(rng, 30)} {sentence(rng)}</i>"
            "<br /><br />"
            f"Reader{i}'s question is a good one. {sentence(rng)}"
        )
    else:
        parts.append(f"{sentence(rng)} {sentence(rng)}")
    parts.append("<a name='more'></a><br /><br />")
    parts.append(
        '<div class="separator" style="clear: both; text-align: center;">'
        f'<a href="https://1.bp.blogspot.com/-x{i}/s1600/photo{i}.jpg">'
        f'<img border="0" src="https://1.bp.blogspot.com/-x{i}/s320/photo{i}.jpg" '
        'width="320" /></a></div>'
    )
    for _ in range(rng.randint(3, 6)):
        parts.append(f"{sentence(rng, 20)} {sentence(rng, 25)}<br /><br />")
    if i % 5 == 0:
        parts.append('<div style="text-align: center;">*&nbsp; &nbsp; *&nbsp; *</div>')
        for _ in range(3):
            parts.append(f"{sentence(rng, 30)}<br /><br />")
        parts.append(
            f'<a href="http://news.example.kr/{i}">"번역 기사 {i}"</a> '
            f"[Paper {i % 7}]<br /><br />"
        )
    if i % 4 == 0 and i > 10:
        parts.append(
            f'See <a href="{HOST}/2011/01/post-{i - 7}.html?m=1">an older post</a>.'
        )
    return "".join(parts)


def plan(posts: int, comments: int, seed: int = 6):
    rng = random.Random(seed)
    start = datetime(2008, 1, 1, 9, 0, tzinfo=TZ)
    post_rows = []
    for i in range(posts):
        when = start + timedelta(hours=7 * i)
        labels = rng.sample(WORDS[:30], rng.randint(1, 3))
        draft = i % 500 == 499
        post_rows.append((i, when, labels, draft))
    comment_rows = []
    live_posts = [p for p in post_rows if not p[3]]
    for c in range(comments):
        post = live_posts[c % len(live_posts)]
        parent = None
        if c % 5 == 4 and c >= len(live_posts):
            parent = c - len(live_posts)  # an earlier comment on the same post
        when = post[1] + timedelta(minutes=30 + c % 997)
        comment_rows.append((c, post[0], parent, when, c % 50 == 7))
    return rng, post_rows, comment_rows


def _classic_post(rng, i, when, labels, draft) -> str:
    slug = f"post-{i}"
    path = f"/{when:%Y/%m}/{slug}.html"
    cats = "".join(
        f"<category scheme='http://www.blogger.com/atom/ns#' term={quoteattr(x)}/>"
        for x in labels
    )
    control = (
        "<app:control xmlns:app='http://purl.org/atom/app#'><app:draft>yes</app:draft>"
        "</app:control>"
        if draft
        else ""
    )
    alt = (
        "" if draft else f"<link rel='alternate' type='text/html' href='{HOST}{path}'/>"
    )
    return (
        f"<entry><id>tag:blogger.com,1999:blog-{BLOG}.post-{1000000 + i}</id>"
        f"<published>{when.isoformat()}</published><updated>{when.isoformat()}</updated>"
        f"{control}<category scheme='http://schemas.google.com/g/2005#kind' "
        "term='http://schemas.google.com/blogger/2008/kind#post'/>"
        f"{cats}<title type='text'>Synthetic post number {i}</title>"
        f"<content type='html'>{escape(post_html(rng, i))}</content>{alt}"
        "<author><name>The Korean</name><uri>https://www.blogger.com/profile/1</uri>"
        "<email>noreply@blogger.com</email></author></entry>\n"
    )


def _classic_comment(rng, c, post, parent, when, removed) -> str:
    post_id = f"tag:blogger.com,1999:blog-{BLOG}.post-{1000000 + post}"
    related = (
        "<link rel='related' type='application/atom+xml' href='https://www.blogger."
        f"com/feeds/{BLOG}/{1000000 + post}/comments/default/{5000000 + parent}'/>"
        if parent is not None
        else ""
    )
    removed_prop = (
        "<gd:extendedProperty name='blogger.contentRemoved' value='true'/>"
        if removed
        else ""
    )
    text = "This comment has been removed by the author." if removed else sentence(rng)
    return (
        f"<entry><id>tag:blogger.com,1999:blog-{BLOG}.post-{5000000 + c}</id>"
        f"<published>{when.isoformat()}</published><updated>{when.isoformat()}</updated>"
        "<category scheme='http://schemas.google.com/g/2005#kind' "
        "term='http://schemas.google.com/blogger/2008/kind#comment'/>"
        f"<title type='text'>{text[:40]}</title>"
        f"<content type='html'>{escape(text)}&lt;br /&gt;{escape(sentence(rng))}"
        f"</content>{related}<author><name>Reader {c % 3000}</name>"
        f"<uri>https://www.blogger.com/profile/{c % 3000}</uri>"
        "<email>noreply@blogger.com</email></author>"
        f"<thr:in-reply-to href='{HOST}/' ref='{post_id}' type='text/html'/>"
        f"{removed_prop}</entry>\n"
    )


def _takeout_post(rng, i, when, labels, draft) -> str:
    path = "" if draft else f"/{when:%Y/%m}/post-{i}.html"
    cats = "".join(f"<category term={quoteattr(x)}/>" for x in labels)
    utc = when.astimezone(UTC).isoformat()
    return (
        f"<entry><id>tag:blogger.com,1999:blog-{BLOG}.post-{1000000 + i}</id>"
        "<author><name>The Korean</name><blogger:type>BLOGGER</blogger:type></author>"
        "<blogger:type>POST</blogger:type>"
        f"<blogger:status>{'DRAFT' if draft else 'LIVE'}</blogger:status>"
        f"<title>Synthetic post number {i}</title>"
        f"<content type='html'>{escape(post_html(rng, i))}</content>"
        f"<published>{utc}</published><updated>{utc}</updated>{cats}"
        f"<blogger:filename>{path}</blogger:filename><blogger:trashed></blogger:trashed>"
        "</entry>\n"
    )


def _takeout_comment(rng, c, post, parent, when, removed) -> str:
    utc = when.astimezone(UTC).isoformat()
    reply = (
        f"tag:blogger.com,1999:blog-{BLOG}.comment-{5000000 + parent}"
        if parent is not None
        else ""
    )
    return (
        f"<entry><id>tag:blogger.com,1999:blog-{BLOG}.comment-{5000000 + c}</id>"
        f"<blogger:parent>tag:blogger.com,1999:blog-{BLOG}.post-{1000000 + post}"
        f"</blogger:parent><blogger:inReplyTo>{reply}</blogger:inReplyTo>"
        f"<author><name>Reader {c % 3000}</name><blogger:type>BLOGGER</blogger:type>"
        "</author><blogger:type>COMMENT</blogger:type>"
        f"<blogger:status>{'SOFT_TRASHED' if removed else 'LIVE'}</blogger:status>"
        f"<content type='html'>{escape(sentence(rng))}&lt;br /&gt;"
        f"{escape(sentence(rng))}</content>"
        f"<published>{utc}</published><updated>{utc}</updated>"
        f"<blogger:trashed>{utc if removed else ''}</blogger:trashed></entry>\n"
    )


def write_export(path, posts=10000, comments=100000, fmt="classic") -> None:
    rng, post_rows, comment_rows = plan(posts, comments)
    early = [row for row in comment_rows if row[0] % 20 == 3 and row[2] is None]
    early_ids = {row[0] for row in early}
    if fmt == "classic":
        make_post, make_comment = _classic_post, _classic_comment
        head = (
            "<?xml version='1.0' encoding='UTF-8'?><feed xmlns='http://www.w3.org/2005/"
            "Atom' xmlns:openSearch='http://a9.com/-/spec/opensearchrss/1.0/' "
            "xmlns:gd='http://schemas.google.com/g/2005' "
            "xmlns:thr='http://purl.org/syndication/thread/1.0'>"
            f"<id>tag:blogger.com,1999:blog-{BLOG}.archive</id>"
            f"<title type='text'>Synthetic</title><link rel='alternate' "
            f"type='text/html' href='{HOST}/'/>\n"
            f"<entry><id>tag:blogger.com,1999:blog-{BLOG}.settings.BLOG_ADMIN</id>"
            "<category scheme='http://schemas.google.com/g/2005#kind' "
            "term='http://schemas.google.com/blogger/2008/kind#settings'/>"
            "<title type='text'>BLOG_ADMIN</title><content type='text'>"
            "owner@example.com</content></entry>\n"
        )
    else:
        make_post, make_comment = _takeout_post, _takeout_comment
        head = (
            "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/"
            "Atom' xmlns:blogger='http://schemas.google.com/blogger/2018'>"
            f"<id>tag:blogger.com,1999:blog-{BLOG}</id><title>Synthetic</title>\n"
        )
    with open(path, "w", encoding="utf-8") as out:
        out.write(head)
        for row in early:
            out.write(make_comment(rng, *row))
        for row in post_rows:
            out.write(make_post(rng, *row))
        for row in comment_rows:
            if row[0] not in early_ids:
                out.write(make_comment(rng, *row))
        out.write("</feed>\n")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--posts", type=int, default=10000)
    parser.add_argument("--comments", type=int, default=100000)
    parser.add_argument("--format", choices=["classic", "takeout"], default="classic")
    args = parser.parse_args(argv)
    write_export(args.out, args.posts, args.comments, args.format)


if __name__ == "__main__":
    main()
