"""Blogger-editor HTML to StreamField blocks.

The body is first parsed and cleaned by nh3 (an HTML5 parser: script, event
handlers and unsafe URLs never get past it), then walked as a tree. Inline
content is flattened to runs of text with their marks (bold, italic, link...),
which lets paragraphs be cut at Blogger's ``<br /><br />`` even when the cut
falls inside an ``<i>`` that spans several paragraphs.

What comes out (:class:`Body`) is a list of plain block values plus the
excerpt, the reader's question and the asker's name when the post answers a
letter. Publications are looked up through a callback so that this module
stays free of the database.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape, unescape
from urllib.parse import urlsplit

import lxml.html
import nh3
from django.utils.html import urlize

from posts import styles
from posts.sanitize import clean_html

from . import images

# What the first, HTML5 pass keeps: everything harmless that carries structure.
_PRE_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "center", "cite", "code", "dd", "del",
    "div", "dl", "dt", "em", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "iframe", "img", "ins", "li", "ol", "p", "pre", "q", "s", "small", "span",
    "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "tt", "u", "ul",
}  # fmt: skip
_PRE_ATTRIBUTES = {
    "*": {"class", "style", "align"},
    "a": {"href", "name"},
    "font": {"color"},
    "img": {"src", "alt", "title", "width", "height"},
    "iframe": {"src"},
    "td": {"colspan", "rowspan"},
}
_BLOCK_TAGS = {
    "p", "div", "center", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "ul",
    "ol", "dl", "table", "pre", "hr", "iframe",
}  # fmt: skip
_MARK_TAGS = {
    "b": "b", "strong": "b", "i": "i", "em": "i", "cite": "i", "sup": "sup",
    "sub": "sub", "s": "s", "strike": "s", "del": "s", "code": "code", "tt": "code",
    "kbd": "code",
}  # fmt: skip
# What the first pass keeps of a style: the safe set that reaches the page (as
# classes, see posts/styles.py) and what the converter reads to place pictures.
_PRE_STYLE = styles.SAFE_PROPERTIES | {"display", "float", "width"}
# An image this small inside a sentence is an icon: it stays in the sentence.
_ICON_SIZE = 48
_SECTION_BREAK = re.compile(r"^(\*\s*){3,}$")
_SOURCE_LINE = re.compile(r'^\s*["“](?P<title>.+?)["”]\s*\[(?P<pub>[^\]]+)\]\s*$')
_ASKER = re.compile(
    r"^\s*(?P<name>[A-Z][\w.\-]*(?: [A-Z][\w.\-]*)?)['’]s\s+(?:question|letter|e-?mail)"
)
_YOUTUBE = re.compile(r"(?:youtube(?:-nocookie)?\.com/embed/|youtu\.be/)([\w-]{6,})")
_VIMEO = re.compile(r"player\.vimeo\.com/video/(\d+)")
_DAILYMOTION = re.compile(r"dailymotion\.com/embed/video/(\w+)")
# Blogger's own player: no oEmbed, so it shows as a link to the video.
_BLOGGER_VIDEO = re.compile(r"^https://(www\.)?blogger\.com/video\.g\?token=[\w-]+$")
_WS = re.compile(r"[\s\xa0]+")
_MORE = re.compile(r"<!--\s*more\s*-->", re.I)
# Control characters: no page wants them and lxml refuses them outright.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_EXCERPT_LIMIT = 400


@dataclass
class InlineImage:
    """A small picture inside a sentence (an icon beside a link)."""

    src: str
    alt: str = ""
    width: str = ""
    height: str = ""

    def html(self) -> str:
        size = "".join(
            f' {name}="{value}"'
            for name, value in (("width", self.width), ("height", self.height))
            if value
        )
        return (
            f'<img class="inline-image" src="{escape(self.src)}" '
            f'alt="{escape(self.alt)}"{size}>'
        )


@dataclass
class Paragraph:
    """A run of inline content: (marks, text) pieces and line breaks.

    A piece's text is a string, ``None`` for a line break, or an
    :class:`InlineImage`. ``align`` is a ``text-*`` class of the stylesheet.
    """

    pieces: list = field(default_factory=list)
    align: str = ""

    @property
    def text(self) -> str:
        return _WS.sub(
            " ",
            "".join(
                "\n" if t is None else t if isinstance(t, str) else ""
                for _, t in self.pieces
            ),
        ).strip()

    @property
    def has_image(self) -> bool:
        return any(isinstance(t, InlineImage) for _, t in self.pieces)

    @property
    def needs_html(self) -> bool:
        """Carries what rich text cannot keep (an icon, colours, alignment)."""
        return (
            bool(self.align)
            or self.has_image
            or any(k[0] == "span" for m, _ in self.pieces for k in m)
        )

    def italic(self) -> bool:
        texts = [(m, t) for m, t in self.pieces if isinstance(t, str) and t.strip()]
        return bool(texts) and all(any(k[0] == "i" for k in m) for m, t in texts)

    def links(self) -> list[str]:
        return [k[1] for m, t in self.pieces for k in m if k[0] == "a"]

    def html(self, drop: frozenset = frozenset()) -> str:
        out = []
        opened: list = []  # marks open at this point, outermost first

        def close_to(depth: int) -> None:
            while len(opened) > depth:
                out.append(f"</{opened.pop()[0]}>")

        for marks, text in _merge(self.pieces):
            if text is None:
                close_to(0)
                out.append("<br/>")
                continue
            marks = [m for m in marks if m[0] not in drop]
            # Marks shared with the piece before stay open: an icon and the
            # words after it inside one link make one link.
            shared = 0
            while shared < min(len(opened), len(marks)) and (
                opened[shared] == marks[shared]
            ):
                shared += 1
            close_to(shared)
            for mark in marks[shared:]:
                out.append(_open(mark))
                opened.append(mark)
            out.append(
                text.html()
                if isinstance(text, InlineImage)
                else escape(text, quote=False)
            )
        close_to(0)
        inner = "".join(out)
        # No line breaks at the edges of a paragraph.
        while inner.startswith("<br/>"):
            inner = inner[5:]
        while inner.endswith("<br/>"):
            inner = inner[:-5]
        if self.align:
            return f'<p class="{self.align}">{inner}</p>'
        return f"<p>{inner}</p>"


def _open(mark) -> str:
    if mark[0] == "a":
        return f'<a href="{escape(mark[1])}">'
    if mark[0] == "span":
        return f'<span class="{mark[1]}">'
    return f"<{mark[0]}>"


def _merge(pieces):
    merged = []
    for marks, text in pieces:
        if merged and isinstance(text, str) and isinstance(merged[-1][1], str):
            if merged[-1][0] == marks:
                merged[-1] = (marks, merged[-1][1] + text)
                continue
        merged.append((marks, text))
    return merged


@dataclass
class Body:
    """A converted body: block values ready for a StreamField."""

    blocks: list = field(default_factory=list)  # [(type, value)]
    excerpt: str = ""
    question_html: str = ""
    asker_name: str = ""
    warnings: list = field(default_factory=list)

    @property
    def is_question(self) -> bool:
        return bool(self.question_html)

    def stream_data(self) -> list[dict]:
        return [{"type": kind, "value": value} for kind, value in self.blocks]


_MORE_MARK = object()


class _Walker:
    """Turns a cleaned tree into a flat list of items: paragraphs and blocks."""

    def __init__(self, rewrite_link: Callable[[str], str], image_source):
        self.items: list = []
        self.current = Paragraph()
        self.rewrite_link = rewrite_link
        self.image_source = image_source
        self.align = ""  # the text-* class of the block being walked

    def flush(self):
        pieces = self.current.pieces
        start = 0
        run = 0
        # Split at two or more consecutive line breaks (whitespace between).
        for index, (_, text) in enumerate(pieces):
            if text is None:
                run += 1
                continue
            if isinstance(text, str) and text.strip(" \t\r\n\xa0") == "" and run:
                continue
            if run >= 2:
                self._emit(pieces[start:index])
                start = index
            run = 0
        self._emit(pieces[start:])
        self.current = Paragraph()

    def _emit(self, pieces):
        para = Paragraph(list(pieces), align=self.align)
        if para.text or para.has_image:
            self.items.append(para)

    def add_block(self, kind, value):
        self.flush()
        self.items.append((kind, value))

    def walk(self, elem, marks: tuple = ()):
        if elem.text:
            self.current.pieces.append((marks, elem.text))
        for child in elem:
            self.node(child, marks)
            if child.tail:
                self.current.pieces.append((marks, child.tail))

    def node(self, elem, marks):
        tag = elem.tag if isinstance(elem.tag, str) else ""
        if tag == "br":
            self.current.pieces.append((marks, None))
            return
        if tag == "a" and elem.get("name") == "more":
            self.flush()
            self.items.append(_MORE_MARK)
            self.walk(elem, marks)
            return
        style = elem.get("style") or ""
        if styles.declarations(style).get("display") == "none":
            # Hidden stays hidden; a hidden picture is kept (hidden) for listings.
            for img in elem.iter("img"):
                self._figure(img, marks, hidden=True)
            return
        if tag == "img":
            if _is_icon(elem):
                icon = InlineImage(
                    elem.get("src", ""),
                    (elem.get("alt") or "").strip(),
                    elem.get("width", ""),
                    elem.get("height", ""),
                )
                self.current.pieces.append((marks, icon))
            else:
                self._figure(elem, marks)
            return
        if tag == "table" and "tr-caption-container" in (elem.get("class") or ""):
            self._caption_table(elem)
            return
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = _WS.sub(" ", elem.text_content()).strip()
            if text:
                level = {"h1": "h2", "h2": "h2", "h3": "h3"}.get(tag, "h4")
                self.add_block("heading", {"text": text[:255], "level": level})
            return
        if tag == "blockquote":
            self.flush()
            inner = _Walker(self.rewrite_link, self.image_source)
            inner.walk(elem)
            inner.flush()
            texts = [i.text for i in inner.items if isinstance(i, Paragraph)]
            if texts:
                self.items.append(
                    (
                        "quote",
                        {
                            "text": "\n\n".join(texts),
                            "attribution": "",
                            "source_url": "",
                        },
                    )
                )
            others = [i for i in inner.items if not isinstance(i, Paragraph)]
            self.items.extend(o for o in others if o is not _MORE_MARK)
            return
        if tag in ("ul", "ol"):
            self.add_block("list", self._list_html(elem, tag))
            return
        if tag == "iframe":
            url = video_url(elem.get("src", ""))
            if url:
                self.add_block("embed", url)
            else:
                self.flush()
            return
        if tag in ("table", "pre", "dl"):
            _styles_as_classes(elem)
            markup = lxml.html.tostring(elem, encoding="unicode", with_tail=False)
            self.add_block("legacy_html", clean_html(markup))
            return
        if tag == "hr":
            self.add_block("section_break", None)
            return
        new_marks = _style_marks(elem, marks)
        if tag in _BLOCK_TAGS:
            self.flush()
            outer = self.align
            self.align = _alignment(elem) or outer
            self.walk(elem, new_marks)
            self.flush()
            self.align = outer
            return
        if tag == "a" and elem.get("href"):
            href = self.rewrite_link(elem.get("href", ""))
            new_marks = (*new_marks, ("a", href))
        elif tag in _MARK_TAGS:
            mark = (_MARK_TAGS[tag],)
            if mark not in new_marks:
                new_marks = (*new_marks, mark)
        self.walk(elem, new_marks)

    def _figure(self, img, marks, hidden: bool = False):
        link = next((m[1] for m in marks if m[0] == "a"), "")
        value = self.image_source(img.get("src", ""), link, img)
        value.update(_placement(img), hidden=hidden)
        self.add_block("image", value)

    def _caption_table(self, table):
        img = table.find(".//img")
        if img is None:
            return
        link_el = img.getparent()
        link = link_el.get("href", "") if link_el.tag == "a" else ""
        caption = ""
        for cell in table.iter("td"):
            if "tr-caption" in (cell.get("class") or "").split():
                caption = _WS.sub(" ", cell.text_content()).strip()
        value = self.image_source(img.get("src", ""), link, img)
        value["caption"] = caption[:500]
        value.update(_placement(img, table))
        self.add_block("image", value)

    def _list_html(self, elem, tag):
        items = []
        for li in elem.iterfind("li"):
            inner = _Walker(self.rewrite_link, self.image_source)
            inner.walk(li)
            paragraph = Paragraph(inner.current.pieces)
            items.append(f"<li>{paragraph.html()[3:-4]}</li>")
        return f"<{tag}>{''.join(items)}</{tag}>"


def video_url(src: str) -> str:
    """The address of the video an ``<iframe>`` plays, or "" for any other."""
    if match := _YOUTUBE.search(src):
        return f"https://www.youtube.com/watch?v={match.group(1)}"
    if match := _VIMEO.search(src):
        return f"https://vimeo.com/{match.group(1)}"
    if match := _DAILYMOTION.search(src):
        return f"https://www.dailymotion.com/video/{match.group(1)}"
    if _BLOGGER_VIDEO.match(src.strip()):
        return src.strip()
    return ""


def _style_marks(elem, marks: tuple) -> tuple:
    """``marks`` plus what the element's (filtered) style means inline."""
    style = elem.get("style") or ""
    found = list(marks)
    if styles.is_italic(style) and ("i",) not in found:
        found.append(("i",))
    if styles.is_bold(style) and ("b",) not in found:
        found.append(("b",))
    colours = [c for c in styles.classes_for(style) if not c.startswith("text-")]
    if elem.tag == "font" and elem.get("color"):
        colours += styles.classes_for(f"color: {elem.get('color')}")
    if colours:
        found.append(("span", " ".join(colours)))
    return tuple(found)


def _styles_as_classes(root) -> None:
    """Give each element of ``root`` the classes its style stands for."""
    for elem in root.iter():
        if not isinstance(elem.tag, str):
            continue
        found = styles.classes_for(elem.get("style") or "")
        if elem.tag == "font" and elem.get("color"):
            found += styles.classes_for(f"color: {elem.get('color')}")
        if found:
            elem.set("class", " ".join([elem.get("class") or "", *found]).strip())


def _alignment(elem) -> str:
    style = elem.get("style") or ""
    if not style and elem.get("align"):
        style = f"text-align: {elem.get('align')}"
    if elem.tag == "center":
        style = "text-align: center"
    return next((c for c in styles.classes_for(style) if c.startswith("text-")), "")


def _pixels(value: str) -> int | None:
    match = re.match(r"^\s*(\d{1,4})(px)?\s*$", value or "")
    return int(match.group(1)) if match else None


def _is_icon(img) -> bool:
    sizes = [_pixels(img.get(name, "")) for name in ("width", "height")]
    sizes = [size for size in sizes if size is not None]
    return bool(sizes) and max(sizes) <= _ICON_SIZE


def _placement(img, *around) -> dict:
    """Side and width of a floated picture (Blogger floats the link around it,
    or a caption table); a picture across the column keeps the column's width.
    """
    side = ""
    for elem in (img, img.getparent(), *around):
        if elem is None:
            continue
        found = styles.declarations(elem.get("style") or "").get("float", "")
        found = found or (elem.get("align") or "").lower()
        if found in ("left", "right"):
            side = found
            break
    if not side:
        return {"alignment": ""}
    width = _pixels(img.get("width", "")) or _pixels(
        styles.declarations(img.get("style") or "").get("width", "")
    )
    return {"alignment": side, "width": width}


def _plain(html_text: str) -> str:
    return _WS.sub(" ", unescape(nh3.clean(html_text, tags=set()))).strip()


def convert_body(
    html_text: str,
    *,
    question_opening: str = "Dear Korean,",
    rewrite_link: Callable[[str], str] = lambda url: url,
    image_source=None,
    publication_for: Callable[[str], int | None] = lambda name: None,
) -> Body:
    """Convert one post's HTML into blocks, finding question and translation."""
    image_source = image_source or images.RemoteImages()
    html_text = _MORE.sub('<a name="more"></a>', html_text or "")
    cleaned = nh3.clean(
        html_text,
        tags=_PRE_TAGS,
        attributes=_PRE_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        strip_comments=True,
        link_rel=None,
        filter_style_properties=_PRE_STYLE,
    )
    # After nh3: it turns character references such as &#27; into the raw control.
    cleaned = _CONTROL.sub("", cleaned)
    body = Body()
    if not cleaned.strip():
        return body
    root = lxml.html.fragment_fromstring(cleaned, create_parent="div")
    walker = _Walker(rewrite_link, image_source.block_value)
    walker.walk(root)
    walker.flush()
    items = walker.items

    # Section breaks written as a paragraph of asterisks.
    items = [
        ("section_break", None)
        if isinstance(i, Paragraph) and _SECTION_BREAK.match(i.text)
        else i
        for i in items
    ]

    # The reader's letter at the top.
    if question_opening and items and isinstance(items[0], Paragraph):
        first = items[0]
        if first.text.lower().startswith(question_opening.strip().lower()):
            count = 1
            if first.italic():
                while count < len(items) and (
                    isinstance(items[count], Paragraph) and items[count].italic()
                ):
                    count += 1
            else:
                count = min(2, len(items))
                while count > 1 and not isinstance(items[count - 1], Paragraph):
                    count -= 1
            letter = items[:count]
            items = items[count:]
            body.question_html = "".join(p.html(drop=frozenset("i")) for p in letter)
            for item in items[:3]:
                if isinstance(item, Paragraph):
                    match = _ASKER.match(item.text)
                    if match:
                        body.asker_name = match.group("name")
                        break

    # Quoted translations: a section break, the article, a source line.
    blocks: list = []
    index = 0
    while index < len(items):
        item = items[index]
        if item == ("section_break", None):
            found = _translation_after(items, index + 1, publication_for)
            if found is not None:
                value, next_index = found
                blocks.append(("section_break", None))
                blocks.append(("translation", value))
                index = next_index
                continue
        blocks.append(item)
        index += 1

    # The jump break marks the excerpt.
    excerpt_parts = []
    out = []
    seen_more = False
    for item in blocks:
        if item is _MORE_MARK:
            if not seen_more and out:
                excerpt_parts = [i.text for i in out if isinstance(i, Paragraph)]
            seen_more = True
            continue
        out.append(item)
    if not seen_more:
        first = next((i for i in out if isinstance(i, Paragraph)), None)
        excerpt_parts = [first.text] if first else []
    excerpt = " ".join(excerpt_parts)
    if len(excerpt) > _EXCERPT_LIMIT:
        excerpt = excerpt[: _EXCERPT_LIMIT - 1].rsplit(" ", 1)[0] + "…"
    body.excerpt = excerpt

    for item in out:
        if isinstance(item, Paragraph) and item.needs_html:
            body.blocks.append(("legacy_html", clean_html(item.html())))
        elif isinstance(item, Paragraph):
            body.blocks.append(("paragraph", item.html()))
        elif item[0] == "list":
            body.blocks.append(("paragraph", item[1]))
        else:
            body.blocks.append(item)
    return body


def _language_of(text: str) -> str:
    if re.search(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]", text):
        return "ko"
    if re.search(r"[\u3040-\u30ff]", text):
        return "ja"
    if re.search(r"[\u4e00-\u9fff]", text):
        return "zh"
    return "en"


def _translation_after(items, start, publication_for):
    """A translation starting at ``items[start]``, if a source line ends it."""
    index = start
    article = []
    while index < len(items):
        item = items[index]
        if item is _MORE_MARK:
            index += 1
            continue
        if not isinstance(item, Paragraph):
            return None
        match = _SOURCE_LINE.match(item.text)
        if match:
            if not article:
                return None
            links = item.links()
            title = match.group("title").strip()
            publication = match.group("pub").strip()
            value = {
                "original_title": title[:500],
                "original_language": _language_of(title),
                "original_author": "",
                "publication": publication_for(publication),
                "original_url": links[0] if links else "",
                "published_on": None,
                "translator_note": "",
                "text": "".join(p.html() for p in article),
            }
            return value, index + 1
        article.append(item)
        index += 1
    return None


def comment_text(html_text: str) -> str:
    """A comment's HTML as plain text with its line breaks kept."""
    text = re.sub(r"<br\s*/?>", "\n", html_text or "", flags=re.I)
    text = re.sub(r"</p\s*>", "\n\n", text, flags=re.I)
    text = _CONTROL.sub("", unescape(nh3.clean(text, tags=set())))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


# What a Blogger comment may carry (Blogger's comment form allowed b, i, a).
_COMMENT_TAGS = {"a", "b", "strong", "i", "em", "br"}
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_BREAKS = re.compile(r"(?:<br>\s*){2,}")


def comment_html(html_text: str) -> str:
    """A Blogger comment's own HTML, sanitised, as readers see it.

    Links keep their address and get ``rel="nofollow ugc"``; bold, italic and
    line breaks stay; two breaks or more start a paragraph. A bare web
    address in the text is linked as in comments written on this site.
    """
    text = re.sub(r"</p\s*>|\r?\n\r?\n", "<br><br>", html_text or "", flags=re.I)
    text = re.sub(r"\r?\n", "<br>", text)
    cleaned = nh3.clean(
        text,
        tags=_COMMENT_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc",
        strip_comments=True,
    )
    cleaned = _CONTROL.sub("", cleaned)
    out = []
    inside_link = 0
    for part in _TAG_OR_TEXT.split(cleaned):
        if part.startswith("<"):
            if part.startswith("<a "):
                inside_link += 1
            elif part == "</a>":
                inside_link = max(0, inside_link - 1)
            out.append(part)
        elif part and not inside_link:
            linked = urlize(
                unescape(part), trim_url_limit=60, nofollow=True, autoescape=True
            )
            out.append(linked.replace(' rel="nofollow"', ' rel="nofollow ugc"'))
        else:
            out.append(part)
    paragraphs = [p.strip() for p in _BREAKS.split("".join(out))]
    paragraphs = [re.sub(r"^(<br>\s*)+|(\s*<br>)+$", "", p) for p in paragraphs]
    return "".join(f"<p>{p}</p>" for p in paragraphs if p)


def old_link_rewriter(blog_hosts: set[str], blogspot_name: str):
    """A function that turns links to the old blog into site-relative paths.

    ``/2012/03/slug.html`` stays as the path (the importer later swaps it for
    the new page's address, and a permanent redirect covers it in any case);
    ``?m=1`` and ``?showComment=`` are dropped, the ``#fragment`` kept.
    """

    def rewrite(url: str) -> str:
        try:
            parts = urlsplit(url.strip())
        except ValueError:
            return url
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not host:
            return url
        ours = host in blog_hosts or host.removeprefix("www.") in blog_hosts
        if not ours and blogspot_name:
            ours = bool(
                re.fullmatch(
                    rf"(www\.)?{re.escape(blogspot_name)}\.blogspot\.[a-z.]+", host
                )
            )
        if not ours:
            return url
        path = parts.path or "/"
        if parts.query and path.startswith("/search"):
            path = f"{path}?{parts.query}"
        return path + (f"#{parts.fragment}" if parts.fragment else "")

    return rewrite


def plain_text(html_text: str) -> str:
    return _plain(html_text)
